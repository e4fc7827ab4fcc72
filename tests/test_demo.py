"""`flask demo`: a sample program in an empty database, through the site's own rules."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.helpers import ROOT, AuthActions, build_app
from upward.extensions import db
from upward.models import Meeting, Pair, TemplateEntry, User
from upward.pairspace.services import list_my_pairs


@pytest.fixture
def app(tmp_path):
    """An app with the shipped library, whose check-in template the demo fills in."""
    yield from shipped(tmp_path)


def shipped(tmp_path):
    return build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(ROOT / "content"),
        UPWARD_PATHWAYS_DIR=str(ROOT / "pathways"),
    )


def load_demo(runner) -> str:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return re.search(r"password: (\S+)", result.output).group(1)


def signed_in(app, email: str, password: str) -> AuthActions:
    actions = AuthActions(app.test_client())
    assert actions.login(email=email, password=password).status_code == 302
    return actions


def test_the_demo_is_a_cohort_six_weeks_in_with_pairs_in_every_state(app, runner):
    password = load_demo(runner)
    priya = signed_in(app, "priya@demo.example.com", password)
    pairs = priya.client.get("/program/pairs").get_data(as_text=True)
    assert pairs.count(">At risk<") == 2 and ">On track<" in pairs
    assert "The last two sessions were cancelled (by Robert Lindqvist)." in pairs
    assert "No first session held" in pairs
    assert "Waiting for Marcus Webb to accept." in pairs
    tomas = signed_in(app, "tomas@demo.example.com", password)
    with app.app_context():
        pair_id = db.session.scalar(select(Pair.id).where(Pair.status == "active"))
        held = db.session.scalar(select(func.count()).where(Meeting.status == "held"))
        checkins = db.session.scalar(
            select(func.count()).where(TemplateEntry.meeting_id.is_not(None))
        )
    assert (held, checkins) == (3, 4)
    space = tomas.client.get(f"/pairs/{pair_id}").get_data(as_text=True)
    assert "How your pairing is going: on track" in space
    assert "Did this session happen?" not in space  # the next session is still to come
    # The dashboard's card says when the next session is, in each partner's own zone.
    on_card = re.search(r"Next session (.+?) at (\d\d:\d\d)\.", tomas.client.get("/dashboard").text)
    assert on_card and on_card.group(2) == "09:30"  # booked by Tomás, in Madrid
    diane = signed_in(app, "diane@demo.example.com", password)
    assert "at 08:30." in diane.client.get("/dashboard").text  # the same session, in London
    jun = signed_in(app, "jun@demo.example.com", password)
    assert "No session booked." in jun.client.get("/dashboard").text
    marcus = signed_in(app, "marcus@demo.example.com", password)
    assert "Sofia Haddad" in marcus.client.get("/pairs/proposals").get_data(as_text=True)


def test_the_demo_never_fills_a_database_with_accounts(app, runner):
    AuthActions(app.test_client()).register()
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "already has accounts" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == before
        assert db.session.scalar(select(func.count()).select_from(Pair)) == 0


def test_demo_accounts_share_a_new_random_password_each_time(app, runner, tmp_path):
    first = load_demo(runner)
    gen = shipped(tmp_path / "other")
    other = next(gen)
    second = load_demo(other.test_cli_runner())
    gen.close()
    assert first != second and len(first) >= 20


def test_the_dashboards_pairs_read_the_same_without_the_prefetch(app, runner):
    password = load_demo(runner)
    tomas = signed_in(app, "tomas@demo.example.com", password)
    card = re.search(r"Next session (.+?)\.", tomas.client.get("/dashboard").text).group(1)
    with app.test_request_context("/"), app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email.like("tomas@%")))
        [mine] = list_my_pairs(user_id)  # no prefetch here: read on its own
    assert mine.partner_name == "Diane Okafor" and mine.next_session == card
