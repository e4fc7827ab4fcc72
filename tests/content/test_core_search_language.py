"""Search that finds what people mean: stems, spellings, typos, prefixes, questions, ranking."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_helpers import write_library

from upward.content import Library, SearchRow, load_library
from upward.content.search import Vocabulary, get_allowed_typos, parse_query
from upward.content.words import americanize, get_term

STEP = "---\ntitle: {title}\n---\n{body}\n"
RESOURCE = (
    "---\ntitle: {title}\nkind: resource\nurl: https://example.com\nformat: book\n"
    "themes: [leadership]\n---\n{body}\n"
)
FILES: dict[str, str | None] = {
    "content/sbi.md": STEP.format(
        title="Framing critique",
        body="## Situation, behaviour, impact\n\nDescribe the behaviour you saw and its impact.",
    ),
    "content/cancel.md": STEP.format(
        title="Protecting the time",
        body="Cancellations kill programmes. A cancelled session is rarely rebooked.",
    ),
    "content/mentoring.md": STEP.format(
        title="Why it works", body="Mentoring across levels; the mentored executive learns."
    ),
    "content/safety.md": STEP.format(
        title="Making it safe",
        body="## Psychological safety\n\nPeople speak up when it is safe. Candour needs it.",
    ),
    "content/mention.md": RESOURCE.format(
        title="A long book", body="It mentions psychological safety once, in passing."
    ),
    "content/organize.md": STEP.format(
        title="Organizing the work", body="We organize the organization and its behavioral norms."
    ),
    "pathways/p.yml": (
        "title: P\naudience: mentor\nsummary: S.\n"
        "steps: [sbi.md, cancel.md, mentoring.md, safety.md, organize.md]\n"
    ),
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root: Path = tmp_path_factory.mktemp("lib")
    return load_library(*write_library(root, FILES))


def ids(library: Library, query: str, **kwargs) -> list[str]:
    """Return the ids of a search's hits, best first."""
    return [hit.id for hit in library.search(query, **kwargs)]


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("behaviour", "behavior"),
        ("behavioural", "behavioral"),
        ("organisation", "organization"),
        ("organise", "organize"),
        ("programme", "program"),
        ("candour", "candor"),
        ("criticise", "criticize"),
        ("criticised", "criticized"),
        ("centre", "center"),
        ("defence", "defense"),
        ("catalogue", "catalog"),
        ("analyse", "analyze"),
        ("favourite", "favorite"),
    ],
)
def test_british_and_american_spellings_are_one_term(british: str, american: str) -> None:
    assert get_term(british) == get_term(american)


def test_spelling_rules_leave_other_words_alone() -> None:
    for word in ("four", "hour", "your", "tour", "our", "pour", "flour", "devour"):
        assert americanize(word) == word


@pytest.mark.parametrize(
    ("words", "term"),
    [
        (("mentoring", "mentored", "mentor", "mentors"), "mentor"),
        (("cancelled", "canceled", "cancelling", "cancellations", "cancel"), "cancel"),
    ],
)
def test_stemming(words: tuple[str, ...], term: str) -> None:
    assert {get_term(w) for w in words} == {term}


@pytest.mark.parametrize(
    "query",
    ["situation behavior impact", "situation behaviour impact", "Behavioural", "SITUATION"],
)
def test_spellings_and_stems_match_on_both_sides(library: Library, query: str) -> None:
    assert ids(library, query)[0] in {"sbi", "organize"}
    assert "sbi" in ids(library, query)


def test_stems_find_other_forms(library: Library) -> None:
    assert ids(library, "cancelling")[:1] == ["cancel"]
    assert ids(library, "programs") == ["cancel"]
    assert ids(library, "mentor") == ["mentoring"]
    assert ids(library, "organisational")[:1] == ["organize"]


def test_allowed_typos_by_length() -> None:
    assert [get_allowed_typos("x" * n) for n in (3, 4, 5, 8, 9, 14)] == [0, 0, 1, 1, 2, 2]


