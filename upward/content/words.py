"""The language of search: words, their stems, British and American spellings, stop words, synonyms.

One rule turns a written word into the term search compares (`get_term`), and it is applied to
the indexed text and to the query alike, so "behaviour", "behavior" and "behavioural" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_WORD_RE = re.compile(r"[^\W_]+")
_HYPHENATED_RE = re.compile(r"\b([^\W_]+)-([^\W_]+)\b")
_STEMMER = Stemmer.Stemmer("english")

# British spellings in rules: each pattern's stem list is closed, so "four" or "hour" never
# turn into other words. Over-applying is harmless elsewhere: index and query change alike.
_SUFFIXES = r"(s|ed|ing|ite|ites|able|ably|al|ally|ful|less|er|ers|ism|ist|ists|hood|ly|y)?"
_OUR_RE = re.compile(
    r"^((?:mis|dis|un)?(?:behavi|cand|col|fav|hon|hum|lab|neighb|rum|sav|savi|vig|harb|endeav"
    r"|flav|parl|splend|clam|od|val|arm|tum|vap|ard|rig|ferv))our" + _SUFFIXES + "$"
)
_ISE_RE = re.compile(r"^(\w{3,})is(e|es|ed|ing|er|ers|ation|ations|ational|ationally|able)$")
_YSE_RE = re.compile(r"^(\w{3,})ys(e|es|ed|ing|er|ers)$")
_RE_RE = re.compile(r"^(cent|theat|met|lit|fib|calib|somb|spect|lust|meag|sab|scept)re(s|d)?$")
_OGUE_RE = re.compile(r"^(catal|anal|dial|prol|epil|monol)ogue(s|d)?$")
SPELLINGS = {
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "defences": "defenses",
    "offence": "offense",
    "offences": "offenses",
    "licence": "license",
    "licences": "licenses",
    "pretence": "pretense",
    "practise": "practice",
    "practised": "practiced",
    "practises": "practices",
    "practising": "practicing",
    "grey": "gray",
    "judgement": "judgment",
    "judgements": "judgments",
    "acknowledgement": "acknowledgment",
    "acknowledgements": "acknowledgments",
    "ageing": "aging",
    "whilst": "while",
    "amongst": "among",
    "learnt": "learned",
    "spelt": "spelled",
    "burnt": "burned",
    "dreamt": "dreamed",
    "towards": "toward",
    "enrol": "enroll",
    "enrols": "enrolls",
    "enrolment": "enrollment",
    "enrolments": "enrollments",
    "fulfil": "fulfill",
    "fulfils": "fulfills",
    "fulfilment": "fulfillment",
    "skilful": "skillful",
    "skilfully": "skillfully",
    "wilful": "willful",
    "instalment": "installment",
    "maths": "math",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "scepticism": "skepticism",
    "cheque": "check",
    "cheques": "checks",
    "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers",
    "jewellery": "jewelry",
    "mould": "mold",
    "plough": "plow",
    "tyre": "tire",
    "tyres": "tires",
    "storey": "story",
    "draught": "draft",
    "aluminium": "aluminum",
    "encyclopaedia": "encyclopedia",
    "paediatric": "pediatric",
    "anaesthetic": "anesthetic",
    "oestrogen": "estrogen",
    "foetus": "fetus",
    "leukaemia": "leukemia",
    "mum": "mom",
    "fortnight": "biweekly",
    "fortnightly": "biweekly",
}

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are aren as at be because been before
    being below between both but by can cannot could couldn did didn do does doesn doing don down
    during each few for from further had hadn has hasn have haven having he her here hers herself
    him himself his how i if in into is isn it its itself just let ll me more most mustn my myself
    no nor not now of off on once only or other ought our ours ourselves out over own re s same
    shan she should shouldn so some such t than that the their theirs them themselves then there
    these they this those through to too under until up ve very was wasn we were weren what when
    where which while who whom why will with won would wouldn you your yours yourself yourselves
    get got go going make way thing things please tips tip
    """.split()  # noqa: SIM905
)
"""Words a query need not match: questions are answered by their other words."""

