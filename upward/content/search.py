"""Full-text search with SQLite FTS5 (in memory, built with the library), forgiving as people type.

What a query goes through, Meilisearch-style:
- every word, in the index and in the query, becomes a term: accents off, American spelling,
  Snowball stem (`words.get_term`), so "behaviour"/"behavior" and "cancelled"/"cancellations" meet;
- stop words need not match ("how do I ..." is searched by its other words);
- a word also matches its synonyms, words within one typo (five letters or more) or two (nine or
  more; a wrong first letter counts as two), and the last word matches as a prefix;
- pages are ranked by how many query words they match, then by how few typos and synonyms that
  took, then by BM25 over title, headings, summary and body (weighted in that order), with steps
  ahead of templates and resources;
- a word that matches nothing as typed gives a "did you mean" suggestion.
"""

from __future__ import annotations

import bisect
import html
import logging
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from sys import intern
from types import MappingProxyType

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from .words import SYNONYMS, fold, get_term, get_words, is_stop_word

log = logging.getLogger(__name__)

TITLE_WEIGHT, HEADINGS_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 10.0, 5.0, 4.0, 1.0
KIND_WEIGHTS = {"step": 1.6, "template": 1.3, "resource": 1.0}
"""Relevance multipliers: a step that teaches a topic beats a resource that mentions it."""
PERSONAL_WEIGHT = 1.3
"""Relevance multiplier for rows that are not library pages (a person's own words)."""
MAX_WORDS = 16
MAX_WORD_LENGTH = 40
MAX_PREFIX_TERMS = 30
MAX_TYPO_TERMS = 8
SUGGESTION_CUTOFF = 70.0
"""How alike (0-100, rapidfuzz ratio) a word must be to be offered as "did you mean"."""
SNIPPET_CHARS = 180
_OVERLAY_ROWID = 1 << 40
_SCHEMA = """
CREATE VIRTUAL TABLE pages USING fts5(
    title, headings, summary, body, weight UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
)
"""
_RANK = f"bm25(pages, {TITLE_WEIGHT}, {HEADINGS_WEIGHT}, {SUMMARY_WEIGHT}, {BODY_WEIGHT})"
_OPEN, _CLOSE = "\x02", "\x03"
_IN_MATCH = "rowid IN (SELECT rowid FROM pages WHERE pages MATCH ?)"
_FIELD_WEIGHTS = {"title": TITLE_WEIGHT, "{headings summary}": HEADINGS_WEIGHT}
"""Where a word is found, for ranking: the title weighs most, then headings and summary."""


@dataclass(frozen=True)
class SearchRow:
    """What the index stores for one page (or one of a person's own texts)."""

    page_id: str
    kind: str
    title: str
    summary: str
    body: str
    public: bool
    audience: frozenset[str]
    headings: str = ""
    """The page's section headings, one per line: they weigh more than body text."""


@dataclass(frozen=True)
class Hit:
    """One search result; snippet_html and title_html are escaped, with <mark> around matches."""

    kind: str
    id: str
    title: str
    snippet_html: str
    score: float
    """Higher is better."""
    title_html: str = ""


@dataclass(frozen=True)
class Found:
    """The outcome of one search: a page of hits, how many in all, per kind and audience."""

    hits: tuple[Hit, ...] = ()
    total: int = 0
    """Matches that pass every filter."""
    kinds: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Matches per kind, with the audience filter applied but not the kind filter."""
    audiences: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Matches for each audience (pages for everyone count in each), with the kind filter."""
    suggestion: str | None = None
    """The query with its unknown words corrected, when some word matched nothing as typed."""


@dataclass(frozen=True)
class Word:
    """One word of a query and the terms that count as matching it, with what each costs."""

    typed: str
    alternatives: Mapping[str, int]
    """Term -> cost: 0 as typed (or a prefix of it), else the number of typos, 1 for a synonym."""
    correction: str | None = None
    """The word to suggest instead, when the typed word is unknown."""


@dataclass(frozen=True)
class Query:
    """A parsed query: the words that must be looked for (stop words dropped)."""

    words: tuple[Word, ...]
    suggestion: str | None = None


