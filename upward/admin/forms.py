"""Forms on the admin's pages."""

from __future__ import annotations

from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from upward.auth.forms import normalize_name, strip
from upward.forms import Form


def work_email(label: str, required: bool) -> EmailField:
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired("Enter their work email.") if required else Optional(),
            Email("That doesn't look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
    )


class AppointForm(Form):
    email = work_email("Work email of someone with an account", required=True)


class LeadInvitationForm(Form):
    email = work_email("Work email", required=False)
    name = StringField(
        "Name",
        filters=[normalize_name],
        validators=[Optional(), Length(max=120)],
    )
