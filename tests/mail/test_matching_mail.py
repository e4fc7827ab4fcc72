"""Mail about matches: each partner hears of a proposal, each lead of a decline; once each."""

from __future__ import annotations

import re

from tests.helpers import AuthActions, cohort_with, csrf_token, member, pairs_in, user_id

LINK = re.compile(r"https://upward\.example\.com(/[^\s\"<>]+)")


def someone(app, email: str, name: str, role: str) -> AuthActions:
    actions = AuthActions(app.test_client())
    assert actions.register(email=email, name=name, role=role).status_code == 302
    return actions


def send(app) -> None:
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output


def arrange(app):
    lee = someone(app, "lee@example.com", "Lee Lead", "mentor")
    diane = someone(app, "diane@example.com", "Diane Okafor", "executive")
    someone(app, "tomas@example.com", "Tomás Ruiz", "mentor")
    someone(app, "olga@example.com", "Olga Other", "mentor")
    spring = cohort_with(app, "Spring", leads=("lee@example.com",))
    cohort_with(app, "Autumn", leads=("olga@example.com",))
    member(app, spring, "diane@example.com", "executive", skills=("TikTok",))
    member(app, spring, "tomas@example.com", "mentor", skills=("TikTok",))
    url = f"/program/cohorts/{spring}/matching"
    choice = {f"mentor_{user_id(app, 'diane@example.com')}": user_id(app, "tomas@example.com")}
    assert lee.post(url, choice, page=url).status_code == 302
    [pair] = pairs_in(app)
    return diane, pair.id


def test_both_partners_hear_of_a_proposal_once(mail_app, outbox):
    arrange(mail_app)
    send(mail_app)
    send(mail_app)
    [to_diane] = outbox.to("diane@example.com")
    [to_tomas] = outbox.to("tomas@example.com")
    assert to_diane["Subject"] == "Your program lead suggests Tomás Ruiz as your mentor"
    assert to_tomas["Subject"] == "Your program lead suggests you as Diane Okafor's mentor"
    text = to_diane.get_body(preferencelist=("plain",)).get_content()
    assert "/pairs/proposals" in LINK.search(text).group(1)
    assert outbox.to("lee@example.com") == []


def test_a_decline_tells_the_leads_why_and_the_partner_only_that_it_is_off(mail_app, outbox):
    diane, pair_id = arrange(mail_app)
    url = f"/pairs/proposals/{pair_id}/decline"
    note = "Tomás reports to my chief of staff; I'd rather not."
    assert diane.post(url, {"note": note}, page=url).status_code == 302
    send(mail_app)
    send(mail_app)
    [to_lee] = outbox.to("lee@example.com")
    assert to_lee["Subject"] == "A match was declined: Tomás Ruiz and Diane Okafor"
    text = to_lee.get_body(preferencelist=("plain",)).get_content()
    assert "Diane Okafor declined the match you proposed" in text
    assert note in text
    assert "/program/cohorts/" in text and "/matching" in text
    assert outbox.to("olga@example.com") == []
    # The partner hears that it is off: not who declined it, nor why.
    [to_tomas] = outbox.to("tomas@example.com")
    assert to_tomas["Subject"] == "The match with Diane Okafor isn't going ahead"
    told = to_tomas.get_body(preferencelist=("plain",)).get_content()
    assert "declined" not in told and "chief of staff" not in told
    # Whoever declined is asked nothing and told nothing more.
    assert outbox.to("diane@example.com") == []


def test_a_decline_note_too_long_is_refused_and_kept(mail_app, outbox):
    diane, pair_id = arrange(mail_app)
    url = f"/pairs/proposals/{pair_id}/decline"
    note = "Schedules. " * 120
    response = diane.post(url, {"note": note}, page=url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Schedules. Schedules." in html and "1000" in html
    assert [pair.status for pair in pairs_in(mail_app)] == ["proposed"]
    send(mail_app)
    assert outbox.to("lee@example.com") == []
    assert [m["Subject"] for m in outbox.to("tomas@example.com")] == [
        "Your program lead suggests you as Diane Okafor's mentor"
    ]


def test_a_decline_note_typed_as_the_session_ended_comes_back_unsent(mail_app, outbox):
    diane, pair_id = arrange(mail_app)
    url = f"/pairs/proposals/{pair_id}/decline"
    token = csrf_token(diane.client, url)
    diane.client.delete_cookie("session")
    here = {"Origin": "http://localhost", "Referer": f"http://localhost{url}"}
    note = "We sit in the same weekly meeting; I'd rather learn from someone further away."
    response = diane.client.post(url, data={"csrf_token": token, "note": note}, headers=here)
    assert response.status_code == 302
    assert diane.login(email="diane@example.com", next=url).location == url
    page = diane.client.get(url).get_data(as_text=True)
    assert note.replace("'", "&#39;") in page and 'data-unsaved="restored"' in page
    assert [pair.status for pair in pairs_in(mail_app)] == ["proposed"]  # nothing declined yet