class Vocabulary:
    """The words of an index, for typos, prefixes and suggestions; immutable once built."""

    def __init__(
        self, document_words: Iterable[AbstractSet[str]], frequency: Counter[str] | None = None
    ) -> None:
        """Count the documents' words, or take the counts ready made (`frequency`)."""
        if frequency is None:
            frequency = Counter()
            for words in document_words:
                frequency.update(words)
        self.frequency: Mapping[str, int] = frequency
        """Folded word -> how many documents have it."""
        self.terms: dict[str, int] = {}
        """Term -> how many documents have one of its words (at most; words of a page overlap)."""
        self.spellings: dict[str, list[str]] = {}
        """Term -> the folded words that become it."""
        for word, count in frequency.items():
            term = get_term(word)
            self.terms[term] = self.terms.get(term, 0) + count
            self.spellings.setdefault(term, []).append(word)
        self.sorted_words = sorted(frequency)
        self._near: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self.by_first: dict[str, list[str]] = {}
        for word in self.sorted_words:
            self.by_first.setdefault(word[0], []).append(word)

    def knows(self, term: str) -> bool:
        """Tell whether any indexed word becomes this term."""
        return term in self.terms

    def starting_with(self, prefix: str) -> list[str]:
        """Return the indexed words that begin with a prefix (the prefix itself excluded)."""
        start = bisect.bisect_right(self.sorted_words, prefix)
        end = bisect.bisect_left(self.sorted_words, prefix + "\U0010ffff")
        return self.sorted_words[start:end]

    def near(self, word: str, typos: int) -> list[tuple[str, int]]:
        """Return indexed words within a number of typos; a wrong first letter counts as two."""
        key = (word, typos)
        if key not in self._near:
            if len(self._near) > 4096:
                self._near.clear()
            found = _within(word, self.by_first.get(word[0], ()), typos)
            if typos >= 2:
                others = _within(word, self.sorted_words, typos - 1)
                found += [(w, d + 1) for w, d in others if w[0] != word[0]]
            self._near[key] = found
        return self._near[key]

    def closest(self, word: str) -> tuple[str, float] | None:
        """Return the indexed word most like a word, and how alike (0-100), if any is close."""
        best = process.extractOne(
            word, self.sorted_words, scorer=fuzz.ratio, score_cutoff=SUGGESTION_CUTOFF
        )
        return (best[0], best[1]) if best else None


def _within(word: str, candidates: Sequence[str], typos: int) -> list[tuple[str, int]]:
    """Return the candidates within a Damerau-Levenshtein distance of a word."""
    if not candidates or typos <= 0:
        return []
    matches = process.extract(
        word,
        candidates,
        scorer=DamerauLevenshtein.distance,
        score_cutoff=typos,
        limit=None,
    )
    return [(candidate, int(distance)) for candidate, distance, _ in matches]


def get_allowed_typos(word: str) -> int:
    """Return how many typos a word may have: none under 5 letters, 1 under 9, else 2."""
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


def parse_query(text: str, vocabularies: Sequence[Vocabulary]) -> Query:
    """Turn what someone typed into the words to look for, each with its alternatives."""
    typed = [w for w in get_words(text or "", joined=False) if len(w) <= MAX_WORD_LENGTH]
    typed = list(dict.fromkeys(typed))[:MAX_WORDS]
    wanted = [w for w in typed if not is_stop_word(w)] or typed
    if not wanted:
        return Query(())
    last = typed[-1]
    words = tuple(get_word(w, vocabularies, prefix=w == last) for w in wanted)
    suggestion = None
    if any(w.correction for w in words):
        corrections = {w.typed: w.correction for w in words if w.correction}
        suggestion = " ".join(corrections.get(w, w) for w in typed)
    return Query(words, suggestion)