def test_typo_tolerance(library: Library) -> None:
    assert ids(library, "sofe") == []  # under five letters no typo is allowed
    assert ids(library, "impct") == ["sbi"]
    assert set(ids(library, "behavour")) == {"sbi", "organize"}
    assert "safety" in ids(library, "psycological")  # 12 letters: two typos allowed
    assert "safety" in ids(library, "pyschological")  # a swap is one typo
    assert ids(library, "dafety") == []  # a wrong first letter counts as two typos
    assert ids(library, "cancelation")[:1] == ["cancel"]


def test_typos_rank_below_exact_words(tmp_path: Path) -> None:
    files = {
        "content/a.md": STEP.format(title="One", body="About a truss."),
        "content/b.md": STEP.format(title="Two", body="About trust."),
        "pathways/p.yml": "title: P\naudience: mentor\nsummary: S.\nsteps: [a.md, b.md]\n",
    }
    library = load_library(*write_library(tmp_path, files))
    assert ids(library, "trust") == ["b", "a"]
    assert ids(library, "truss") == ["a", "b"]


def test_prefix_only_on_the_last_word(library: Library) -> None:
    assert ids(library, "psych") == ["safety", "mention"]
    assert ids(library, "cancellat") == ["cancel"]
    assert ids(library, "psych xylophone") == []  # "psych" is not the last word


def test_stop_words_need_not_match(library: Library) -> None:
    assert ids(library, "how do I keep people psychologically safe")[0] == "safety"
    assert ids(library, "what is the impact of behaviour")[0] == "sbi"


def test_most_words_matched_rank_first(library: Library) -> None:
    hits = ids(library, "cancelled xylophone session")
    assert hits[0] == "cancel"
    assert ids(library, "organize behaviour")[0] == "organize"  # both words; sbi has one


def test_headings_outweigh_body_and_steps_beat_passing_mentions(library: Library) -> None:
    assert ids(library, "psychological safety")[:2] == ["safety", "mention"]
    assert ids(library, "impact")[0] == "sbi"


def test_did_you_mean(library: Library) -> None:
    assert library.find("psycological safty").suggestion == "psychological safety"
    assert library.find("cancellatoins").suggestion == "cancellations"
    assert library.find("safety").suggestion is None
    assert library.find("xqzv").suggestion is None
    assert library.find("how do I keep it safe").suggestion is None


def test_query_parsing_keeps_the_typed_words() -> None:
    vocabulary = Vocabulary([{"feedback", "feedforward", "session"}])
    query = parse_query("The feedbak sess", [vocabulary])
    assert [w.typed for w in query.words] == ["feedbak", "sess"]
    assert query.words[0].alternatives == {"feedbak": 0, "feedback": 1}
    assert query.words[1].alternatives["session"] == 0  # the last word is a prefix
    assert query.suggestion == "the feedback sess"


def test_titles_and_snippets_are_marked(library: Library) -> None:
    [hit] = library.search("cancelling")
    assert hit.snippet_html == (
        "<mark>Cancellations</mark> kill programmes. A <mark>cancelled</mark> session is rarely "
        "rebooked."
    )
    [hit] = library.search("programs")
    assert "<mark>programmes</mark>" in hit.snippet_html
    hit = library.search("protecting")[0]
    assert hit.title_html == "<mark>Protecting</mark> the time"


def test_counts_per_kind_and_audience(library: Library) -> None:
    found = library.find("psychological")
    assert dict(found.kinds) == {"step": 1, "resource": 1}
    assert dict(found.audiences) == {"mentor": 2}  # the resource is for everyone
    assert library.find("psychological", kinds=["resource"]).total == 1
    assert dict(library.find("psychological", kinds=["resource"]).kinds) == dict(found.kinds)


def test_extra_rows_are_searched_once_and_never_kept(library: Library) -> None:
    mine = SearchRow(
        "note-1",
        "note",
        "Your note",
        "",
        "My rehearsal of the behaviour.",
        True,
        frozenset({"all"}),
    )
    found = library.find("rehearsal", extra=[mine])
    assert [h.id for h in found.hits] == ["note-1"]
    assert found.hits[0].snippet_html == "My <mark>rehearsal</mark> of the behaviour."
    assert library.find("rehearsal").total == 0
    assert library.find("rehersal", extra=[mine]).suggestion == "rehearsal"
    assert "note-1" in [h.id for h in library.find("behaviour", extra=[mine]).hits]
    assert library.find("behaviour").total == 2
