"""Program surveys announced by mail through a real SMTP server: once each, never once answered."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import update

from tests.helpers import add_meeting, cohort_pair, csrf_token, enrol, make_cohort, person
from upward.extensions import db
from upward.models import Cohort

LINK = re.compile(r"https://upward\.example\.com(/surveys/[^\s\"<>]+)")
ANSWER = {"usefulness": "4", "good_fit": "yes", "recommend": "9", "comment": ""}


def surveys_to(outbox, address: str) -> list:
    """Return the survey mail an address received (the cohort sends other mail too)."""
    return [m for m in outbox.to(address) if m["Subject"].startswith("Two minutes for")]


def send(app) -> None:
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def arrange(app):
    """A cohort (its dates all ahead of its end) with one pair that has held a first session."""
    person(app, "lee@example.com", "Lee Lead", "program")
    mia = person(app, "mia@example.com", "Mia Mentor", "mentor")
    eve = person(app, "eve@example.com", "Eve Exec", "executive")
    cohort_id = make_cohort(app, "Spring cohort", leads=("lee@example.com",))
    with app.app_context():
        db.session.execute(
            update(Cohort).values(starts_on=date(2026, 11, 1), ends_on=date(2027, 11, 1))
        )
        db.session.commit()
    enrol(app, cohort_id, "mia@example.com", "mentor")
    enrol(app, cohort_id, "eve@example.com", "executive")
    pair_id = cohort_pair(app, cohort_id, "mia@example.com", "eve@example.com")
    return cohort_id, pair_id, mia, eve


def test_the_first_survey_is_mailed_to_each_partner_once(mail_app, outbox):
    cohort_id, pair_id, _, _ = arrange(mail_app)
    send(mail_app)
    assert surveys_to(outbox, "mia@example.com") == []  # no session held yet: no survey open
    add_meeting(mail_app, pair_id, -2, "held", "mia@example.com")
    send(mail_app)
    send(mail_app)
    [to_mia] = surveys_to(outbox, "mia@example.com")
    [to_eve] = surveys_to(outbox, "eve@example.com")
    assert to_mia["Subject"] == "Two minutes for Spring cohort: how is it going?"
    assert to_eve["Subject"] == to_mia["Subject"]
    assert LINK.search(body(to_mia)).group(1) == f"/surveys/{cohort_id}/first"
    assert "anonymous" in body(to_mia)
    assert surveys_to(outbox, "lee@example.com") == []


def test_someone_who_answered_is_not_asked_and_the_next_survey_comes_at_its_time(mail_app, outbox):
    cohort_id, pair_id, mia, _ = arrange(mail_app)
    add_meeting(mail_app, pair_id, -2, "held", "mia@example.com")
    url = f"/surveys/{cohort_id}/first"
    token = csrf_token(mia.client, url)
    assert mia.client.post(url, data={"csrf_token": token, **ANSWER}).status_code == 302
    send(mail_app)
    assert surveys_to(outbox, "mia@example.com") == []
    assert len(surveys_to(outbox, "eve@example.com")) == 1
    with mail_app.app_context():  # half-way through the cohort's dates
        db.session.execute(
            update(Cohort).values(starts_on=date(2026, 1, 1), ends_on=date(2027, 6, 1))
        )
        db.session.commit()
    send(mail_app)
    send(mail_app)
    [mid] = surveys_to(outbox, "mia@example.com")
    assert LINK.search(body(mid)).group(1) == f"/surveys/{cohort_id}/mid"
    # Eve never answered her first survey: she gets the mid-way one, not the first again.
    assert len(surveys_to(outbox, "eve@example.com")) == 2


def test_a_survey_of_an_archived_cohort_is_not_mailed(mail_app, outbox):
    _, pair_id, _, _ = arrange(mail_app)
    add_meeting(mail_app, pair_id, -2, "held", "mia@example.com")
    with mail_app.app_context():
        db.session.execute(update(Cohort).values(archived_at=db.func.now()))
        db.session.commit()
    send(mail_app)
    assert surveys_to(outbox, "mia@example.com") == []