def get_word(word: str, vocabularies: Sequence[Vocabulary], *, prefix: bool) -> Word:
    """Return a query word with its alternatives: itself, prefix words, synonyms, near misses."""
    term = get_term(word)
    alternatives = {term: 0}
    for vocabulary in vocabularies:
        if prefix and len(word) >= 2:
            completions = vocabulary.starting_with(word)
            completions.sort(key=lambda w: -vocabulary.frequency[w])
            for completion in completions[:MAX_PREFIX_TERMS]:
                alternatives.setdefault(get_term(completion), 0)
    for synonym in SYNONYMS.get(term, ()):
        alternatives.setdefault(synonym, 1)
    near: list[tuple[int, int, str]] = []
    for vocabulary in vocabularies:
        for other, typos in vocabulary.near(word, get_allowed_typos(word)):
            near.append((typos, -vocabulary.frequency[other], other))
    near.sort()
    for typos, _, other in near[:MAX_TYPO_TERMS]:
        other_term = get_term(other)
        alternatives[other_term] = min(alternatives.get(other_term, typos), typos)
    known = any(
        vocabulary.knows(t)
        for t, cost in alternatives.items()
        if cost == 0
        for vocabulary in vocabularies
    )
    correction = None
    if not known:
        correction = near[0][2] if near else _closest(word, vocabularies)
    return Word(word, MappingProxyType(alternatives), correction)


def _closest(word: str, vocabularies: Sequence[Vocabulary]) -> str | None:
    """Return the most alike indexed word across vocabularies, if one is close enough."""
    found = [c for v in vocabularies if (c := v.closest(word)) is not None]
    return max(found, key=lambda c: c[1])[0] if found else None


@lru_cache(maxsize=8192)
def get_indexed(text: str) -> tuple[str, tuple[str, ...]]:
    """Return a text as the index stores it (its terms, space-separated) and its distinct words.

    Kept for every text of the library, so a reload re-reads only changed files: the words are
    interned so that the pages share them.
    """
    words = get_words(text)
    terms = {intern(word): get_term(word) for word in words}
    return " ".join([terms[w] for w in words]), tuple(terms)


def get_document_words(row: SearchRow) -> frozenset[str]:
    """Return the distinct folded words of a row."""
    fields = (row.title, row.headings, row.summary, row.body)
    return frozenset().union(*(get_indexed(text)[1] for text in fields))


