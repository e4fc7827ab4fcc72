"""Forms of the pair page: the agreement and action items."""

from __future__ import annotations

import uuid

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from upward.forms import Form
from upward.pairspace.services import CADENCES, SESSION_LENGTHS
from upward.vocabulary import SESSION_FORMATS

MAX_AGREEMENT_TEXT = 5_000


def normalize_newlines(value: str | None) -> str | None:
    """Count a line break once, as the browser counts it."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def text_area(label: str, description: str, *, required: bool = False) -> TextAreaField:
    """Return one of the agreement's free-text fields."""
    first = DataRequired(f"Please fill in “{label}”.") if required else Optional()
    return TextAreaField(
        label,
        description=description,
        validators=[first, Length(max=MAX_AGREEMENT_TEXT)],
        filters=[normalize_newlines, lambda v: v.strip() if isinstance(v, str) else v],
    )


class CheckboxesField(SelectMultipleField):
    """Several choices, as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AgreementForm(Form):
    """What the pair agrees: goals and scope, themes, how sessions run, what stays private."""

    goals = text_area(
        "Our goals",
        "Two or three things you want to be true by the end of the program.",
        required=True,
    )
    scope = text_area(
        "Scope: in and out of bounds",
        "What you will and won't talk about: the executive's own team? Their public posts? "
        "Named colleagues?",
    )
    themes = CheckboxesField("Themes we will work on", choices=[])
    session_format = RadioField(
        "How we meet",
        choices=[SelectChoice(k, v) for k, v in SESSION_FORMATS.items()],
        validators=[InputRequired("Choose how you will meet.")],
    )
    session_minutes = SelectField(
        "How long a session lasts",
        coerce=int,
        choices=[SelectChoice(m, f"{m} minutes") for m in SESSION_LENGTHS],
    )
    cadence_days = SelectField(
        "How often we meet",
        coerce=int,
        choices=[SelectChoice(d, label) for d, label in CADENCES.items()],
    )
    confidentiality = text_area(
        "What stays between us",
        "For example: nothing said in a session is repeated to anyone without asking first; "
        "the program lead sees only that we met.",
    )
    version = IntegerField(widget=HiddenInput(), default=0)
    """The version the person started from: a save from an older one is a conflict."""


class AgreeForm(Form):
    """ "I agree" to one version of the agreement."""

    version = IntegerField(widget=HiddenInput(), default=0)


class ActionForm(Form):
    """A new action item: what, who, by when."""

    what = StringField(
        "What",
        validators=[DataRequired("Say what will be done."), Length(max=300)],
        description="One concrete thing, such as “Post one short video on LinkedIn”.",
    )
    owner = SelectField("Who", coerce=int, choices=[])
    due_on = DateField(
        "By when",
        validators=[Optional()],
        description="Optional. A date such as 2026-12-15.",
    )
    submission = HiddenField(default=lambda: uuid.uuid4().hex)
    """Names this one submission, so a double click adds one item."""
