"""Mail through a real SMTP server: parts, links, unsubscribe, the queue, retries, refusals."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from tests.helpers import PASSWORD, AuthActions, build_app, free_port, pair, share_with
from upward.extensions import db
from upward.mail import outbox as mail_outbox
from upward.models import MailOptOut, SentMessage, User
from upward.models.types import utcnow

LINK = re.compile(r"https://upward\.example\.com(/[^\s\"<>]+)")


def parts(message: EmailMessage) -> tuple[str, str]:
    """Return the plain-text and HTML bodies of a message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def forget(client, email="mentor@example.com"):
    """Ask for a reset link and let the response close (that is when it is sent)."""
    auth = AuthActions(client)
    response = auth.post("/account/forgot", {"email": email}, page="/account/forgot")
    response.close()
    return response


def run_command(app, *args: str):
    result = app.test_cli_runner().invoke(args=["mail", "send", *args])
    assert result.exit_code == 0, result.output
    return result


def messages(app) -> list[SentMessage]:
    with app.app_context():
        return list(db.session.scalars(select(SentMessage).order_by(SentMessage.id)))


# Password reset mail -------------------------------------------------------------------------


def test_reset_mail_has_text_and_html_parts_the_name_and_one_link(mail_app, outbox):
    client = mail_app.test_client()
    assert AuthActions(client).register().status_code == 302
    AuthActions(client).logout()
    response = forget(client)
    assert response.status_code == 200
    assert "If mentor@example.com has an Upward account" in response.get_data(as_text=True)
    [message] = outbox.to("mentor@example.com")
    assert message["Subject"] == "Reset your Upward password"
    assert "Maya Mentor" in message["To"]
    text, html = parts(message)
    assert "Hello Maya Mentor," in text and "Hello Maya Mentor," in html
    links = set(LINK.findall(text))
    resets = [link for link in links if link.startswith("/account/reset/")]
    assert len(resets) == 1
    assert resets[0] in html
    # Account mail is not something to unsubscribe from.
    assert message["List-Unsubscribe"] is None


def test_forgot_password_never_says_whether_the_address_exists(mail_app, outbox):
    client = mail_app.test_client()
    AuthActions(client).register()
    AuthActions(client).logout()
    known = forget(client, "mentor@example.com").get_data(as_text=True)
    unknown = forget(client, "nobody@example.com").get_data(as_text=True)

    def strip(html: str, email: str) -> str:
        return re.sub(r'value="[^"]+"', "", html.replace(email, "EMAIL"))

    assert strip(known, "mentor@example.com") == strip(unknown, "nobody@example.com")
    assert outbox.to("nobody@example.com") == []
    assert len(outbox.to("mentor@example.com")) == 1


def test_reset_link_changes_the_password_once_and_ends_other_sessions(mail_app, outbox):
    phone = mail_app.test_client()
    AuthActions(phone).register()
    laptop = mail_app.test_client()
    forget(laptop)
    [path] = [p for p in LINK.findall(parts(outbox.messages[0])[0]) if "/reset/" in p]
    assert "Choose a new password" in laptop.get(path).get_data(as_text=True)
    new = "a completely different sentence"
    response = AuthActions(laptop).post(path, {"password": new, "confirm": new}, page=path)
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    assert laptop.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 302  # the other device is logged out
    assert AuthActions(mail_app.test_client()).login(password=PASSWORD).status_code == 400
    assert AuthActions(mail_app.test_client()).login(password=new).status_code == 302
    # Used once: the same link now says so and offers a new one.
    again = mail_app.test_client().get(path)
    assert again.status_code == 400
    page = again.get_data(as_text=True)
    assert "expired or was already used" in page and 'action="/account/forgot"' in page


def test_expired_and_forged_reset_links_are_refused(mail_app, outbox):
    client = mail_app.test_client()
    AuthActions(client).register()
    forget(client)
    [path] = [p for p in LINK.findall(parts(outbox.messages[0])[0]) if "/reset/" in p]
    assert client.get(path[:-3] + "abc").status_code == 400
    from upward.models import AccountToken

    with mail_app.app_context():
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_reset_refuses_a_common_password_and_keeps_the_link(mail_app, outbox):
    client = mail_app.test_client()
    AuthActions(client).register()
    forget(client)
    [path] = [p for p in LINK.findall(parts(outbox.messages[0])[0]) if "/reset/" in p]
    response = AuthActions(client).post(
        path, {"password": "password123", "confirm": "password123"}, page=path
    )
    assert response.status_code == 400
    assert "most common" in response.get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_reset_links_are_limited_per_account(mail_app, outbox):
    client = mail_app.test_client()
    AuthActions(client).register()
    for _ in range(5):
        assert forget(client).status_code == 200
    assert len(outbox.to("mentor@example.com")) == 3


# Delivery: SMTP down, refused, malformed, no SMTP at all ----------------------------------------


