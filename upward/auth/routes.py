"""Account pages: register, log in, log out, download your data, delete your account."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from upward import kept
from upward.auth import services, tokens
from upward.auth.forms import (
    ChangePasswordForm,
    ConfirmPasswordForm,
    EmailChangeForm,
    ForgotPasswordForm,
    LoginForm,
    NameForm,
    RegisterForm,
    ResetPasswordForm,
)
from upward.extensions import db, limiter
from upward.forms import ButtonForm
from upward.mail.outbox import send_after_response
from upward.models import User
from upward.pairs import can_manage_pairs
from upward.program.access import can_see_person, is_lead
from upward.security import is_safe_redirect, verify_password

bp = Blueprint("auth", __name__, url_prefix="/account")

# Per client address, sized for a workshop: thirty people behind one office address register
# and log in within minutes. Only failed logins count against the address.
REGISTER_LIMIT = "40 per 5 minutes;200 per day"
LOGIN_LIMIT = "60 per 5 minutes;300 per hour"
# Per account, whatever the address: guessing one person's password stays slow even from a
# botnet or a client that forges X-Forwarded-For.
ACCOUNT_LIMIT = "5 per minute;30 per hour"
# Per client address: a reset link for a forgotten password (a workshop may forget at once).
FORGOT_LIMIT = "30 per 5 minutes;200 per day"


def post_only(limit: str, **options: Any) -> Any:
    """Rate-limit only the POSTs of a view: reading the form costs nothing."""
    return limiter.limit(limit, methods=["POST"], **options)


def has_failed(response: Response) -> bool:
    """Tell whether a form submission was refused (it counts against failure limits)."""
    return response.status_code >= 400


def account_key() -> str:
    """Return the rate-limit key of the account a login or confirmation names."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return "account:" + services.normalize_email(request.form.get("email", ""))[:254]


def limit_failures(limit: str) -> Any:
    """Limit failed password attempts per client address and, more tightly, per account."""

    def decorate(view: Any) -> Any:
        view = post_only(ACCOUNT_LIMIT, key_func=account_key, deduct_when=has_failed)(view)
        return post_only(limit, deduct_when=has_failed)(view)

    return decorate


@bp.route("/register", methods=["GET", "POST"])
@post_only(REGISTER_LIMIT)
def register() -> ResponseReturnValue:
    """Create an account and log the person in."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.name.data, form.email.data, form.password.data, form.role.data
            )
        except services.EmailTaken:
            form.email.errors.append(
                "An account with this email already exists. Log in instead, or use another address."
            )
        else:
            start_session(user, remember=False)
            flash(f"Welcome to Upward, {user.name}. Here is where to start.", "success")
            return redirect(url_for("learn.dashboard"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limit_failures(LOGIN_LIMIT)
def login() -> ResponseReturnValue:
    """Log a person in and send them back where they were going, inside this site only."""
    next_url = request.values.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_redirect(next_url) else url_for("learn.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("That email and password don't match an account.")
        elif not user.is_active:
            form.password.errors.append(
                "This account is deactivated. Your program lead can reopen it."
            )
        else:
            start_session(user, remember=form.remember.data)
            return redirect(next_url if is_safe_redirect(next_url) else url_for("learn.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form, next=next_url), status


def start_session(user: services.User, *, remember: bool) -> None:
    """Begin a fresh session for this user (never reuse the anonymous one)."""
    kept_secret = kept.carry_over()
    session.clear()
    kept.restore(kept_secret)
    login_user(user, remember=remember)
    session.permanent = True


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """End the session here and on the server, so a copied cookie stops working too."""
    services.end_all_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("learn.home"))


@bp.get("/")
@login_required
def account() -> ResponseReturnValue:
    """Show the account page: data download and account deletion."""
    return render_template("auth/account.html", form=ConfirmPasswordForm())


@bp.post("/export")
@login_required
def export() -> ResponseReturnValue:
    """Download everything the site keeps about the person, as JSON."""
    data = services.export_user_data(current_user._get_current_object())
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="upward-my-data.json"'},
    )


@bp.post("/delete")
@login_required
@limit_failures(LOGIN_LIMIT)
def delete() -> ResponseReturnValue:
    """Delete the account and all its data, once the person confirms with their password."""
    form = ConfirmPasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit() and verify_password(user.password_hash, form.password.data):
        services.delete_account(user)
        logout_user()
        session.clear()
        flash("Your account and everything in it are deleted.", "info")
        return redirect(url_for("learn.home"))
    if not form.password.errors:
        form.password.errors.append("That password isn't right. Your account is unchanged.")
    return render_template("auth/account.html", form=form), 400


@bp.route("/forgot", methods=["GET", "POST"])
@post_only(FORGOT_LIMIT)
def forgot_password() -> ResponseReturnValue:
    """Mail a reset link, saying the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        send_after_response(services.request_password_reset(form.email.data))
        return render_template("auth/forgot_sent.html", email=form.email.data)
    status = 400 if form.errors else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@post_only(FORGOT_LIMIT)
