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
