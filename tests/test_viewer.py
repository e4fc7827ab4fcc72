"""What a person may see: one view of the library per request; hidden means 404."""

from __future__ import annotations

import pytest
from flask_login import login_user
from werkzeug.exceptions import NotFound

from upward.extensions import db
from upward.models import User
from upward.publishing import get_library, get_store
from upward.viewer import LibraryView, get_view


@pytest.fixture
def library(app):
    with app.app_context():
        yield get_library()


@pytest.mark.parametrize(("kind", "page_id"), [("step", "draft-step"), ("resource", "draft-tool")])
def test_learners_do_not_see_drafts_authors_do(library, kind, page_id):
    learner, author = LibraryView(library), LibraryView(library, drafts=True)
    assert learner.page(page_id, kind) is None
    with pytest.raises(NotFound):
        learner.get_page(page_id, kind)
    assert author.get_page(page_id, kind).id == page_id
    assert "draft-tool" not in [p.id for p in learner.resources()]
    assert "draft-tool" in [p.id for p in author.resources()]


def test_draft_pathways_are_hidden_from_learners(library):
    learner, author = LibraryView(library), LibraryView(library, drafts=True)
    assert "upcoming" not in [p.id for p in learner.pathways()]
    assert learner.pathway("upcoming") is None
    with pytest.raises(NotFound):
        learner.get_pathway("upcoming")
    assert author.get_pathway("upcoming").id == "upcoming"
    assert [p.id for p in learner.pathways_with("thanks")] == ["leading"]
    assert [p.id for p in author.pathways_with("thanks")] == ["leading", "upcoming"]


def test_a_page_of_another_kind_is_not_found(library):
    assert LibraryView(library).page("checkin", "step") is None
    assert LibraryView(library).page("checkin", "template").id == "checkin"


def test_search_keeps_drafts_from_learners(library):
    assert not [h for h in LibraryView(library).search("unfinished") if h.id == "draft-tool"]
    assert [h.id for h in LibraryView(library, drafts=True).search("unfinished")] == ["draft-tool"]


def test_the_view_is_one_per_request_and_follows_who_is_looking(app):
    with app.app_context():
        author = User(email="a@example.com", name="A", password_hash="x", role="mentor")
        author.is_author = True
        db.session.add(author)
        db.session.commit()
    with app.test_request_context("/"):
        anonymous = get_view()
        assert anonymous is get_view() and not anonymous.drafts
        assert anonymous.library is get_store().library
    with app.test_request_context("/"):
        login_user(db.session.get(User, 1))
        assert get_view().drafts