def reset_password(token: str) -> ResponseReturnValue:
    """Let the holder of a fresh reset link choose a new password, once."""
    found = tokens.find(token, "password")
    if found is None:
        return render_template("auth/link_expired.html", form=ForgotPasswordForm()), 400
    form = ResetPasswordForm()
    owner = db.session.get(User, found.user_id)
    form.personal = (owner.name, owner.email) if owner else ()
    if form.validate_on_submit():
        user = services.reset_password(found, form.password.data)
        if user is None:
            return render_template("auth/link_expired.html", form=ForgotPasswordForm()), 400
        start_session(user, remember=False)
        flash("Your password is changed, and you are logged in. Other devices are logged out.")
        return redirect(url_for("learn.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/reset.html", form=form), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limit_failures(LOGIN_LIMIT)
def change_password() -> ResponseReturnValue:
    """Change the password, after the current one; every other session ends."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    form.personal = (user.name, user.email)
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.current.data):
            services.set_password(user, form.password.data)
            start_session(user, remember=False)
            flash("Your password is changed. You are logged out everywhere else.", "success")
            return redirect(url_for("auth.account"))
        form.current.errors.append("That isn't your current password.")
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/name", methods=["GET", "POST"])
@login_required
def change_name() -> ResponseReturnValue:
    """Change the name the person goes by."""
    form = NameForm(data={"name": current_user.name} if request.method == "GET" else None)
    if form.validate_on_submit():
        services.change_name(current_user._get_current_object(), form.name.data)
        flash("Your name is changed.", "success")
        return redirect(url_for("auth.account"))
    status = 400 if form.errors else 200
    return render_template("auth/change_name.html", form=form), status


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limit_failures(LOGIN_LIMIT)
def change_email() -> ResponseReturnValue:
    """Send a confirmation to a new address; the old one stays until it is confirmed."""
    form = EmailChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append("That isn't your current password.")
        else:
            try:
                message_id = services.request_email_change(user, form.email.data)
            except services.AccountError as error:
                form.email.errors.append(str(error))
            else:
                send_after_response(message_id)
                flash(
                    f"We sent a link to {form.email.data}. Until you follow it, "
                    f"your address stays {user.email}.",
                    "info",
                )
                return redirect(url_for("auth.account"))
    status = 400 if form.errors else 200
    return render_template("auth/change_email.html", form=form), status


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    """Ask, then switch the account to the confirmed new address (a GET changes nothing)."""
    found = tokens.find(token, "email")
    if found is None:
        return render_template("auth/email_link_expired.html"), 400
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            user, notice = services.confirm_email_change(found)
        except services.AccountError as error:
            flash(str(error), "error")
            return render_template("auth/email_link_expired.html"), 400
        send_after_response(notice)
        flash(f"Your email address is now {user.email}.", "success")
        return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm_email.html", form=form, new_email=found.new_email)


@bp.get("/people/")
@login_required
def people() -> ResponseReturnValue:
    """List accounts for program leads and admins, with deactivate and reopen buttons."""
    if not can_manage_pairs(current_user):
        abort(403)
    actor = current_user._get_current_object()
    accounts = services.list_accounts(actor)
    return render_template(
        "auth/people.html",
        accounts=accounts,
        may_change={a.id for a in accounts if services.can_deactivate(actor, a)},
    )


@bp.post("/people/<int:user_id>/<any(deactivate, reactivate):action>")
@login_required
def set_active(user_id: int, action: str) -> ResponseReturnValue:
    """Deactivate or reopen an account; its history stays either way."""
    actor = current_user._get_current_object()
    if not is_lead(actor):
        abort(403)
    target = db.session.get(User, user_id)
    # Someone outside the lead's cohorts is not theirs to know of: 404, as if there were none.
    if target is None or not can_see_person(actor, target.id):
        abort(404)
    if not services.can_deactivate(actor, target):
        abort(403)
    services.set_active(target, action == "reactivate")
    verb = "reopened" if action == "reactivate" else "deactivated"
    flash(f"{target.name}'s account is {verb}. Their history is kept.", "info")
    return redirect(url_for("auth.people"))
