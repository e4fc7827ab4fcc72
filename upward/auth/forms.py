"""Account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from upward.security import MIN_PASSWORD_LENGTH, is_common_password
from upward.vocabulary import ROLE_BLURBS, ROLES


def strip(value: str | None) -> str | None:
    """Drop the spaces people paste around names and addresses."""
    return value.strip() if isinstance(value, str) else value


ROLE_CHOICES = [
    SelectChoice(role, f"{label}: {ROLE_BLURBS[role]}") for role, label in ROLES.items()
]


class RegisterForm(FlaskForm):
    name = StringField(
        "Your name",
        filters=[strip],
        validators=[DataRequired("Please tell us your name."), Length(max=120)],
    )
    email = EmailField(
        "Work email",
        filters=[strip],
        validators=[
            DataRequired("Please enter your email address."),
            Email("That doesn't look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
    )
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

    def validate_password(self, field: PasswordField) -> None:
        """Refuse passwords from lists of the most common ones."""
        if is_common_password(field.data or ""):
            raise ValidationError(
                "That password is one of the most common ones and easy to guess. Choose another."
            )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired("Please enter your email address."), Length(max=254)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=256)]
    )
    remember = BooleanField("Keep me logged in on this device")


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        "Your password", validators=[DataRequired("Please enter your password."), Length(max=256)]
    )
