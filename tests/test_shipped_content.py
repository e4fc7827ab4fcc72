"""The content we ship: it passes the checker, and every page of it renders."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT, build_app, without_site_script
from upward.content import Check, Reflection, check_library
from upward.publishing import get_library


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    gen = build_app(
        tmp_path_factory.mktemp("shipped"),
        UPWARD_CONTENT_DIR=str(ROOT / "content"),
        UPWARD_PATHWAYS_DIR=str(ROOT / "pathways"),
    )
    app = next(gen)
    yield app
    gen.close()


def test_shipped_library_has_no_problems():
    problems = check_library(ROOT / "content", ROOT / "pathways")
    assert [str(p) for p in problems] == []


def test_tracks_are_substantial(shipped):
    with shipped.app_context():
        library = get_library()
        by_audience = {p.audience: library.steps(p) for p in library.visible_pathways()}
    assert len(by_audience["mentor"]) >= 6
    assert len(by_audience["executive"]) >= 6
    assert len(by_audience["program"]) >= 4
    for steps in by_audience.values():
        for step in steps:
            assert any(isinstance(b, Check | Reflection) for b in step.blocks), step.id
    checks = sum(isinstance(b, Check) for s in by_audience["mentor"] for b in s.blocks)
    assert checks >= 5


def test_every_pathway_and_step_renders(shipped):
    client = shipped.test_client()
    with shipped.app_context():
        library = get_library()
        urls = [f"/pathways/{p.id}" for p in library.visible_pathways()]
        urls += [
            f"/pathways/{p.id}/steps/{s.id}"
            for p in library.visible_pathways()
            for s in library.steps(p)
        ]
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script" not in without_site_script(response.get_data(as_text=True)), url


def shipped_library():
    from upward.content import load_library

    return load_library(ROOT / "content", ROOT / "pathways")


# One rule each, said the same way everywhere: these phrasings contradict it.
CONTRADICTIONS = [
    "one pair in three",
    "every second session",
    "every other session",
    "next three sessions",
    "next six sessions",
    "both, executive first",
    "don't cancel",
    "defined psychological safety",
    "researcher who defined it",
]


def test_rules_are_stated_one_way_everywhere():
    texts = {p: p.read_text() for p in (ROOT / "content").rglob("*.md")}
    texts |= {p: p.read_text() for p in (ROOT / "pathways").glob("*.yml")}
    texts[ROOT / "README.md"] = (ROOT / "README.md").read_text()
    found = [
        f"{path.relative_to(ROOT)}: {phrase}"
        for path, text in texts.items()
        for phrase in CONTRADICTIONS
        if phrase in text.lower()
    ]
    assert found == []


def test_the_rules_live_in_the_goals_and_scope_agreement_and_steps_point_there():
    library = shipped_library()
    rules = " ".join(library.page("goals-and-scope").html.split())
    for rule in ("every two weeks", "moved, never cancelled", "mentor first, then the executive"):
        assert rule.lower() in rules.lower(), rule
    for step_id in ("mentor-first-session", "exec-first-session"):
        assert "the-programs-rules-the-defaults-you-start-from" in library.page(step_id).text


def test_every_step_keeps_the_shape():
    library = shipped_library()
    for pathway in library.visible_pathways():
        for step in library.steps(pathway):
            html = step.html
            assert "callout-example" in html, f"{step.id}: no worked example"
            assert any("Exercise" in h.text for h in step.headings), f"{step.id}: no exercise"
            assert any(isinstance(b, Check | Reflection) for b in step.blocks), step.id


def test_every_pathway_has_a_what_went_wrong_check():
    library = shipped_library()
    for pathway in library.visible_pathways():
        questions = [
            b.question_html
            for step in library.steps(pathway)
            for b in step.blocks
            if isinstance(b, Check)
        ]
        assert any("What went wrong in it?" in q for q in questions), pathway.id


def test_mentor_steps_use_the_mentor_reflection():
    library = shipped_library()
    for step in library.steps("mentor"):
        assert "post-session-reflection" not in step.templates, step.id
        assert "templates/post-session-reflection.md" not in step.text, step.id


def test_the_check_in_has_the_loop_list_and_brings_back_two_checks():
    page = shipped_library().page("biweekly-checkin")
    assert page.practice == 2
    assert "loop_list" in [f.name for f in page.fields]
    assert "every session" in page.html


def test_published_resources_link_to_their_own_pages():
    from urllib.parse import urlsplit

    for page in shipped_library().resources():
        parts = urlsplit(page.url)
        assert "search" not in parts.path and "search" not in parts.query, page.id
        assert parts.path.strip("/"), f"{page.id}: a bare home page"


def test_measuring_impact_is_published_and_credits_kirkpatrick():
    library = shipped_library()
    step = library.page("program-measuring-impact")
    assert not step.draft and step.id in library.pathway("program").step_ids
    assert "Kirkpatrick" in step.html and "baseline" in step.html