class SearchIndex:
    """An in-memory FTS5 index; one connection shared by threads behind a lock.

    Built from a previous index (a reload), it copies that index and its word counts and
    re-reads only the rows that changed, so one edited file costs one row, not the library.
    """

    def __init__(self, rows: Iterable[SearchRow], previous: SearchIndex | None = None) -> None:
        self.rows: list[SearchRow] = list(rows)
        self.audiences = frozenset().union(*(row.audience for row in self.rows)) - {"all"}
        """Every audience some page is for."""
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        if previous is not None and self._update_from(previous):
            return
        self.vocabulary = Vocabulary(get_document_words(row) for row in self.rows)
        with self._lock:
            self._db.execute(_SCHEMA)
            self._db.execute("BEGIN")
            self._insert(enumerate(self.rows, start=1))
            self._db.execute("COMMIT")

    def snapshot(self) -> tuple[list[SearchRow], dict[str, int], bytes]:
        """Return the rows, word counts and database, to rebuild this index in another process."""
        with self._lock:
            data = self._db.serialize()
        return self.rows, dict(self.vocabulary.frequency), data

    @classmethod
    def restore(cls, snapshot: tuple[list[SearchRow], dict[str, int], bytes]) -> SearchIndex:
        """Return the index a snapshot was taken of (a start-up uses it as the previous one)."""
        rows, frequency, data = snapshot
        index = cls.__new__(cls)
        index.rows = list(rows)
        index.audiences = frozenset().union(*(row.audience for row in index.rows)) - {"all"}
        index._lock = threading.Lock()
        index._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        index._db.deserialize(data)
        (count,) = index._db.execute("SELECT count(*) FROM pages").fetchone()
        if count != len(index.rows):
            raise ValueError("the snapshot's rows and database disagree")
        index.vocabulary = Vocabulary((), Counter(frequency))
        return index

    def _update_from(self, previous: SearchIndex) -> bool:
        """Start from a copy of the previous index, re-reading changed rows; False if closed."""
        old_rows = {row.page_id: (rowid, row) for rowid, row in enumerate(previous.rows, 1)}
        kept: list[tuple[int, int]] = []  # (new rowid, old rowid) of unchanged rows
        fresh: list[tuple[int, SearchRow]] = []
        for rowid, row in enumerate(self.rows, start=1):
            old = old_rows.pop(row.page_id, None)
            if old is not None and old[1] == row:
                kept.append((rowid, old[0]))
            else:
                fresh.append((rowid, row))
        gone = [row for _, row in old_rows.values()]
        frequency = Counter(previous.vocabulary.frequency)
        replaced = {row.page_id for _, row in fresh}
        for row in previous.rows:
            if row.page_id in replaced:
                frequency.subtract(get_document_words(row))
        for row in gone:
            frequency.subtract(get_document_words(row))
        for _, row in fresh:
            frequency.update(get_document_words(row))
        self.vocabulary = Vocabulary((), +frequency)  # unary plus drops words now counted 0
        with previous._lock:
            try:
                previous._db.backup(self._db)
            except sqlite3.Error:  # the previous index was closed
                return False
        with self._lock:
            self._db.execute("BEGIN")
            if all(new == old for new, old in kept):
                # The same pages in the same places: replace the changed rows only.
                for rowid, _ in fresh:
                    self._db.execute("DELETE FROM pages WHERE rowid = ?", (rowid,))
                self._db.execute("DELETE FROM pages WHERE rowid > ?", (len(self.rows),))
            else:
                # Pages came or went, so rows move: re-insert the stored terms under new rowids.
                stored = {
                    rowid: values
                    for rowid, *values in self._db.execute(
                        "SELECT rowid, title, headings, summary, body, weight FROM pages"
                    )
                }
                self._db.execute("DELETE FROM pages")
                self._db.executemany(
                    "INSERT INTO pages (rowid, title, headings, summary, body, weight)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    ((new, *stored[old]) for new, old in kept),
                )
            self._insert(fresh)
            self._db.execute("COMMIT")
        return True

    def search(
        self,
        query: str,
        *,
        include_drafts: bool = False,
        audiences: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Return the best matches for a query; odd input gives no hits, never an error."""
        found = self.find(
            query, include_drafts=include_drafts, audiences=audiences, kinds=kinds, limit=limit
        )
        return list(found.hits)

    def find(
        self,
        query: str,
        *,
        include_drafts: bool = False,
        audiences: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 20,
        extra: Sequence[SearchRow] = (),
    ) -> Found:
        """Search the index and, for this search only, extra rows (a person's own words)."""
        vocabularies = [self.vocabulary]
        if extra:
            vocabularies.append(Vocabulary(get_document_words(row) for row in extra))
        parsed = parse_query(query, vocabularies)
        if not parsed.words:
            return Found()
        try:
            matches = self._match(parsed, extra)
        except sqlite3.Error:
            log.warning("search failed for %r", query, exc_info=True)
            return Found(suggestion=parsed.suggestion)
        wanted_audiences = None if audiences is None else {"all", *audiences}
        wanted_kinds = None if kinds is None else set(kinds)
        kind_counts: Counter[str] = Counter()
        audience_sets: Counter[frozenset[str]] = Counter()
        chosen: list[tuple[SearchRow, float]] = []
        for rowid, _, relevance, _ in matches:
            row = self.rows[rowid - 1] if rowid < _OVERLAY_ROWID else self._row(rowid, extra)
            if not (include_drafts or row.public):
                continue
            for_audience = wanted_audiences is None or not row.audience.isdisjoint(wanted_audiences)
            of_kind = wanted_kinds is None or row.kind in wanted_kinds
            if for_audience:
                kind_counts[row.kind] += 1
            if of_kind:
                audience_sets[row.audience] += 1
            if for_audience and of_kind:
                chosen.append((row, relevance))
        audience_counts: Counter[str] = Counter()
        for audience, count in audience_sets.items():
            for name in self.audiences if "all" in audience else audience - {"all"}:
                audience_counts[name] += count
        highlight = _get_highlighter(parsed, vocabularies)
        hits = tuple(
            self._hit(row, relevance, highlight) for row, relevance in chosen[: max(limit, 0)]
        )
        return Found(
            hits=hits,
            total=len(chosen),
            kinds=MappingProxyType(dict(kind_counts)),
            audiences=MappingProxyType(dict(audience_counts)),
            suggestion=parsed.suggestion,
        )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _insert(self, rows: Iterable[tuple[int, SearchRow]]) -> None:
        """Add rows to the FTS table as terms."""
        self._db.executemany(
            "INSERT INTO pages (rowid, title, headings, summary, body, weight)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    rowid,
                    *(get_indexed(t)[0] for t in (r.title, r.headings, r.summary, r.body)),
                    KIND_WEIGHTS.get(r.kind, PERSONAL_WEIGHT),
                )
                for rowid, r in rows
            ),
        )

    def _row(self, rowid: int, extra: Sequence[SearchRow]) -> SearchRow:
        """Return the row stored under a rowid (extra rows live above _OVERLAY_ROWID)."""
        if rowid >= _OVERLAY_ROWID:
            return extra[rowid - _OVERLAY_ROWID]
        return self.rows[rowid - 1]

    def _match(self, query: Query, extra: Sequence[SearchRow]) -> list[tuple[int, int, float, int]]:
        """Return (rowid, words matched, relevance, cost) for every row matching, best first."""
        sql, params = _get_sql(query)
        with self._lock:
            if not extra:
                found = self._db.execute(sql, params).fetchall()
            else:
                # The person's own rows join the index inside a transaction that is rolled back,
                # so they are ranked with the same statistics and never stay behind.
                self._db.execute("BEGIN")
                try:
                    self._insert(enumerate(extra, start=_OVERLAY_ROWID))
                    found = self._db.execute(sql, params).fetchall()
                finally:
                    self._db.execute("ROLLBACK")
        return found

    def _hit(self, row: SearchRow, score: float, highlight: Highlighter | None) -> Hit:
        """Return the hit for a row, with its title and best passage highlighted."""
        snippet = _snippet(row.body, highlight)
        if _OPEN not in snippet and row.summary:
            snippet = _snippet(row.summary, highlight)
        return Hit(
            kind=row.kind,
            id=row.page_id,
            title=row.title,
            snippet_html=_marked(snippet),
            score=score,
            title_html=_marked(_snippet(row.title, highlight, whole=True)),
        )


