"""Front matter and manifest validation: every problem, in plain words, at the key's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_helpers import get_problems

STEP = "content/a.md"


def step(front: str) -> dict[str, str | None]:
    """Return a base-library override replacing step a.md's front matter."""
    return {"content/a.md": f"---\n{front}---\n## Intro\n\nHello.\n"}


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: A\nminutes: ten\n", f"{STEP}:3: error: minutes must be a whole number, got 'ten'"),
        (
            "title: A\nminuts: 5\n",
            f"{STEP}:3: error: unknown field 'minuts' (did you mean 'minutes'?)",
        ),
        ("title: A\ndraft: maybe\n", f"{STEP}:3: error: draft must be true or false, got 'maybe'"),
        (
            "title: A\naudience: [mentor, boss]\n",
            f"{STEP}:3: error: audience item 2 must be one of mentor, executive, program or all, "
            "got 'boss'",
        ),
        ("summary: no title\n", f"{STEP}:2: error: title is required"),
        ("title: ''\n", f"{STEP}:2: error: title must not be empty"),
        (
            "title: A\nkind: lesson\n",
            f"{STEP}:3: error: kind must be one of step, template or resource, got 'lesson'",
        ),
        ("title: A\nminutes: 0\n", f"{STEP}:3: error: minutes must be at least 1, got 0"),
        (
            "title: A\nid: 'has space'\n",
            f"{STEP}:3: error: id may only use letters, digits, '-' and '_', "
            "and must start with a letter or digit",
        ),
        ("title: A\ntitle: B\n", f"{STEP}:3: error: 'title' is written twice; keep only one"),
    ],
)
def test_step_front_matter(tmp_path: Path, front: str, expected: str) -> None:
    assert get_problems(tmp_path, step(front)) == [expected]


def test_yaml_error_at_yaml_line(tmp_path: Path) -> None:
    problems = get_problems(tmp_path, step("title: A\nsummary: [unclosed\n"))
    assert problems == [
        f"{STEP}:4: error: the YAML is not valid: did not find expected ',' or ']' "
        "(while parsing a flow sequence)"
    ]


def test_yes_read_as_boolean_is_explained(tmp_path: Path) -> None:
    problems = get_problems(tmp_path, step("title: yes\n"))
    assert problems == [
        f"{STEP}:2: error: title must be text, got true (YAML reads yes, no, on, off, true and "
        "false as true or false: put the text in quotes)"
    ]


def test_missing_front_matter(tmp_path: Path) -> None:
    problems = get_problems(tmp_path, {"content/a.md": "## Intro\n"})
    assert problems == [
        f"{STEP}:1: error: the file must begin with front matter: a '---' line, 'title: ...', "
        "then another '---' line"
    ]


def test_all_problems_of_one_file_are_collected(tmp_path: Path) -> None:
    problems = get_problems(tmp_path, step("title: A\nminutes: ten\ntoc: sometimes\nfoo: 1\n"))
    assert problems == [
        f"{STEP}:3: error: minutes must be a whole number, got 'ten'",
        f"{STEP}:4: error: toc must be true or false, got 'sometimes'",
        f"{STEP}:5: error: unknown field 'foo'; the fields allowed here are: title, id, kind, "
        "summary, draft, audience, minutes, resources, templates, toc",
    ]


TEMPLATE = "content/t.md"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "  - name: a\n    label: A\n  - name: a\n    label: Again\n",
            [f"{TEMPLATE}:7: error: fields item 2: name 'a' is already used by fields item 1"],
        ),
        (
            "  - name: a\n    label: A\n    kind: choice\n",
            [
                f"{TEMPLATE}:5: error: fields item 1 needs a list of choices "
                "because its kind is choice"
            ],
        ),
        (
            "  - name: a\n    label: A\n    choices: [x, y]\n",
            [
                f"{TEMPLATE}:5: error: fields item 1 has choices but its kind is short; "
                "only choice fields take choices"
            ],
        ),
        (
            "  - name: Bad Name\n    lable: A\n",
            [
                f"{TEMPLATE}:5: error: fields item 1: label is required",
                f"{TEMPLATE}:5: error: fields item 1: name must start with a lowercase letter and "
                "use only lowercase letters, digits and '_'",
                f"{TEMPLATE}:6: error: unknown field 'lable' in fields item 1 "
                "(did you mean 'label'?)",
            ],
        ),
        (
            "  - name: a\n    label: A\n    kind: essay\n",
            [
                f"{TEMPLATE}:7: error: fields item 1: kind must be one of short, long, date, "
                "choice or rating, got 'essay'"
            ],
        ),
        (
            "  - name: a\n    label: A\n    low: Calm\n    high: Tense\n",
            [
                f"{TEMPLATE}:5: error: fields item 1 has low or high but its kind is short; "
                "only rating fields take them"
            ],
        ),
        (
            "  - name: a\n    label: A\n    kind: rating\n    low: Calm\n",
            [
                f"{TEMPLATE}:5: error: fields item 1 needs both low and high (what 1 and 5 "
                "mean), or neither"
            ],
        ),
        (
            "  - name: a\n    label: A\n    kind: rating\n    low: ''\n    high: "
            + "x" * 41
            + "\n",
            [
                f"{TEMPLATE}:8: error: fields item 1: low must not be empty",
                f"{TEMPLATE}:9: error: fields item 1: high must be at most 40 characters, got 41; "
                "keep it short",
            ],
        ),
        ("  - name: a\n    label: A\n    kind: rating\n    low: Calm\n    high: Tense\n", []),
    ],
)
def test_template_fields(tmp_path: Path, fields: str, expected: list[str]) -> None:
    text = f"---\ntitle: T\nkind: template\nfields:\n{fields}---\nGuidance.\n"
    assert get_problems(tmp_path, {TEMPLATE: text}) == expected


def test_template_needs_fields(tmp_path: Path) -> None:
    text = "---\ntitle: T\nkind: template\nfields: []\n---\n"
    assert get_problems(tmp_path, {TEMPLATE: text}) == [
        f"{TEMPLATE}:4: error: fields must list at least 1 field, got 0"
    ]


def test_resource_fields(tmp_path: Path) -> None:
    text = (
        "---\ntitle: R\nkind: resource\nurl: javascript:alert(1)\nformat: blog\n"
        "themes: [leadership, cooking]\nyear: soon\n---\nWhy.\n"
    )
    assert get_problems(tmp_path, {"content/r.md": text}) == [
        "content/r.md:4: error: url must be a web address starting with http:// or https://",
        "content/r.md:5: error: format must be one of article, book, talk, video, podcast, tool, "
        "research or guide, got 'blog'",
        "content/r.md:6: error: themes item 2 must be one of new-technology, "
        "marketing-social-media, workplace-culture, diversity-inclusion, feedback-skills, "
        "psychological-safety, leadership or program-design, got 'cooking'",
        "content/r.md:7: error: year must be a whole number, got 'soon'",
    ]


def test_manifest_fields(tmp_path: Path) -> None:
    text = "title: P\naudience: boss\nsumary: typo\norder: first\nsteps:\n  - a.md\n"
    assert get_problems(tmp_path, {"pathways/p.yml": text}) == [
        "pathways/p.yml:1: error: summary is required",
        "pathways/p.yml:2: error: audience must be one of mentor, executive, program or all, "
        "got 'boss'",
        "pathways/p.yml:3: error: unknown field 'sumary' (did you mean 'summary'?)",
        "pathways/p.yml:4: error: order must be a whole number, got 'first'",
    ]
