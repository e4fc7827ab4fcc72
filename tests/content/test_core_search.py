"""Search: ranking, escaped snippets, drafts, audiences and hostile queries."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from content_helpers import write_library

from upward.content import Library, load_library
from upward.content.search import (
    Vocabulary,
    _compile,
    _get_sql,
    _trie,
    parse_query,
)

FILES: dict[str, str | None] = {
    "content/a.md": "---\ntitle: Step A\n---\nSomething about budgets & <b>bold</b> budgets.\n",
    "content/titled.md": "---\ntitle: Budgets explained\n---\nNumbers.\n",
    "content/exec.md": "---\ntitle: Exec step\n---\nA zebra appears.\n",
    "content/secret.md": "---\ntitle: Secret\ndraft: true\n---\nA zebra in draft.\n",
    "content/r.md": (
        "---\ntitle: Zebra book\nkind: resource\nurl: https://example.com\nformat: book\n"
        "themes: [leadership]\naudience: [program]\n---\nStripes.\n"
    ),
    "pathways/p.yml": (
        "title: P\naudience: mentor\nsummary: S.\nsteps:\n  - a.md\n  - titled.md\n  - secret.md\n"
    ),
    "pathways/e.yml": "title: E\naudience: executive\nsummary: S.\nsteps:\n  - exec.md\n",
}


@pytest.fixture
def library(tmp_path: Path) -> Library:
    content, pathways = write_library(tmp_path, FILES)
    return load_library(content, pathways)


def ids(hits: list) -> list[str]:
    """Return hit ids."""
    return [hit.id for hit in hits]


def test_title_ranks_above_body(library: Library) -> None:
    assert ids(library.search("budgets")) == ["titled", "a"]


def test_snippet_is_escaped_and_marked(library: Library) -> None:
    [hit] = library.search("bold")
    assert hit.snippet_html == (
        "Something about budgets &amp; &lt;b&gt;<mark>bold</mark>&lt;/b&gt; budgets."
    )
    assert "<b>" not in hit.snippet_html
    assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt;" in hit.snippet_html
    assert (hit.kind, hit.title) == ("step", "Step A")


def test_prefix_match_on_last_word(library: Library) -> None:
    assert ids(library.search("budg")) == ["titled", "a"]


def test_drafts_hidden_unless_asked(library: Library) -> None:
    assert "secret" not in ids(library.search("zebra"))
    assert "secret" in ids(library.search("zebra", include_drafts=True))


def test_audience_filter(library: Library) -> None:
    assert sorted(ids(library.search("zebra", audiences=["executive"]))) == ["exec"]
    assert sorted(ids(library.search("zebra", audiences=["program"]))) == ["r"]
    assert sorted(ids(library.search("zebra", audiences=["mentor"]))) == []
    assert sorted(ids(library.search("budgets", audiences=["mentor"]))) == ["a", "titled"]


def test_kind_filter_and_limit(library: Library) -> None:
    assert ids(library.search("zebra", kinds=["resource"])) == ["r"]
    assert ids(library.search("zebra", kinds=[])) == []
    assert len(library.search("zebra", limit=1)) == 1


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND",
        "*",
        "NEAR(",
        "OR OR",
        "a:b",
        "title:x",
        "^",
        "-",
        "((",
        "'",
        "\x00",
        "",
        "   ",
        "zebra NOT",
        "col:*",
        'a"b',
        "🦓",
        "x" * 5000,
    ],
)
def test_hostile_queries_do_not_raise(library: Library, query: str) -> None:
    assert isinstance(library.search(query), list)


def test_match_query_quotes_terms() -> None:
    query = parse_query('budget "AND" NEAR(x', [Vocabulary([])])
    sql, params = _get_sql(query)
    assert params[-1] == '"budget" OR "near" OR "x"'  # "and" is a stop word; all quoted
    assert "budget" not in sql
    assert parse_query("***", [Vocabulary([])]).words == ()


def test_snippet_falls_back_to_the_summary(tmp_path: Path) -> None:
    files = {
        "content/a.md": (
            "---\ntitle: Giraffe facts\nsummary: Tall <animals> & the giraffe's neck.\n---\n"
            "Nothing about it here.\n"
        ),
        "content/b.md": "---\ntitle: Giraffe walk\n---\nBody text only.\n",
        "pathways/p.yml": "title: P\naudience: mentor\nsummary: S.\nsteps: [a.md, b.md]\n",
    }
    library = load_library(*write_library(tmp_path, files))
    snippets = {hit.id: hit.snippet_html for hit in library.search("giraffe")}
    assert snippets == {
        "a": "Tall &lt;animals&gt; &amp; the <mark>giraffe</mark>&#x27;s neck.",
        "b": "Body text only.",
    }


def test_highlighting_finds_the_same_whole_words_as_a_regular_expression() -> None:
    alphabet = ["a", "b", "é", "B", "_", " ", "-", "1", "’", "new", "york", "ab", "İ", "\n"]
    form_sets = [("ab",), ("a", "ab", "b"), ("new", "new york"), ("Ab", "aB", "é"), ("b_",)]
    chance = random.Random(2026)
    for forms in form_sets:
        ordered = tuple(sorted(forms, key=lambda w: (-len(w), w)))
        reference = re.compile(rf"(?<![^\W_])(?:{_trie(ordered)})(?![^\W_])", re.IGNORECASE)
        highlighter = _compile(ordered)
        assert highlighter is not None
        for _ in range(400):
            text = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 24)))
            expected = [m.span() for m in reference.finditer(text)]
            assert highlighter.spans(text) == expected, (forms, text)
