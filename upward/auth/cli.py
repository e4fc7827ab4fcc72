"""`flask users ...`: create the first admin and give people the author role."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from upward.auth import services
from upward.extensions import db
from upward.models import User
from upward.security import MIN_PASSWORD_LENGTH, get_password_problem, is_common_password
from upward.vocabulary import ROLES

users_cli = AppGroup("users", help="Manage accounts and roles.")


def find_user(email: str) -> User:
    """Return the user with this email or stop with a clear message."""
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email!r}.")
    return user


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", type=click.Choice(sorted(ROLES)), default="program", show_default=True)
@click.password_option()
def create_admin(email: str, name: str, role: str, password: str) -> None:
    """Create an admin account (also an author), or promote an existing one."""
    user = services.get_user_by_email(email)
    if user is None:
        if len(password) < MIN_PASSWORD_LENGTH or is_common_password(password):
            raise click.ClickException(
                f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters "
                "that is not a common one."
            )
        user = services.register_user(name, email, password, role)
    user.is_admin = True
    user.is_author = True
    db.session.commit()
    click.echo(f"{user.email} is an admin and an author.")


@users_cli.command("grant-author")
@click.argument("email")
def grant_author(email: str) -> None:
    """Give a person the author role: they see drafts and the authors' page."""
    set_author(email, True)


@users_cli.command("revoke-author")
@click.argument("email")
def revoke_author(email: str) -> None:
    """Take the author role away from a person."""
    set_author(email, False)


def set_author(email: str, is_author: bool) -> None:
    """Give or take the author role and say so."""
    user = find_user(email)
    user.is_author = is_author
    db.session.commit()
    click.echo(f"{user.email} is {'now' if is_author else 'no longer'} an author.")


@users_cli.command("grant-lead")
@click.argument("email")
def grant_lead(email: str) -> None:
    """Make a person a program lead: they can run cohorts and see the people in them."""
    user = find_user(email)
    services.set_lead(user, True)
    click.echo(f"{user.email} is now a program lead.")


@users_cli.command("revoke-lead")
@click.argument("email")
def revoke_lead(email: str) -> None:
    """Take the program lead role away from a person."""
    user = find_user(email)
    services.set_lead(user, False)
    click.echo(f"{user.email} is no longer a program lead.")


@users_cli.command("list")
def list_users() -> None:
    """List accounts with their role and rights."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        rights = ", ".join(
            r
            for r, on in (
                ("admin", user.is_admin),
                ("lead", user.is_lead),
                ("author", user.is_author),
                ("deactivated", not user.is_active),
            )
            if on
        )
        click.echo(f"{user.email}\t{user.role}\t{rights or '-'}")


@users_cli.command("reset-password")
@click.argument("email")
@click.option(
    "--send-link", is_flag=True, help="Email the person a reset link instead of setting one."
)
@click.password_option(prompt="New password", required=False, prompt_required=False)
def reset_password(email: str, send_link: bool, password: str | None) -> None:
    """Set a new password for someone (ending their sessions), or email them a reset link."""
    user = find_user(email)
    if send_link:
        from upward.mail.outbox import deliver

        message_id = services.request_password_reset(user.email)
        if message_id is None:
            raise click.ClickException(
                "No link sent: the account is deactivated or got 3 this hour."
            )
        status = deliver(message_id)
        click.echo(
            f"Reset link for {user.email}: {status} (`flask mail send` retries if not sent)."
        )
        return
    password = password or click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."
        )
    problem = get_password_problem(password, [user.name, user.email])
    if problem:
        raise click.ClickException(problem)
    services.set_password(user, password)
    click.echo(f"{user.email} has a new password; their sessions are ended.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(sorted(ROLES)))
def set_role(email: str, role: str) -> None:
    """Change a person's role (mentor, executive or program lead)."""
    user = find_user(email)
    user.role = role
    db.session.commit()
    click.echo(f"{user.email} is now {ROLES[role]}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop a person logging in and getting mail, keeping all their history."""
    user = find_user(email)
    services.set_active(user, False)
    click.echo(f"{user.email} is deactivated; their history is kept.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate(email: str) -> None:
    """Let a deactivated person log in again."""
    user = find_user(email)
    services.set_active(user, True)
    click.echo(f"{user.email} can log in again.")
