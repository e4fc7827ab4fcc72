"""Sharing per pair: a copy reaches the named partner of one active pair, and nobody else."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from tests.helpers import CHECKIN, entries, fill_in, pair, person, share_with
from upward.extensions import db
from upward.models import Pair, PairShare
from upward.models.types import utcnow


def people_of(app):
    """A mentor with two executive mentees in two pairs, and someone unpaired."""
    mentor = person(app, "mentor@example.com", "Maya Mentor", "mentor")
    first = person(app, "first@example.com", "Fay First", "executive")
    second = person(app, "second@example.com", "Sam Second", "executive")
    later = person(app, "later@example.com", "Lee Later", "executive")
    first_pair = pair(app, "mentor@example.com", "first@example.com")
    second_pair = pair(app, "mentor@example.com", "second@example.com")
    return mentor, first, second, later, first_pair, second_pair


def end_pair(app, pair_id: int) -> None:
    with app.app_context():
        db.session.execute(
            update(Pair).where(Pair.id == pair_id).values(status="ended", ended_at=utcnow())
        )
        db.session.commit()


def test_a_share_reaches_the_partner_named_and_not_the_other_one(app):
    mentor, first, second, _, first_pair, second_pair = people_of(app)
    form = mentor.client.get("/templates/checkin").get_data(as_text=True)
    assert "Share with my mentoring partners" in form
    assert f'value="{first_pair}"' in form and f'value="{second_pair}"' in form
    assert fill_in(mentor, {"share_with": str(first_pair)}).status_code == 302
    [entry] = entries(app)
    assert first.client.get(f"/entries/{entry.id}").status_code == 200
    assert second.client.get(f"/entries/{entry.id}").status_code == 404
    assert second.client.get(f"/entries/{entry.id}.md").status_code == 404
    assert f"/entries/{entry.id}" not in second.client.get("/templates/").get_data(as_text=True)
    html = mentor.client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Shared with Fay First" in html and "Sam Second" not in html


def test_a_share_ends_with_the_pair_and_never_reaches_a_later_partner(app):
    mentor, first, _, later, first_pair, _ = people_of(app)
    assert fill_in(mentor, {"share_with": str(first_pair)}).status_code == 302
    [entry] = entries(app)
    end_pair(app, first_pair)
    assert first.client.get(f"/entries/{entry.id}").status_code == 404
    assert "Short videos" not in first.client.get("/search?q=videos").get_data(as_text=True)
    # A later partner, and even the same two people paired again, start with nothing shared.
    pair(app, "mentor@example.com", "later@example.com")
    again = pair(app, "mentor@example.com", "first@example.com")
    assert later.client.get(f"/entries/{entry.id}").status_code == 404
    assert first.client.get(f"/entries/{entry.id}").status_code == 404
    html = mentor.client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Private: only you can see it" in html
    with app.app_context():
        assert db.session.scalar(select(PairShare.pair_id)) == first_pair != again


def test_the_owner_sees_who_read_it_and_can_stop_sharing(app):
    mentor, first, second, _, first_pair, _ = people_of(app)
    fill_in(mentor, {"share_with": str(first_pair)})
    [entry] = entries(app)
    html = mentor.client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "not opened yet" in html
    assert first.client.get(f"/entries/{entry.id}").status_code == 200
    with app.app_context():
        read_at = db.session.scalar(select(PairShare.read_at))
    assert read_at is not None
    first.client.get(f"/entries/{entry.id}")  # a second visit keeps the first time
    with app.app_context():
        assert db.session.scalar(select(PairShare.read_at)) == read_at
    assert "read " in mentor.client.get(f"/entries/{entry.id}").get_data(as_text=True)

    stop = f"/pairs/{first_pair}/shares/{entry.id}/stop"
    # Neither the reader nor anyone else can stop someone else's share.
    assert first.post(stop).status_code == 404
    assert second.post(stop).status_code == 404
    response = mentor.post(stop, page=f"/entries/{entry.id}")
    assert response.status_code == 302
    assert "no longer shared with Fay First" in mentor.client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert first.client.get(f"/entries/{entry.id}").status_code == 404
    assert mentor.post(stop).status_code == 404  # already stopped: nothing to stop


def test_sharing_with_a_pair_that_is_not_yours_is_refused_with_the_text_kept(app):
    mentor, _, _, _, first_pair, _ = people_of(app)
    outsider = person(app, "out@example.com", "Oona Out", "mentor")
    response = fill_in(outsider, {"share_with": str(first_pair), "f_learned": "My own words"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "no longer paired with you" in html and "My own words" in html
    assert entries(app) == []


def test_a_draft_keeps_its_choice_but_is_read_only_once_saved(app):
    mentor, first, _, _, first_pair, _ = people_of(app)
    fill_in(mentor, {"share_with": str(first_pair), "action": "draft"})
    [entry] = entries(app)
    assert first.client.get(f"/entries/{entry.id}").status_code == 404
    edit = f"/entries/{entry.id}/edit"
    form = mentor.client.get(edit).get_data(as_text=True)
    assert re.search(rf'checked[^>]*value="{first_pair}"|value="{first_pair}"[^>]*checked', form)
    mentor.post(edit, {**CHECKIN, "share_with": str(first_pair)}, page=edit)
    assert first.client.get(f"/entries/{entry.id}").status_code == 200


def test_the_dashboard_links_each_active_pair_and_marks_shared_copies(app):
    mentor, first, _, _, first_pair, second_pair = people_of(app)
    fill_in(mentor, {"share_with": str(first_pair)})
    html = mentor.client.get("/dashboard").get_data(as_text=True)
    assert "Your mentoring pairs" in html
    assert f'href="/pairs/{first_pair}"' in html and f'href="/pairs/{second_pair}"' in html
    assert "You and Fay First" in html and " · shared" in html
    end_pair(app, first_pair)
    html = mentor.client.get("/dashboard").get_data(as_text=True)
    assert f'href="/pairs/{first_pair}"' not in html and " · shared" not in html
    assert "Your mentoring pair<" in html
    assert "Your mentoring pair" not in first.client.get("/dashboard").get_data(as_text=True)


def test_export_lists_whom_each_copy_was_shared_with(app):
    mentor, *_, first_pair, _ = people_of(app)
    fill_in(mentor, share_with(app, "mentor@example.com"))
    data = mentor.post("/account/export", page="/account/").get_json()
    shared = {share["shared_with"] for share in data["pair_shares"]}
    assert shared == {"Fay First", "Sam Second"}
    assert "shared" not in data["template_entries"][0]
    assert {share["pair_active"] for share in data["pair_shares"]} == {True}
    assert first_pair