def _get_sql(query: Query) -> tuple[str, list[object]]:
    """Build the statement: every matching row with words matched and relevance, best first.

    Per word, the cost is the least of its alternatives the row has (0 as typed, else typos or
    1 for a synonym), and its place the weightiest column it appears in. Rows rank by words
    matched, then total cost, then relevance: kind weight x (places + BM25).
    """
    columns: list[str] = []
    params: list[object] = []
    matched, costs, places = [], [], []
    for index, word in enumerate(query.words):
        by_cost: dict[int, list[str]] = {}
        for term, cost in word.alternatives.items():
            by_cost.setdefault(cost, []).append(term)
        whens = []
        for cost, terms in sorted(by_cost.items()):
            whens.append(f"WHEN {_IN_MATCH} THEN {int(cost)}")
            params.append(_any_of(terms))
        columns.append(f"CASE {' '.join(whens)} END AS c{index}")
        whens = []
        for column, weight in _FIELD_WEIGHTS.items():
            whens.append(f"WHEN {_IN_MATCH} THEN {weight}")
            params.append(f"{column} : ({_any_of(word.alternatives)})")
        columns.append(f"CASE {' '.join(whens)} ELSE {BODY_WEIGHT} END AS p{index}")
        matched.append(f"(c{index} IS NOT NULL)")
        costs.append(f"coalesce(c{index}, 0)")
        places.append(f"(CASE WHEN c{index} IS NULL THEN 0 ELSE p{index} END)")
    params.append(_any_of(sorted({t for w in query.words for t in w.alternatives})))
    # Only fixed SQL fragments are interpolated; every value is a bound parameter.
    sql = (
        f"WITH found AS (SELECT rowid AS id, weight, {_RANK} AS rank, {', '.join(columns)} "  # noqa: S608
        "FROM pages WHERE pages MATCH ?) "
        f"SELECT id, {' + '.join(matched)} AS matched, "
        f"weight * ({' + '.join(places)} - rank) AS relevance, {' + '.join(costs)} AS cost "
        "FROM found ORDER BY matched DESC, cost, relevance DESC"
    )
    return sql, params