def test_smtp_down_delays_mail_without_failing_the_page(tmp_path, smtp_server, caplog):
    recorder, port = smtp_server
    gen = build_app(
        tmp_path,
        UPWARD_SMTP_HOST="127.0.0.1",
        UPWARD_SMTP_PORT=free_port(),
        UPWARD_SMTP_TLS="none",
        UPWARD_SMTP_TIMEOUT=2.0,
    )
    app = next(gen)
    client = app.test_client()
    AuthActions(client).register()
    with caplog.at_level(logging.WARNING, logger="upward.mail.outbox"):
        assert forget(client).status_code == 200
    [message] = messages(app)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "delayed" in caplog.text
    # The server is back; the next run after the wait sends it.
    app.config["UPWARD_SMTP_PORT"] = port
    run_command(app)
    assert recorder.messages == []  # not before its retry time
    with app.app_context():
        db.session.execute(update(SentMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
    run_command(app)
    assert len(recorder.to("mentor@example.com")) == 1
    assert messages(app)[0].status == "sent"
    gen.close()


def test_gives_up_after_the_last_retry(mail_app, outbox, caplog):
    mentor, _ = make_pair(mail_app)
    share(mentor)
    mail_app.config["UPWARD_SMTP_PORT"] = free_port()  # the server is gone for good
    with mail_app.app_context():
        mail_outbox.queue_due(utcnow())
        tries = len(mail_outbox.RETRY_DELAYS) + 1
        for _ in range(tries + 2):
            db.session.execute(update(SentMessage).values(next_attempt_at=utcnow()))
            db.session.commit()
            mail_outbox.deliver_due(utcnow())
        [message] = db.session.scalars(select(SentMessage))
        assert (message.status, message.attempts) == ("failed", tries)
    assert "given up" in caplog.text


def make_pair(app) -> tuple[AuthActions, AuthActions]:
    """Register a mentor and an executive (each with their own client) and pair them."""
    mentor = AuthActions(app.test_client())
    mentor.register()
    executive = AuthActions(app.test_client())
    executive.register("exec@example.com", "Erin Executive", "executive")
    pair(app, "mentor@example.com", "exec@example.com")
    return mentor, executive


def share(mentor: AuthActions, title: str = "Our first session", **extra) -> None:
    sharing = share_with(mentor.client.application, "mentor@example.com")
    data = {"title": title, **sharing, "f_title_topic": "Social media", **extra}
    response = mentor.post("/templates/agenda", data, page="/templates/agenda")
    assert response.status_code == 302, response.get_data(as_text=True)


def test_shared_template_is_announced_once_even_when_the_command_runs_twice(mail_app, outbox):
    mentor, executive = make_pair(mail_app)
    share(mentor)
    share(mentor, "Not shared", share_with=[])
    del_draft = {"action": "draft"}
    share(mentor, "A draft", **del_draft)
    first = run_command(mail_app)
    run_command(mail_app)
    assert "1 new reminders" in first.output
    received = outbox.to("exec@example.com")
    assert len(received) == 1
    message = received[0]
    assert message["Subject"] == "Maya Mentor shared “Our first session” with you"
    text, html = parts(message)
    assert "Hello Erin Executive," in text
    assert "Social media" not in text + html  # the answers stay on the site
    [entry_link] = [p for p in LINK.findall(text) if p.startswith("/entries/")]
    assert executive.client.get(entry_link).status_code == 200
    assert message["List-Unsubscribe"].startswith("<https://upward.example.com/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert outbox.to("mentor@example.com") == []


def test_two_runs_at_once_claim_each_message_once(mail_app, outbox):
    mentor, _ = make_pair(mail_app)
    share(mentor)
    with mail_app.app_context():
        assert mail_outbox.queue_due(utcnow()) == 1
        assert mail_outbox.queue_due(utcnow()) == 0  # the unique (kind, key) claim
        [message_id] = db.session.scalars(select(SentMessage.id))
        assert mail_outbox.claim(message_id) is True
        assert mail_outbox.claim(message_id) is False  # the other machine's run
        assert mail_outbox.deliver(message_id) is None
    assert outbox.messages == []


def test_one_click_unsubscribe_stops_that_kind_of_mail(mail_app, outbox):
    mentor, executive = make_pair(mail_app)
    share(mentor)
    run_command(mail_app)
    [message] = outbox.to("exec@example.com")
    url = message["List-Unsubscribe"].strip("<>")
    path = urlsplit(url).path
    # Looking at the link (a mail scanner does) changes nothing.
    page = mail_app.test_client().get(path)
    assert page.status_code == 200 and "Stop these emails?" in page.get_data(as_text=True)
    # The mail client's one-click POST carries no CSRF token and no cookie.
    response = mail_app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You're unsubscribed" in response.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalars(select(MailOptOut.category)).all() == ["sharing"]
    share(mentor, "Second session")
    run_command(mail_app)
    assert len(outbox.to("exec@example.com")) == 1


def test_a_tampered_unsubscribe_link_is_not_found(mail_app):
    client = mail_app.test_client()
    assert client.get("/unsubscribe/abc.def").status_code == 404
    assert client.post("/unsubscribe/WzEsInNoYXJpbmciXQ.forged").status_code == 404


def test_preferences_page_switches_mail_off_and_on(mail_app, outbox):
    mentor, executive = make_pair(mail_app)
    assert mail_app.test_client().get("/account/emails").status_code == 302
    page = executive.client.get("/account/emails").get_data(as_text=True)
    assert 'value="sharing" checked' in page and 'value="digest"' not in page
    executive.post("/account/emails", {"wanted": ["reminders"]}, page="/account/emails")
    share(mentor)
    run_command(mail_app)
    assert outbox.to("exec@example.com") == []
    executive.post("/account/emails", {"wanted": ["reminders", "sharing"]}, page="/account/emails")
    share(mentor, "Next one")
    run_command(mail_app)
    assert len(outbox.to("exec@example.com")) == 1


def test_a_refused_address_is_logged_and_not_retried(mail_app, outbox, caplog):
    mentor, _ = make_pair(mail_app)
    outbox.refuse.add("exec@example.com")
    share(mentor)
    with caplog.at_level(logging.WARNING, logger="upward.mail.outbox"):
        run_command(mail_app)
    assert "refused" in caplog.text and "exec@example.com" in caplog.text
    [message] = messages(mail_app)
    assert message.status == "refused" and "550" in message.last_error
    share(mentor, "Another")
    run_command(mail_app)
    statuses = [m.status for m in messages(mail_app)]
    assert statuses == ["refused", "skipped"]  # the next nudge is not tried on that address
    status = mail_app.test_cli_runner().invoke(args=["mail", "status"])
    assert "refused" in status.output and "exec@example.com" in status.output


def test_a_malformed_address_is_listed_not_sent(mail_app, outbox):
    with mail_app.app_context():
        message_id = mail_outbox.queue("template_shared", "bad", to="not an address")
        assert mail_outbox.deliver(message_id) == "invalid"
    assert outbox.messages == []
    listed = mail_app.test_cli_runner().invoke(args=["mail", "status"]).output
    assert "invalid" in listed and "not an address" in listed


def test_without_smtp_mail_goes_to_the_outbox_folder_and_the_log(tmp_path, caplog):
    folder = tmp_path / "outbox"
    gen = build_app(tmp_path, UPWARD_SMTP_HOST="", UPWARD_OUTBOX_DIR=str(folder))
    app = next(gen)
    client = app.test_client()
    AuthActions(client).register()
    with caplog.at_level(logging.INFO, logger="upward.mail.transport"):
        forget(client)
    [file] = folder.glob("*.eml")
    assert "Reset your Upward password" in file.read_text()
    assert "mentor@example.com" in caplog.text and str(file) in caplog.text
    assert messages(app)[0].status == "sent"
    gen.close()


def test_deactivated_people_get_no_mail(mail_app, outbox):
    mentor, _ = make_pair(mail_app)
    share(mentor)
    with mail_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "exec@example.com"))
        user.deactivated_at = utcnow()
        db.session.commit()
    run_command(mail_app)
    assert outbox.messages == []


def test_bad_mail_settings_stop_the_start_with_their_names(tmp_path):
    from upward.config import SettingsError, get_config

    with pytest.raises(SettingsError) as caught:
        get_config(str(tmp_path), {"UPWARD_SMTP_TLS": "bogus", "UPWARD_BASE_URL": "nowhere"})
    names = " ".join(caught.value.problems)
    assert "UPWARD_SMTP_TLS" in names and "UPWARD_BASE_URL" in names


def test_mail_settings_defaults(tmp_path):
    from upward.config import get_config

    config = get_config(str(tmp_path), {"UPWARD_SMTP_TLS": "ssl"})
    assert config["UPWARD_SMTP_PORT"] == 465 and config["UPWARD_SMTP_HOST"] == ""
    assert config["UPWARD_BASE_URL"] == "http://127.0.0.1:5000"
    assert config["UPWARD_OUTBOX_DIR"] == str(tmp_path / "outbox")
    assert get_config(str(tmp_path), {})["UPWARD_SMTP_PORT"] == 587


def test_a_message_that_breaks_while_rendering_does_not_stop_the_others(
    mail_app, outbox, caplog, monkeypatch
):
    from upward.mail.kinds import KINDS

    mentor, _ = make_pair(mail_app)
    share(mentor)
    with mail_app.app_context():
        mail_outbox.queue_due(utcnow())
        broken = mail_outbox.queue("password_reset", "broken", to="exec@example.com", params={})
        assert broken is not None
    real = KINDS["password_reset"].render

    def explode(message, user):
        raise RuntimeError("template went missing")

    monkeypatch.setattr(KINDS["password_reset"], "render", explode)
    result = run_command(mail_app)
    assert result.exit_code == 0, result.output
    assert len(outbox.to("exec@example.com")) == 1  # the share announcement still went
    assert "could not be sent" in caplog.text
    with mail_app.app_context():
        statuses = {m.kind: (m.status, m.attempts) for m in messages(mail_app)}
    assert statuses["password_reset"] == ("pending", 1)  # tried again next run, not forever
    monkeypatch.setattr(KINDS["password_reset"], "render", real)
