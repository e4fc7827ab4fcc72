"""An app loaded before its server forks (python -m upward.serve, gunicorn --preload)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.content.content_helpers import in_child
from upward.extensions import db
from upward.serve import get_app

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def test_a_forked_worker_opens_its_own_database_connections(app: Flask) -> None:
    with app.app_context():
        parents = db.engine.pool

    def query() -> object:
        with app.app_context():
            value = db.session.execute(sa.text("SELECT 41 + 1")).scalar()
            db.session.commit()
            return [db.engine.pool is parents, value]

    assert in_child(query) == [False, 42]


def test_a_forked_worker_serves_the_library_its_parent_loaded(app: Flask) -> None:
    def get(path: str) -> object:
        response = app.test_client().get(path)
        return [response.status_code, response.get_data(as_text=True).count("<mark>")]

    assert in_child(lambda: get("/search?q=feedback")) == get("/search?q=feedback")


def test_the_launcher_finds_the_app_by_its_import_name() -> None:
    assert get_app("tests.helpers:build_app").__name__ == "build_app"