def _any_of(terms: Iterable[str]) -> str:
    """Return an FTS5 expression matching any of the terms (each quoted: never an operator)."""
    return " OR ".join(f'"{term}"' for term in terms)


def _get_highlighter(query: Query, vocabularies: Sequence[Vocabulary]) -> Highlighter | None:
    """Return what marks every written form of the terms a query matches."""
    terms = {t for word in query.words for t in word.alternatives}
    forms = {w for v in vocabularies for t in terms for w in v.spellings.get(t, ())}
    forms.update(word.typed for word in query.words)
    return _compile(tuple(sorted(forms)))


@lru_cache(maxsize=512)
def _compile(forms: tuple[str, ...]) -> Highlighter | None:
    """Return the highlighter of these written forms (None for none)."""
    folded = tuple(sorted({form.lower() for form in forms if form}, key=lambda w: (-len(w), w)))
    return Highlighter(folded) if folded else None


class Highlighter:
    """Finds written forms as whole words, ignoring case: neither a letter nor a digit may
    stand just before or after one. Where forms overlap, the leftmost wins, then the longest.

    Each form is looked for with `str.find` in the lower-cased text, many times faster than a
    regular expression over a long passage; a text whose lower case has another length (a
    handful of letters, such as the dotted capital I) is searched with the expression instead.
    """

    def __init__(self, forms: tuple[str, ...]) -> None:
        self.forms = forms
        self.pattern = re.compile(rf"(?<![^\W_])(?:{_trie(forms)})(?![^\W_])", re.IGNORECASE)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return where the forms stand in text, in order, without overlaps."""
        lowered = text.lower()
        if len(lowered) != len(text):
            return [m.span() for m in self.pattern.finditer(text)]
        found = []
        for form in self.forms:
            start = lowered.find(form)
            while start >= 0:
                end = start + len(form)
                if (start == 0 or not text[start - 1].isalnum()) and (
                    end == len(text) or not text[end].isalnum()
                ):
                    found.append((start, -end))
                start = lowered.find(form, start + 1)
        found.sort()
        spans: list[tuple[int, int]] = []
        reached = 0
        for start, negative_end in found:
            if start >= reached:
                spans.append((start, -negative_end))
                reached = -negative_end
        return spans


def _trie(words: Iterable[str]) -> str:
    """Return a regex alternation of words with shared prefixes factored out (faster to run)."""
    by_first: dict[str, list[str]] = {}
    ends = False
    for word in words:
        if not word:
            ends = True
        else:
            by_first.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(first) + _group(_trie(rest)) for first, rest in sorted(by_first.items())]
    pattern = "|".join(branches)
    if ends:
        return f"(?:{pattern})?" if pattern else ""
    return pattern


def _group(pattern: str) -> str:
    """Wrap an alternation in a group unless it is a single plain branch."""
    return f"(?:{pattern})" if "|" in pattern and not pattern.startswith("(?:") else pattern


def _snippet(text: str, highlight: Highlighter | None, *, whole: bool = False) -> str:
    """Return the passage of a text with the most different matches, matches between markers."""
    text = text.replace("\x00", "").replace(_OPEN, "").replace(_CLOSE, "")
    spans = highlight.spans(text) if highlight else []
    if whole or len(text) <= SNIPPET_CHARS:
        start, end = 0, len(text)
    else:
        start, end = _window(text, spans)
    parts, position = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts += [text[position:span_start], _OPEN, text[span_start:span_end], _CLOSE]
        position = span_end
    parts.append(text[position:end])
    passage = "".join(parts).strip()
    return ("…" if start > 0 else "") + passage + ("…" if end < len(text) else "")


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Return the start and end of the snippet: the window holding the most different words."""
    best, best_start = -1, 0
    for i, (span_start, _) in enumerate(spans):
        inside = set()
        for s, e in spans[i:]:
            if e > span_start + SNIPPET_CHARS - 40:
                break
            inside.add(fold(text[s:e]))
        if len(inside) > best:
            best, best_start = len(inside), span_start
    start = max(0, best_start - 40)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def _marked(snippet: str) -> str:
    """Escape a snippet and turn the match markers into <mark> tags."""
    escaped = html.escape(snippet, quote=True)
    return escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
