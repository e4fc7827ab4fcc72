"""Pages make a fixed, small number of SQL queries, whatever the size of the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import AuthActions, build_app, count_queries, write_library

MAX_QUERIES = 6


def page_queries(tmp_path: Path, pathways: int, steps: int) -> dict[str, int]:
    """Return the number of queries each learner page makes, for a library of this size."""
    content, manifests = write_library(tmp_path / "lib", pathways, steps)
    gen = build_app(tmp_path, UPWARD_CONTENT_DIR=str(content), UPWARD_PATHWAYS_DIR=str(manifests))
    app = next(gen)
    client = app.test_client()
    auth = AuthActions(client)
    auth.register()
    step = "/pathways/path0/steps/p0-s1"
    auth.post("/steps/p0-s0/complete", {"pathway": "path0"}, page="/pathways/path0/steps/p0-s0")
    auth.post("/steps/p0-s1/reflections/reflection-1", {"text": "note"}, page=step)
    auth.post("/steps/p0-s1/checks/check-1", {"choice": "0"}, page=step)
    pages = ["/", "/dashboard", "/pathways/path0", step]
    counts = {}
    for url in pages:
        client.get(url)  # warm: the first request fills the per-process caches
        with count_queries(app) as statements:
            assert client.get(url).status_code == 200
        counts[url] = len(statements)
    gen.close()
    return counts


def test_learner_pages_make_few_queries_that_do_not_grow(tmp_path):
    small = page_queries(tmp_path / "small", pathways=1, steps=3)
    large = page_queries(tmp_path / "large", pathways=6, steps=25)
    assert small == large
    for url, count in large.items():
        assert count <= MAX_QUERIES, f"{url} made {count} queries"


@pytest.mark.parametrize("url", ["/", "/pathways/path0"])
def test_anonymous_pages_make_no_queries(tmp_path, url):
    content, manifests = write_library(tmp_path / "lib", 2, 3)
    gen = build_app(tmp_path, UPWARD_CONTENT_DIR=str(content), UPWARD_PATHWAYS_DIR=str(manifests))
    app = next(gen)
    client = app.test_client()
    client.get(url)
    with count_queries(app) as statements:
        client.get(url)
    assert statements == []
    gen.close()


def test_learner_pages_send_one_statement_on_either_database(tmp_path):
    counts = page_queries(tmp_path, pathways=3, steps=10)
    # The pathway page also reads the person's check answers for its knowledge-check summary.
    expected = {url: 2 if url.count("/") == 2 else 1 for url in counts}
    assert counts == expected, counts
