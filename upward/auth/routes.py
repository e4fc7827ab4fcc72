"""Account pages: register, log in, log out, download your data, delete your account."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user

from upward.auth import services
from upward.auth.forms import ConfirmPasswordForm, LoginForm, RegisterForm
from upward.extensions import limiter
from upward.security import is_safe_redirect, verify_password

bp = Blueprint("auth", __name__, url_prefix="/account")

# Per client address, sized for a workshop: thirty people behind one office address register
# and log in within minutes. Only failed logins count against the address.
REGISTER_LIMIT = "40 per 5 minutes;200 per day"
LOGIN_LIMIT = "60 per 5 minutes;300 per hour"
# Per account, whatever the address: guessing one person's password stays slow even from a
# botnet or a client that forges X-Forwarded-For.
ACCOUNT_LIMIT = "5 per minute;30 per hour"


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
        else:
            start_session(user, remember=form.remember.data)
            return redirect(next_url if is_safe_redirect(next_url) else url_for("learn.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form, next=next_url), status


def start_session(user: services.User, *, remember: bool) -> None:
    """Begin a fresh session for this user (never reuse the anonymous one)."""
    session.clear()
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
