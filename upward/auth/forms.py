"""Account forms."""

from __future__ import annotations

import unicodedata

from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from upward.forms import Form
from upward.security import MIN_PASSWORD_LENGTH, get_password_problem
from upward.vocabulary import PARTICIPANT_ROLES, ROLE_BLURBS


def strip(value: str | None) -> str | None:
    """Drop the spaces people paste around names and addresses."""
    return value.strip() if isinstance(value, str) else value


def normalize_name(value: str | None) -> str | None:
    """Fold a name to NFKC (full-width and styled letters become plain ones) and trim it."""
    if not isinstance(value, str):
        return value
    return " ".join(unicodedata.normalize("NFKC", value).split())


# Scripts whose letters look alike: one word mixing them is a look-alike, not a name.
CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}
# Blank letters and symbols that render as nothing.
INVISIBLE = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def get_name_problem(name: str) -> str | None:
    """Return why a name can't be used (invisible characters, mixed look-alikes), or None."""
    for char in name:
        if char in INVISIBLE or unicodedata.category(char) in {"Cc", "Cf", "Co", "Cn", "Zl", "Zp"}:
            return "Your name contains an invisible or control character. Please type it again."
    for word in name.split():
        scripts = {
            unicodedata.name(char, "").split(" ")[0] for char in word if char.isalpha()
        } & CONFUSABLE_SCRIPTS
        if len(scripts) > 1:
            found = " and ".join(sorted(s.title() for s in scripts))
            return (
                f"“{word}” mixes {found} letters that look alike. "
                "Please type your name in one alphabet."
            )
    return None


ROLE_CHOICES = [
    SelectChoice(role, f"{label}: {ROLE_BLURBS[role]}") for role, label in PARTICIPANT_ROLES.items()
]
"""Learners choose mentor or executive mentee; program leads are appointed, never self-chosen."""


def email_field(label: str) -> EmailField:
    """Return a field for an address someone gives us: trimmed, well formed, not too long."""
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired("Please enter your email address."),
            Email("That doesn't look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
    )


class RegisterForm(Form):
    name = StringField(
        "Your name",
        filters=[normalize_name],
        validators=[DataRequired("Please tell us your name."), Length(max=120)],
    )
    email = email_field("Work email")
    password = PasswordField(
        "Password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A short sentence works well.",
        validators=[
            DataRequired("Please choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Please repeat the password."),
            EqualTo("password", "The two passwords don't match."),
        ],
    )
    role = RadioField(
        "Your role in the program",
        choices=ROLE_CHOICES,
        validators=[InputRequired("Please choose your role in the program.")],
    )

    def validate_name(self, field: StringField) -> None:
        """Refuse names with invisible characters or look-alike letters from two alphabets."""
        problem = get_name_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_password(self, field: PasswordField) -> None:
        """Refuse passwords that are easy to guess, counting the person's name and email."""
        if len(field.data or "") < MIN_PASSWORD_LENGTH:
            return  # the length message says it already
        problem = get_password_problem(field.data, [self.name.data, self.email.data])
        if problem:
            raise ValidationError(problem)


class LoginForm(Form):
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired("Please enter your email address."), Length(max=254)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=256)]
    )
    remember = BooleanField("Keep me logged in on this device")


class ConfirmPasswordForm(Form):
    password = PasswordField(
        "Your password", validators=[DataRequired("Please enter your password."), Length(max=256)]
    )


def new_password_field(label: str) -> PasswordField:
    """Return a field for a new password: long enough (its strength is checked on the form)."""
    return PasswordField(
        label,
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A short sentence works well.",
        validators=[
            DataRequired("Please choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
    )


def confirm_field() -> PasswordField:
    """Return the field that repeats the new password."""
    return PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Please repeat the password."),
            EqualTo("password", "The two passwords don't match."),
        ],
    )


def current_password_field() -> PasswordField:
    """Return the field that asks for the password the person has now."""
    return PasswordField(
        "Your current password",
        validators=[DataRequired("Please enter your current password."), Length(max=256)],
    )


class NewPasswordForm(Form):
    """A new password, typed twice, refused when easy to guess (knowing the person's words)."""

    password = new_password_field("New password")
    confirm = confirm_field()
    personal: tuple[str, ...] = ()
    """The person's name and email, set by the view: a password built on them is refused."""

    def validate_password(self, field: PasswordField) -> None:
        """Refuse passwords that are easy to guess, counting the person's name and email."""
        if len(field.data or "") < MIN_PASSWORD_LENGTH:
            return  # the length message says it already
        problem = get_password_problem(field.data, list(self.personal))
        if problem:
            raise ValidationError(problem)


class ForgotPasswordForm(Form):
    email = email_field("Your email address")


class ResetPasswordForm(NewPasswordForm):
    pass


class ChangePasswordForm(NewPasswordForm):
    current = current_password_field()
    password = new_password_field("New password")
    confirm = confirm_field()


class NameForm(Form):
    name = StringField(
        "Your name",
        filters=[normalize_name],
        validators=[DataRequired("Please tell us your name."), Length(max=120)],
    )

    def validate_name(self, field: StringField) -> None:
        """Refuse names with invisible characters or look-alike letters from two alphabets."""
        problem = get_name_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class EmailChangeForm(Form):
    email = email_field("New email address")
    current = current_password_field()
