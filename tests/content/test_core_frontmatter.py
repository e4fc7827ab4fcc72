"""Front matter splitting and YAML line numbers."""

from __future__ import annotations

import pytest
import yaml

from upward.content import frontmatter
from upward.content.frontmatter import YamlError, load_yaml, split_front_matter


def test_split_keeps_body_line() -> None:
    split = split_front_matter("---\ntitle: A\nminutes: 3\n---\n# Body\n")
    assert split.front_matter == "title: A\nminutes: 3\n"
    assert split.body == "# Body\n"
    assert split.body_line == 5


def test_no_front_matter() -> None:
    split = split_front_matter("# Just a body\n")
    assert split.front_matter is None
    assert split.body_line == 1


def test_unclosed_front_matter() -> None:
    assert split_front_matter("---\ntitle: A\n").unclosed


def test_key_lines_are_file_lines() -> None:
    doc = load_yaml("title: A\nfields:\n  - name: x\n    label: X\n", first_line=2)
    assert doc.lines[("title",)] == 2
    assert doc.lines[("fields", 0)] == 4
    assert doc.lines[("fields", 0, "label")] == 5
    assert doc.line_of(("fields", 0, "missing")) == 4


def test_yaml_error_at_reported_line() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("title: A\nsummary: a: b\n", first_line=2)
    assert caught.value.line == 3
    assert "put text that contains ': ' in quotes" in caught.value.message


def test_duplicate_keys_are_found() -> None:
    doc = load_yaml("title: A\ntitle: B\n", first_line=2)
    assert doc.duplicates == (("title", 3),)


LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("title: A\nfields:\n\t- name: x\n", 4),
        ("title: A\n\tsummary: x\n", 3),
        ("a:\n\tb: 2\n", 3),
    ],
)
def test_tab_indent_hint_with_every_loader(
    monkeypatch: pytest.MonkeyPatch, loader: type, text: str, line: int
) -> None:
    monkeypatch.setattr(frontmatter, "Loader", loader)
    with pytest.raises(YamlError) as caught:
        load_yaml(text, first_line=2)
    assert caught.value.line == line
    assert caught.value.message.endswith("; indent with spaces, not tabs")


def test_no_tab_hint_without_tabs() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("title: [oops\n", first_line=2)
    assert "tabs" not in caught.value.message
