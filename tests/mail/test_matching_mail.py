"""Mail about matches: each partner hears of a proposal, each lead of a decline; once each."""

from __future__ import annotations

import re

from tests.helpers import AuthActions, cohort_with, member, pairs_in, user_id

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


def test_a_decline_tells_the_cohorts_leads_and_nobody_else(mail_app, outbox):
    diane, pair_id = arrange(mail_app)
    url = f"/pairs/proposals/{pair_id}/decline"
    assert diane.post(url, page=url).status_code == 302
    send(mail_app)
    send(mail_app)
    [to_lee] = outbox.to("lee@example.com")
    assert to_lee["Subject"] == "A match was declined: Tomás Ruiz and Diane Okafor"
    text = to_lee.get_body(preferencelist=("plain",)).get_content()
    assert "Diane Okafor declined the match you proposed" in text
    assert "/program/cohorts/" in text and "/matching" in text
    assert outbox.to("olga@example.com") == []
    # The proposal was no longer waiting by the time mail went: nobody is asked to answer it.
    assert outbox.to("diane@example.com") == [] and outbox.to("tomas@example.com") == []
