"""Page.version changes only when what learners read changes."""

from __future__ import annotations

from pathlib import Path

from content_helpers import write_library

from upward.content import load_library

BODY = "## Intro\n\nHello there,\nlearner.\n\n- one\n- two\n"


def version_of(tmp_path: Path, front: str, body: str) -> str:
    """Write step a.md and return its version."""
    content, pathways = write_library(tmp_path, {"content/a.md": f"---\n{front}---\n{body}"})
    page = load_library(content, pathways).pages["a"]
    return page.version


def test_whitespace_only_edit_keeps_version(tmp_path: Path) -> None:
    before = version_of(tmp_path, "title: Step A\n", BODY)
    rewrapped = "\n\n## Intro  \n\n\n\nHello   there, learner.   \n\n\n-   one\n- two\n\n\n"
    assert version_of(tmp_path, "title:   Step A\n", rewrapped) == before


def test_hidden_front_matter_keeps_version(tmp_path: Path) -> None:
    before = version_of(tmp_path, "title: Step A\n", BODY)
    hidden = "title: Step A\nid: a\ndraft: false\nminutes: 12\nsummary: New summary.\n"
    assert version_of(tmp_path, hidden, BODY) == before


def test_text_edit_changes_version(tmp_path: Path) -> None:
    before = version_of(tmp_path, "title: Step A\n", BODY)
    assert version_of(tmp_path, "title: Step A\n", BODY.replace("learner", "mentor")) != before


def test_title_edit_changes_version(tmp_path: Path) -> None:
    before = version_of(tmp_path, "title: Step A\n", BODY)
    assert version_of(tmp_path, "title: Step A, revised\n", BODY) != before


def test_text_is_normalised_markdown(tmp_path: Path) -> None:
    content, pathways = write_library(
        tmp_path, {"content/a.md": "---\ntitle: A\n---\n\nOne  \n\n\n\nTwo\r\n"}
    )
    assert load_library(content, pathways).pages["a"].text == "One\n\nTwo\n"
