"""The progress service: one person's pathways and steps, and many people's at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

import pytest
from sqlalchemy import insert

from upward import progress
from upward.extensions import db
from upward.models import Completion, User
from upward.publishing import get_library
from upward.viewer import LibraryView, published

WHEN = datetime(2026, 11, 20, tzinfo=UTC)


class Done(NamedTuple):
    step_id: str
    version: str
    completed_at: datetime


@pytest.fixture
def library(app):
    with app.app_context():
        yield get_library()


def done(library, *step_ids: str, stale: tuple[str, ...] = ()) -> progress.Completions:
    """Completions of these steps at their current version (or an older one, for `stale`)."""
    rows = {i: Done(i, library.page(i).version, WHEN) for i in step_ids}
    rows.update({i: Done(i, "0ld0ld0ld0ld", WHEN) for i in stale})
    return rows  # type: ignore[return-value]


def test_progress_counts_done_steps_and_knows_where_to_continue(library):
    view = published(library)
    state = progress.get_progress(view, library.pathway("mentoring"), done(library, "why-upward"))
    assert (state.done, state.total, state.percent) == (1, 3, 33)
    assert state.is_started and not state.is_complete
    assert state.next_step.page.id == "sbi"
    assert state.minutes_left == state.minutes - library.page("why-upward").minutes


def test_a_changed_step_stays_done_and_is_marked_updated(library):
    completions = done(library, "why-upward", stale=("sbi",))
    state = progress.get_progress(published(library), library.pathway("mentoring"), completions)
    assert [s.updated_since for s in state.steps] == [False, True, False]
    assert state.done == 2
    assert progress.is_updated_since(completions["sbi"], library.page("sbi"))
    assert not progress.is_updated_since(completions["why-upward"], library.page("why-upward"))
    assert not progress.is_updated_since(None, library.page("sbi"))


def test_step_after_goes_on_then_back_to_what_is_left_then_stops(library):
    pathway = library.pathway("mentoring")
    view = published(library)
    one = progress.get_progress(view, pathway, done(library, "why-upward"))
    assert one.step_after("why-upward").page.id == "sbi"
    last = progress.get_progress(view, pathway, done(library, "keep-going"))
    assert last.step_after("keep-going").page.id == "why-upward"
    every = progress.get_progress(view, pathway, done(library, "why-upward", "sbi", "keep-going"))
    assert every.is_complete and every.step_after("keep-going") is None


def test_learners_count_only_published_steps_authors_see_drafts(library):
    pathway = library.pathway("leading")
    learner = progress.get_progress(published(library), pathway, {})
    author = progress.get_progress(LibraryView(library, drafts=True), pathway, {})
    assert [s.page.id for s in learner.steps] == ["listen", "thanks"]
    assert [s.page.id for s in author.steps] == ["listen", "thanks", "draft-step"]


def test_own_audience_comes_first(library):
    tracks = progress.get_all_progress(published(library), {}, audience_first="executive")
    assert [t.pathway.id for t in tracks] == ["leading", "mentoring"]


def add_person(email: str, *step_ids: str, library) -> int:
    user = User(email=email, name=email, password_hash="x", role="mentor")
    db.session.add(user)
    db.session.flush()
    for step_id in step_ids:
        version = library.page(step_id).version
        db.session.execute(
            insert(Completion).values(user_id=user.id, step_id=step_id, version=version)
        )
    db.session.commit()
    return user.id


def test_bulk_uptake_agrees_with_each_persons_progress(app, library):
    with app.app_context():
        add_person("a@example.com", "why-upward", library=library)
        add_person("b@example.com", "why-upward", "sbi", "keep-going", "listen", library=library)
        add_person("c@example.com", "listen", "thanks", library=library)
        add_person("d@example.com", library=library)
        view = published(library)
        everyone = progress.get_done_steps()
        uptake = {
            u.pathway.id: (u.started, u.completed) for u in progress.get_uptake(view, everyone)
        }
        assert uptake == {"mentoring": (2, 1), "leading": (2, 1)}
        for pathway in view.pathways():
            each = [
                progress.get_progress(view, pathway, done(library, *steps))
                for steps in everyone.values()
            ]
            started = sum(p.is_started for p in each)
            completed = sum(p.is_complete for p in each)
            assert uptake[pathway.id] == (started, completed)


def test_track_percent_is_over_every_published_step_of_an_audience(library):
    view = published(library)
    track = progress.get_track_steps(view, "executive")
    assert track == {"listen", "thanks"}  # not the draft step, not the draft pathway
    assert progress.get_percent(track, {"listen", "why-upward"}) == 50
    assert progress.get_percent(frozenset(), {"listen"}) == 0
