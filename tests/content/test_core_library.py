"""Loading a library: the API, drafts, and all-or-nothing errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from content_helpers import write_library

from upward.content import LibraryError, check_library, load_library

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"

GOOD, BROKEN = FIXTURES / "good", FIXTURES / "broken"
PACKAGE = Path(__file__).parents[2] / "upward" / "content"


def test_good_library_loads() -> None:
    library = load_library(GOOD / "content", GOOD / "pathways")
    assert sorted(library.pages) == ["asking", "checkin", "draft-step", "sbi", "sbi-guide"]
    assert list(library.pathways) == ["candid-feedback", "drafts"]
    assert library.warnings == ()
    page = library.page("sbi")
    assert page is not None
    assert (page.kind, page.minutes, page.audience, page.path) == (
        "step",
        8,
        ("mentor",),
        "content/mentor/sbi.md",
    )
    assert (page.resources, page.templates, page.toc) == (("sbi-guide",), ("checkin",), True)
    assert page.text.startswith("Feedback lands when it is specific.")


def test_template_and_resource_fields() -> None:
    library = load_library(GOOD / "content", GOOD / "pathways")
    [template] = library.templates()
    assert [(f.name, f.kind, f.choices, f.required) for f in template.fields] == [
        ("learned", "long", (), False),
        ("cadence", "choice", ("Weekly", "Monthly"), True),
    ]
    [resource] = library.resources()
    assert (resource.url, resource.format, resource.themes, resource.year) == (
        "https://example.com/sbi",
        "guide",
        ("feedback-skills",),
        2019,
    )


def test_drafts_are_kept_and_filtered_by_helpers() -> None:
    library = load_library(GOOD / "content", GOOD / "pathways")
    assert [p.id for p in library.visible_pathways()] == ["candid-feedback"]
    assert [p.id for p in library.visible_pathways(include_drafts=True)] == [
        "candid-feedback",
        "drafts",
    ]
    assert library.steps("drafts") == []
    assert [p.id for p in library.steps("drafts", include_drafts=True)] == ["draft-step"]
    assert [p.id for p in library.steps("candid-feedback")] == ["asking", "sbi"]
    assert [p.id for p in library.pathways_with("sbi")] == ["candid-feedback"]


def test_audience_is_union_of_pathways() -> None:
    library = load_library(GOOD / "content", GOOD / "pathways")
    assert library.audience_of("asking") == {"mentor"}
    assert library.audience_of("checkin") == {"all"}
    assert library.audience_of("sbi") == {"mentor"}
    assert library.is_for("sbi", "mentor") and not library.is_for("sbi", "executive")


def test_library_is_immutable() -> None:
    library = load_library(GOOD / "content", GOOD / "pathways")
    with pytest.raises(TypeError):
        library.pages["x"] = library.pages["sbi"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        library.pages["sbi"].title = "changed"  # type: ignore[misc]


def test_broken_library_raises_with_every_problem() -> None:
    with pytest.raises(LibraryError) as caught:
        load_library(BROKEN / "content", BROKEN / "pathways")
    assert [str(p) for p in caught.value.problems] == [
        str(p) for p in check_library(BROKEN / "content", BROKEN / "pathways")
    ]


def test_broken_fixture_problems() -> None:
    assert [str(p) for p in check_library(BROKEN / "content", BROKEN / "pathways")] == [
        "content/steps/no-title.md:2: error: title is required",
        "content/steps/one.md:3: error: unknown field 'minuts' (did you mean 'minutes'?)",
        "content/steps/one.md:4: error: minutes must be a whole number, got 'ten'",
        "content/steps/one.md:5: error: resources: there is no resource with id 'nope'",
        "content/steps/one.md:9: error: link '#nowhere': this page has no heading with the "
        "anchor '#nowhere'",
        "content/steps/one.md:9: error: link 'gone.md': content/steps/gone.md does not exist "
        "(did you mean 'steps/one.md'?)",
        "content/steps/one.md:11: error: image 'images/gone.png': content/steps/images/gone.png "
        "does not exist",
        "content/steps/one.md:13: error: unknown callout kind 'danger'; use one of tip, note, "
        "warning or example",
        "content/steps/one.md:19: error: check block: options must list at least 2 options, got 1",
        "content/steps/three.md:3: error: the YAML is not valid: did not find expected ',' or ']' "
        "(while parsing a flow sequence)",
        "content/steps/two.md:1: warning: no pathway lists this step, so learners cannot reach it",
        "content/steps/two.md:2: error: id 'one' is already used by content/steps/one.md",
        "pathways/loop-a.yml:4: error: prerequisites form a cycle: loop-a -> loop-b -> loop-a",
        "pathways/loop-a.yml:4: error: prerequisites: there is no pathway with id 'ghost'",
        "pathways/loop-a.yml:7: error: step 'steps/one.md' is listed twice in this pathway "
        "(first on line 6)",
        "pathways/loop-a.yml:8: error: step file 'steps/missing.md' does not exist in content/ "
        "(did you mean 'steps/one.md'?)",
        "pathways/loop-b.yml:2: error: audience must be one of mentor, executive, program or "
        "all, got 'boss'",
    ]


def test_check_library_never_raises_on_missing_folders(tmp_path: Path) -> None:
    problems = check_library(tmp_path / "nope", tmp_path / "none")
    assert [str(p) for p in problems] == [
        f"nope:1: error: the folder {tmp_path / 'nope'} does not exist",
        f"none:1: error: the folder {tmp_path / 'none'} does not exist",
    ]


def test_core_imports_no_web_framework() -> None:
    forbidden = ("flask", "sqlalchemy", "upward", "werkzeug", "jinja2")
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


@pytest.mark.parametrize(
    ("front", "headings", "toc"),
    [
        ("toc: true\n", "### Only a subsection\n", False),
        ("toc: true\n", "## One section\n", True),
        ("", "## A\n\n## B\n\n## C\n", True),
        ("toc: false\n", "## A\n\n## B\n\n## C\n", False),
    ],
)
def test_toc_needs_a_level_two_heading(
    tmp_path: Path, front: str, headings: str, toc: bool
) -> None:
    step = f"---\ntitle: A\n{front}---\n{headings}\nText.\n"
    library = load_library(*write_library(tmp_path, {"content/a.md": step}))
    assert library.pages["a"].toc is toc
