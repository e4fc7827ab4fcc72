"""The participant's own profile forms."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional, ValidationError

from upward.auth.forms import strip
from upward.forms import Form
from upward.program.cohorts_forms import CheckboxesField
from upward.program.profiles import ProfileError, check_zone
from upward.vocabulary import LEVEL_BANDS, SLOTS


class ProfileForm(Form):
    department = StringField(
        "Department",
        description="As your organisation names it, such as “Finance” or “Customer support”.",
        filters=[strip],
        validators=[Length(max=120)],
    )
    level_band = SelectField(
        "Level",
        choices=[SelectChoice("", "Choose your level")]
        + [SelectChoice(k, v) for k, v in LEVEL_BANDS.items()],
        validators=[Optional()],
    )
    time_zone = StringField(
        "Time zone",
        description=(
            "Where you work from, such as Europe/London or America/New_York. Session "
            "times are shown in it."
        ),
        filters=[strip],
        validators=[Length(max=64)],
        render_kw={"list": "time-zones", "autocomplete": "off"},
    )
    availability = CheckboxesField(
        "Times that usually suit you",
        choices=[SelectChoice(k, v) for k, v in SLOTS.items()],
        validate_choice=True,
    )
    manager_email = EmailField(
        "Your line manager's work email",
        description="Only so you are never paired with your own manager. Nobody is told.",
        filters=[strip],
        validators=[
            Optional(),
            Email("That doesn't look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
    )

    def validate_time_zone(self, field: StringField) -> None:
        """Accept IANA zone names only, so session times convert correctly."""
        if field.data:
            try:
                field.data = check_zone(field.data)
            except ProfileError as error:
                raise ValidationError(str(error)) from None


class MembershipForm(Form):
    themes = CheckboxesField("Themes", validate_choice=True)
    skills = TextAreaField(
        "Skills, in your own words",
        description=(
            "One per line or separated by commas, such as “TikTok for B2C” or “reading a P&L”."
        ),
        validators=[Length(max=1000)],
    )
    goal = TextAreaField(
        "What you hope to get from the program",
        description="A sentence or two. Your lead uses it to find you a good match.",
        validators=[Length(max=1000)],
    )
