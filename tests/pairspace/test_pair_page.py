"""The pair page: both partners see it, nobody else does; agreement, action items, progress."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.helpers import AuthActions, appoint_lead, entries, fill_in, person, user_id
from upward.extensions import db
from upward.models import ActionItem, Agreement, Cohort, CohortLead, Pair, PairShare, User
from upward.models.types import utcnow

AGREEMENT = {
    "goals": "Diane posts weekly on LinkedIn by March.",
    "scope": "Her public posts; not her team.",
    "themes": "Marketing and social media",
    "session_format": "video",
    "session_minutes": "45",
    "cadence_days": "14",
    "confidentiality": "Nothing leaves the room.",
}


@pytest.fixture
def space(app):
    """A pair in a cohort with its lead, a lead of another cohort, an admin and a stranger."""
    mentor = person(app, "mentor@example.com", "Tomás Mentor", "mentor")
    executive = person(app, "exec@example.com", "Diane Exec", "executive")
    stranger = person(app, "stranger@example.com", "Sid Stranger", "mentor")
    lead = person(app, "lead@example.com", "Lena Lead", "mentor")
    other_lead = person(app, "other@example.com", "Olaf Other", "mentor")
    admin = person(app, "admin@example.com", "Ada Admin", "mentor")
    appoint_lead(app, "lead@example.com")
    appoint_lead(app, "other@example.com")
    with app.app_context():
        db.session.execute(
            update(User).where(User.email == "admin@example.com").values(is_admin=True)
        )
        cohort = Cohort(
            name="Spring",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            themes=["Marketing and social media", "New technology"],
        )
        other = Cohort(name="Autumn", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
        db.session.add_all([cohort, other])
        db.session.flush()
        db.session.add_all(
            [
                CohortLead(cohort_id=cohort.id, user_id=user_id(app, "lead@example.com")),
                CohortLead(cohort_id=other.id, user_id=user_id(app, "other@example.com")),
            ]
        )
        made = Pair(
            mentor_id=user_id(app, "mentor@example.com"),
            executive_id=user_id(app, "exec@example.com"),
            cohort_id=cohort.id,
            status="active",
            started_at=utcnow(),
        )
        db.session.add(made)
        db.session.commit()
        pair_id = made.id
    return {
        "mentor": mentor,
        "executive": executive,
        "stranger": stranger,
        "lead": lead,
        "other_lead": other_lead,
        "admin": admin,
        "pair_id": pair_id,
    }


def url(space, tail: str = "") -> str:
    return f"/pairs/{space['pair_id']}{tail}"


def end(app, pair_id: int) -> None:
    with app.app_context():
        db.session.execute(
            update(Pair).where(Pair.id == pair_id).values(status="ended", ended_at=utcnow())
        )
        db.session.commit()


def save_agreement(who: AuthActions, space, **changes):
    page = url(space, "/agreement")
    html = who.client.get(page).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version, html
    data = {**AGREEMENT, "version": version.group(1), **changes}
    return who.post(page, data, page=page)


# Who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "executive"])
def test_both_partners_see_the_page(space, who):
    html = space[who].client.get(url(space)).get_data(as_text=True)
    assert "Tomás Mentor mentors Diane Exec." in html
    assert "How your pairing is going: on track" in html
    assert "Write your agreement" in html and "Add action item" in html


@pytest.mark.parametrize("who", ["stranger", "lead", "other_lead", "admin"])
@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("get", ""),
        ("get", "/agreement"),
        ("post", "/agreement"),
        ("post", "/agreement/agree"),
        ("post", "/actions"),
        ("post", "/actions/1"),
    ],
)
def test_nobody_else_sees_or_changes_anything(app, space, who, method, tail):
    save_agreement(space["mentor"], space)
    space["mentor"].post(
        url(space, "/actions"), {"what": "Post once", "owner": "1"}, page=url(space)
    )
    actor = space[who]
    if method == "get":
        response = actor.client.get(url(space, tail))
    else:
        response = actor.post(url(space, tail), {**AGREEMENT, "version": "1", "done": "1"})
    # Leads (even of this cohort) and admins see health and counts elsewhere, never this page.
    assert response.status_code == 404
    assert "Nothing leaves the room." not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Agreement.version)) == 1
        assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 1


def test_anonymous_is_sent_to_log_in(app, space, client):
    response = client.get(url(space))
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_an_unknown_or_proposed_pair_is_404(app, space):
    assert space["mentor"].client.get("/pairs/999").status_code == 404
    with app.app_context():
        db.session.execute(update(Pair).values(status="proposed"))
        db.session.commit()
    assert space["mentor"].client.get(url(space)).status_code == 404


def test_a_former_partner_sees_the_agreement_and_their_own_things_only(app, space):
    mentor, executive = space["mentor"], space["executive"]
    save_agreement(mentor, space)
    mentor_id, exec_id = user_id(app, "mentor@example.com"), user_id(app, "exec@example.com")
    mentor.post(url(space, "/actions"), {"what": "Mentor's task", "owner": str(mentor_id)})
    mentor.post(url(space, "/actions"), {"what": "Diane's task", "owner": str(exec_id)})
    fill_in(executive, {"share_with": str(space["pair_id"]), "title": "Diane's notes"})
    fill_in(mentor, {"share_with": str(space["pair_id"]), "title": "Tomás's notes"})
    end(app, space["pair_id"])
    html = mentor.client.get(url(space)).get_data(as_text=True)
    assert "This pairing has ended" in html
    assert "Nothing leaves the room." in html  # the agreement, as it was
    assert "Mentor&#39;s task" in html and "Diane&#39;s task" not in html
    assert "Tomás&#39;s notes" in html and "Diane&#39;s notes" not in html
    assert "Add action item" not in html and "I agree" not in html
    assert "Your pathways" not in html  # the partner's progress is no longer theirs to see
    for tail in ("/agreement", "/agreement/agree", "/actions", "/actions/1"):
        assert mentor.post(url(space, tail), {**AGREEMENT, "version": "1"}).status_code == 404
    assert mentor.client.get(url(space, "/agreement")).status_code == 404


# The agreement -------------------------------------------------------------------------------


def test_an_agreement_is_saved_then_agreed_by_both_and_an_edit_asks_again(app, space):
    mentor, executive = space["mentor"], space["executive"]
    assert save_agreement(mentor, space).status_code == 302
    html = executive.client.get(url(space)).get_data(as_text=True)
    assert "Diane posts weekly on LinkedIn by March." in html and "Version 1" in html
    assert "Marketing and social media" in html and "every two weeks" in html
    assert html.count("not agreed to this version yet") == 2
    for who in (mentor, executive, executive):  # the executive double-clicks
        assert who.post(url(space, "/agreement/agree"), {"version": "1"}).status_code == 302
    html = mentor.client.get(url(space)).get_data(as_text=True)
    assert html.count("<strong>agreed</strong>") == 2 and "I agree</button>" not in html

    assert save_agreement(executive, space, cadence_days="7").status_code == 302
    with app.app_context():
        agreement = db.session.scalar(select(Agreement))
        assert agreement.version == 2
        assert agreement.mentor_agreed_at is None and agreement.executive_agreed_at is None
        assert db.session.scalar(select(Pair.cadence_days)) == 7
    # Agreeing to the version read before the edit is refused with a clear word.
    response = mentor.post(url(space, "/agreement/agree"), {"version": "1"})
    html = mentor.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The agreement changed after you opened the page" in html


def test_saving_the_same_text_twice_changes_nothing(app, space):
    mentor = space["mentor"]
    save_agreement(mentor, space)
    mentor.post(url(space, "/agreement/agree"), {"version": "1"})
    # A double click sends the same text from the same version: no conflict, no new version.
    response = mentor.post(url(space, "/agreement"), {**AGREEMENT, "version": "1"})
    assert response.status_code == 302
    response = mentor.post(url(space, "/agreement"), {**AGREEMENT, "version": "1"})
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.scalar(select(Agreement))
        assert agreement.version == 1 and agreement.mentor_agreed_at is not None


def test_two_people_editing_at_once_get_a_conflict_not_an_overwrite(app, space):
    mentor, executive = space["mentor"], space["executive"]
    save_agreement(mentor, space)
    # Both open version 1; the executive saves first.
    assert (
        executive.post(
            url(space, "/agreement"),
            {**AGREEMENT, "version": "1", "goals": "Diane's goals, saved first."},
        ).status_code
        == 302
    )
    response = mentor.post(
        url(space, "/agreement"),
        {**AGREEMENT, "version": "1", "goals": "Tomás's goals, typed meanwhile."},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Diane Exec saved the agreement while you were editing it." in html
    assert "Diane&#39;s goals, saved first." in html  # theirs, shown
    assert "Tomás&#39;s goals, typed meanwhile.</textarea>" in html  # mine, kept in the form
    assert 'name="version" type="hidden" value="2"' in html
    with app.app_context():
        assert db.session.scalar(select(Agreement.goals)) == "Diane's goals, saved first."
    # Saving again from the page that showed the conflict is deliberate: it goes in.
    response = mentor.post(
        url(space, "/agreement"),
        {**AGREEMENT, "version": "2", "goals": "Tomás's goals, typed meanwhile."},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Agreement.version)) == 3


def test_a_first_agreement_written_by_both_at_once_is_a_conflict_too(app, space):
    mentor, executive = space["mentor"], space["executive"]
    executive.post(url(space, "/agreement"), {**AGREEMENT, "version": "0"})
    response = mentor.post(url(space, "/agreement"), {**AGREEMENT, "version": "0", "goals": "x"})
    assert response.status_code == 409


def test_bad_agreement_input_says_why_and_keeps_the_text(space):
    response = space["mentor"].post(
        url(space, "/agreement"),
        {**AGREEMENT, "version": "0", "goals": " ", "scope": "Kept scope", "themes": "Cooking"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please fill in “Our goals”." in html and "Kept scope</textarea>" in html
    assert "Not a valid choice" in html or "not a valid choice" in html


# Action items --------------------------------------------------------------------------------


def test_action_items_are_added_once_and_marked_done(app, space):
    mentor = space["mentor"]
    exec_id = user_id(app, "exec@example.com")
    page = mentor.client.get(url(space)).get_data(as_text=True)
    key = re.search(r'name="submission" type="hidden" value="([0-9a-f]+)"', page).group(1)
    due = (date.today() + timedelta(days=7)).isoformat()
    data = {"what": "Post one short video", "owner": str(exec_id), "due_on": due, "submission": key}
    for _ in range(2):  # a double click
        assert mentor.post(url(space, "/actions"), data).status_code == 302
    with app.app_context():
        [item] = db.session.scalars(select(ActionItem)).all()
        assert item.owner_id == exec_id and item.due_on.isoformat() == due
    html = space["executive"].client.get(url(space)).get_data(as_text=True)
    assert "Post one short video" in html and "· you · by" in html
    done = url(space, f"/actions/{item.id}")
    for _ in range(2):
        assert space["executive"].post(done, {"done": "1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ActionItem.done_at)) is not None
    assert space["executive"].post(done, {"done": "0"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ActionItem.done_at)) is None


def test_an_action_item_due_in_the_past_is_refused_with_the_text_kept(app, space):
    mentor_id = user_id(app, "mentor@example.com")
    response = space["mentor"].post(
        url(space, "/actions"),
        {"what": "Book the room", "owner": str(mentor_id), "due_on": "2020-01-01"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "is in the past" in html and 'value="Book the room"' in html
    response = space["mentor"].post(url(space, "/actions"), {"what": "", "owner": "999"})
    assert response.status_code == 400 and "Say what will be done." in response.get_data(
        as_text=True
    )


def test_an_action_item_of_another_pair_cannot_be_marked(app, space):
    person(app, "x@example.com", "Xena Exec", "executive")
    with app.app_context():
        other = Pair(
            mentor_id=user_id(app, "stranger@example.com"),
            executive_id=user_id(app, "x@example.com"),
            status="active",
            started_at=utcnow(),
        )
        db.session.add(other)
        db.session.flush()
        db.session.add(ActionItem(pair_id=other.id, what="Theirs"))
        db.session.commit()
        item_id = db.session.scalar(select(ActionItem.id))
    assert space["mentor"].post(url(space, f"/actions/{item_id}"), {"done": "1"}).status_code == 404


# Shared templates and progress -------------------------------------------------------------


def test_the_page_lists_what_each_shared_in_this_pair_and_progress_only(app, space):
    mentor, executive = space["mentor"], space["executive"]
    fill_in(executive, {"share_with": str(space["pair_id"]), "title": "Diane's check-in"})
    fill_in(executive, {"title": "Diane's private copy"})
    html = mentor.client.get(url(space)).get_data(as_text=True)
    assert "Diane&#39;s check-in" in html and "shared by Diane Exec" in html
    assert "Diane&#39;s private copy" not in html
    assert "Short videos beat long posts." not in html  # titles, not the answers
    assert "Your pathways" in html and "of" in html and "steps" in html
    mine = executive.client.get(url(space)).get_data(as_text=True)
    assert "not opened yet" in mine and "Stop sharing" in mine
    [entry] = [e for e in entries(app) if e.title == "Diane's check-in"]
    mentor.client.get(f"/entries/{entry.id}")
    assert "Tomás Mentor read it" in executive.client.get(url(space)).get_data(as_text=True)
    stop = executive.post(url(space, f"/shares/{entry.id}/stop"), {"back": "pair"}, page=url(space))
    assert stop.headers["Location"].startswith(url(space))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PairShare)) == 0


def test_progress_shows_completion_never_notes(app, space):
    mentor = space["mentor"]
    page = "/pathways/mentoring/steps/why-upward"
    note = {"text": "I was scared of Diane."}
    assert mentor.post("/steps/why-upward/reflections/fear", note, page=page).status_code == 302
    done = mentor.post("/steps/why-upward/complete", {"pathway": "mentoring"}, page=page)
    assert done.status_code == 302
    html = space["executive"].client.get(url(space)).get_data(as_text=True)
    assert 'Tomás Mentor <span class="meta">(mentor)</span>' in html
    assert "1 of 3 steps" in html  # the mentor's track: completion only
    assert "0 of 2 steps" in html  # the executive's own
    assert "scared of Diane" not in html