# Groups of words learners use for the same idea. A synonym matches like a one-letter typo:
# it finds the page, and the word as typed ranks above it.
_SYNONYM_GROUPS = (
    "criticism critique criticize",
    "feedback critique",
    "meeting session",
    "meetings sessions",
    "boss executive",
    "manager executive",
    "senior executive",
    "leader executive",
    "junior mentor",
    "younger mentor",
    "review retrospective",
    "retro retrospective",
    "ending closing",
    "end closing",
    "finish closing",
    "skip cancel",
    "postpone cancel",
    "reschedule cancel",
    "defensive bristle",
    "defensiveness bristle",
    "honest candor",
    "honesty candor",
    "frank candor",
    "candid candor",
    "nervous anxious afraid fear",
    "scared fear",
    "intimidated fear",
    "punish retaliation",
    "revenge retaliation",
    "backlash retaliation",
    "private confidential",
    "secret confidential",
    "consent permission",
    "objective goal",
    "aim goal",
    "metric measure",
    "metrics measure",
    "kpi measure",
    "kickoff launch",
    "onboarding launch",
    "ai intelligence generative",
    "chatgpt generative",
    "llm generative",
    "genai generative",
    "linkedin social",
    "tiktok social",
    "instagram social",
    "twitter social",
    "dei diversity inclusion",
    "inclusive inclusion",
    "bias diversity",
    "matching pairing",
    "match pair",
    "journal reflection",
    "diary reflection",
    "plan agenda",
    "pulse checkin",
    "checkin check",
    "thank thanks gratitude",
    "appreciate thank",
    "hear listen",
    "listening hearing",
    "tech technology",
    "digital technology",
)


def get_words(text: str, *, joined: bool = True) -> list[str]:
    """Return the words of a text, lower-cased, without accents; hyphenated words also joined."""
    text = fold(text)
    words = _WORD_RE.findall(text)
    if joined and "-" in text:
        words += [a + b for a, b in _HYPHENATED_RE.findall(text)]
    return words


def fold(text: str) -> str:
    """Lower-case a text and take the accents off its letters."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def get_term(word: str) -> str:
    """Return the term a folded word is indexed and searched as: American spelling, stemmed."""
    return _STEMMER.stemWord(americanize(word))


def americanize(word: str) -> str:
    """Return the American spelling of a folded word (the word itself when it has none)."""
    if word in SPELLINGS:
        return SPELLINGS[word]
    if len(word) < 5:
        return word
    if "our" in word and (m := _OUR_RE.match(word)):
        return f"{m[1]}or{m[2] or ''}"
    if "is" in word and (m := _ISE_RE.match(word)):
        return f"{m[1]}iz{m[2]}"
    if "ys" in word and (m := _YSE_RE.match(word)):
        return f"{m[1]}yz{m[2]}"
    if word.endswith(("re", "res", "red")) and (m := _RE_RE.match(word)):
        return f"{m[1]}er{'ed' if m[2] == 'd' else m[2] or ''}"
    if "ogue" in word and (m := _OGUE_RE.match(word)):
        return f"{m[1]}og{'ed' if m[2] == 'd' else m[2] or ''}"
    return word


def get_terms(text: str) -> list[str]:
    """Return the terms of a text, in order."""
    return [get_term(word) for word in get_words(text)]


def is_stop_word(word: str) -> bool:
    """Tell whether a folded word may go unmatched in a query."""
    return word in STOP_WORDS


def _get_synonyms() -> dict[str, frozenset[str]]:
    """Return each term's synonyms as terms, both ways round."""
    found: dict[str, set[str]] = {}
    for group in _SYNONYM_GROUPS:
        terms = {get_term(word) for word in group.split()}
        for term in terms:
            found.setdefault(term, set()).update(terms - {term})
    return {term: frozenset(others) for term, others in found.items()}


SYNONYMS = _get_synonyms()
"""Term -> the terms that mean nearly the same to a learner."""
