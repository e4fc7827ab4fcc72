"""Fixtures for publishing: an editable copy of the fixture library, and an app serving it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import SITE, AuthActions, build_app


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the fixture library that a test may edit."""
    target = tmp_path / "site"
    shutil.copytree(SITE, target)
    return target


@pytest.fixture
def live(tmp_path: Path, site: Path):
    """An app serving the editable copy, and a logged-in mentor."""
    gen = build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(site / "content"),
        UPWARD_PATHWAYS_DIR=str(site / "pathways"),
    )
    app = next(gen)
    client = app.test_client()
    auth = AuthActions(client)
    auth.register()
    yield app, client, auth, site
    gen.close()
