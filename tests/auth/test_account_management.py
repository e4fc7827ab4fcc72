"""People manage their own accounts: password, name, email; leads deactivate; admins use the CLI."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers import PASSWORD, AuthActions, cohort
from upward.extensions import db
from upward.models import TemplateEntry, User

NEW = "another long sentence entirely"
LINK = re.compile(r"https://upward\.example\.com(/[^\s\"<>]+)")


def get_user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


# Change password ------------------------------------------------------------------------------


def test_change_password_asks_for_the_current_one(user, client):
    response = user.post(
        "/account/password",
        {"current": "wrong password here", "password": NEW, "confirm": NEW},
        page="/account/password",
    )
    assert response.status_code == 400
    assert "your current password." in response.get_data(as_text=True)
    assert AuthActions(client.application.test_client()).login(password=PASSWORD).status_code == 302


def test_change_password_keeps_this_session_and_ends_the_others(app, user, client):
    other = AuthActions(app.test_client())
    other.login()
    assert other.client.get("/dashboard").status_code == 200
    response = user.post(
        "/account/password",
        {"current": PASSWORD, "password": NEW, "confirm": NEW},
        page="/account/password",
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other.client.get("/dashboard").status_code == 302
    assert AuthActions(app.test_client()).login(password=NEW).status_code == 302


def test_change_password_refuses_a_common_or_mismatched_one(user):
    page = "/account/password"
    common = user.post(
        page, {"current": PASSWORD, "password": "password123", "confirm": "password123"}, page=page
    )
    assert common.status_code == 400 and "most common" in common.get_data(as_text=True)
    mismatch = user.post(
        page, {"current": PASSWORD, "password": NEW, "confirm": NEW + "x"}, page=page
    )
    assert mismatch.status_code == 400 and "passwords don" in mismatch.get_data(as_text=True)


# Name -----------------------------------------------------------------------------------------


def test_change_name(app, user, client):
    assert 'value="Maya Mentor"' in client.get("/account/name").get_data(as_text=True)
    response = user.post("/account/name", {"name": "  Maya M. Mentor "}, page="/account/name")
    assert response.status_code == 302
    assert get_user(app, "mentor@example.com").name == "Maya M. Mentor"
    blank = user.post("/account/name", {"name": "   "}, page="/account/name")
    assert blank.status_code == 400 and "tell us your name" in blank.get_data(as_text=True)


# Email ----------------------------------------------------------------------------------------


def ask_for_new_email(auth: AuthActions, new: str, password: str = PASSWORD):
    response = auth.post(
        "/account/email", {"email": new, "current": password}, page="/account/email"
    )
    response.close()
    return response


def test_new_email_is_confirmed_before_it_replaces_the_old(mail_app, outbox):
    auth = AuthActions(mail_app.test_client())
    auth.register()
    response = ask_for_new_email(auth, "Maya.New@Example.com")
    assert response.status_code == 302
    assert get_user(mail_app, "mentor@example.com") is not None  # not yet changed
    [message] = outbox.to("maya.new@example.com")
    assert outbox.to("mentor@example.com") == []
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Maya Mentor," in text
    [path] = [p for p in LINK.findall(text) if "/email/confirm/" in p]
    # Opening the link (or a mail scanner doing so) changes nothing.
    page = mail_app.test_client().get(path)
    assert page.status_code == 200 and "maya.new@example.com" in page.get_data(as_text=True)
    assert get_user(mail_app, "mentor@example.com") is not None
    confirmed = auth.post(path, page=path)
    assert confirmed.status_code == 302
    assert get_user(mail_app, "mentor@example.com") is None
    assert get_user(mail_app, "maya.new@example.com").name == "Maya Mentor"
    confirmed.close()
    [notice] = outbox.to("mentor@example.com")  # the old address hears of the change
    assert notice["Subject"] == "Your Upward account has a new email address"
    assert "maya.new@example.com" in notice.get_body(preferencelist=("plain",)).get_content()
    again = auth.client.get(path)
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)
    assert AuthActions(mail_app.test_client()).login("maya.new@example.com").status_code == 302


def test_new_email_needs_the_password_and_a_free_address(mail_app, outbox):
    other = AuthActions(mail_app.test_client())
    other.register("taken@example.com", "Tara Taken")
    auth = AuthActions(mail_app.test_client())
    auth.register()
    wrong = ask_for_new_email(auth, "fresh@example.com", password="not my password at all")
    assert wrong.status_code == 400 and "current password" in wrong.get_data(as_text=True)
    taken = ask_for_new_email(auth, "taken@example.com")
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)
    same = ask_for_new_email(auth, "mentor@example.com")
    assert same.status_code == 400
    assert outbox.messages == []


def test_a_confirmation_link_fails_when_someone_took_the_address_since(mail_app, outbox):
    auth = AuthActions(mail_app.test_client())
    auth.register()
    ask_for_new_email(auth, "wanted@example.com")
    [message] = outbox.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    [path] = [p for p in LINK.findall(text) if "/email/confirm/" in p]
    AuthActions(mail_app.test_client()).register("wanted@example.com", "Quick Taker")
    response = auth.post(path, page=path)
    assert response.status_code == 400
    assert get_user(mail_app, "mentor@example.com") is not None


# Deactivation ---------------------------------------------------------------------------------


def make_lead(app) -> AuthActions:
    lead = AuthActions(app.test_client())
    lead.register("lead@example.com", "Lee Lead", "program")
    return lead


def test_a_lead_deactivates_an_account_and_its_history_stays(app, user, client):
    user.post(
        "/templates/agenda", {"title": "Mine", "f_title_topic": "x"}, page="/templates/agenda"
    )
    lead = make_lead(app)
    cohort(app, "lead@example.com", {"mentor@example.com": "mentor"})
    target = get_user(app, "mentor@example.com")
    page = lead.client.get("/account/people/").get_data(as_text=True)
    assert "Maya Mentor" in page and "Deactivate" in page
    response = lead.post(f"/account/people/{target.id}/deactivate", page="/account/people/")
    assert response.status_code == 302
    # Their session ends, they can't log back in, and they are told why.
    assert client.get("/dashboard").status_code == 302
    login = AuthActions(app.test_client()).login()
    assert login.status_code == 400 and "deactivated" in login.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(TemplateEntry.title)) == "Mine"
    # Reopened, they log in again with everything there.
    lead.post(f"/account/people/{target.id}/reactivate", page="/account/people/")
    assert AuthActions(app.test_client()).login().status_code == 302


def test_who_may_deactivate(app, user, client):
    lead = make_lead(app)
    other_lead = AuthActions(app.test_client())
    other_lead.register("lead2@example.com", "Lou Lead", "program")
    mentor = get_user(app, "mentor@example.com")
    lead2 = get_user(app, "lead2@example.com")
    me = get_user(app, "lead@example.com")
    # A mentor can't see the page or deactivate anyone.
    assert client.get("/account/people/").status_code == 403
    assert user.post(f"/account/people/{lead2.id}/deactivate").status_code == 403
    # A lead can't deactivate another lead (not theirs to know of), nor themselves.
    assert lead.post(f"/account/people/{lead2.id}/deactivate").status_code == 404
    assert lead.post(f"/account/people/{me.id}/deactivate").status_code == 403
    # Nor a mentor outside the cohorts they lead: they don't even see the name.
    assert "Maya Mentor" not in lead.client.get("/account/people/").get_data(as_text=True)
    assert lead.post(f"/account/people/{mentor.id}/deactivate").status_code == 404
    cohort(app, "lead2@example.com", {"mentor@example.com": "mentor"}, "Lou's")
    assert lead.post(f"/account/people/{mentor.id}/deactivate").status_code == 404
    # Once she is in a cohort they lead, they may.
    cohort(app, "lead@example.com", {"mentor@example.com": "mentor"})
    assert "Maya Mentor" in lead.client.get("/account/people/").get_data(as_text=True)
    # Anonymous people are sent to log in; unknown ids are not found.
    anonymous = AuthActions(app.test_client())
    response = anonymous.post(f"/account/people/{mentor.id}/deactivate", page="/account/login")
    assert response.status_code == 302 and "/account/login" in response.location
    assert lead.post("/account/people/9999/deactivate").status_code == 404
    assert get_user(app, "lead2@example.com").is_active
    assert get_user(app, "mentor@example.com").is_active
    assert lead.post(f"/account/people/{mentor.id}/deactivate").status_code == 302
    assert not get_user(app, "mentor@example.com").is_active


def test_an_admin_may_deactivate_a_lead(app, runner):
    make_lead(app)
    admin = AuthActions(app.test_client())
    admin.register("admin@example.com", "Ada Admin", "program")
    runner.invoke(
        args=["users", "create-admin", "--email", "admin@example.com", "--name", "x"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    lead = get_user(app, "lead@example.com")
    assert admin.post(f"/account/people/{lead.id}/deactivate").status_code == 302
    assert not get_user(app, "lead@example.com").is_active


# The admin CLI --------------------------------------------------------------------------------


def test_cli_resets_a_password_and_ends_sessions(app, user, client, runner):
    result = runner.invoke(
        args=["users", "reset-password", "mentor@example.com"], input=f"{NEW}\n{NEW}\n"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/dashboard").status_code == 302
    assert AuthActions(app.test_client()).login(password=NEW).status_code == 302
    weak = runner.invoke(
        args=["users", "reset-password", "mentor@example.com"], input="short\nshort\n"
    )
    assert weak.exit_code != 0
    missing = runner.invoke(
        args=["users", "reset-password", "no@example.com"], input=f"{NEW}\n{NEW}\n"
    )
    assert missing.exit_code != 0 and "No account" in missing.output


def test_cli_can_email_a_reset_link(mail_app, outbox):
    AuthActions(mail_app.test_client()).register()
    result = mail_app.test_cli_runner().invoke(
        args=["users", "reset-password", "mentor@example.com", "--send-link"]
    )
    assert result.exit_code == 0, result.output
    assert "sent" in result.output
    assert len(outbox.to("mentor@example.com")) == 1


def test_cli_changes_a_role_and_deactivates(app, user, client, runner):
    result = runner.invoke(args=["users", "set-role", "mentor@example.com", "executive"])
    assert result.exit_code == 0 and "Executive mentee" in result.output
    assert get_user(app, "mentor@example.com").role == "executive"
    bad = runner.invoke(args=["users", "set-role", "mentor@example.com", "admin"])
    assert bad.exit_code != 0
    runner.invoke(args=["users", "deactivate", "mentor@example.com"])
    assert client.get("/dashboard").status_code == 302
    assert "deactivated" in runner.invoke(args=["users", "list"]).output
    runner.invoke(args=["users", "reactivate", "mentor@example.com"])
    assert AuthActions(app.test_client()).login().status_code == 302
