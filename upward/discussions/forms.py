"""Forms for filled-in templates, built from each template's field list."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from wtforms import (
    DateField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from upward.content import FormField, Page
from upward.discussions.services import MAX_TITLE_LENGTH, get_rating_labels
from upward.forms import Form
from upward.sharing import PairChoice

PREFIX = "f_"
"""Template field names are prefixed so none can clash with the form's own attributes."""
MAX_LENGTHS = {"short": 500, "long": 20_000}
MAX_RADIO_CHOICES = 5


class DayField(DateField):
    """A date field whose parse error says what to type."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a date as YYYY-MM-DD, such as 2026-11-21.") from None


class PartnerChoices(SelectMultipleField):
    """The person's active pairs as checkboxes: whom this copy is shared with."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        known = {value for value, *_ in self.iter_choices()}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(
                "One of the partners you ticked is no longer paired with you, so this copy "
                "can't be shared with them. Tick again from the list as it is now."
            )


class EntryForm(Form):
    """The fixed part of every filled-in template: its title and whom it is shared with."""

    title = StringField(
        "Title of this copy",
        description="Dated for you; change it if you like.",
        validators=[Length(max=MAX_TITLE_LENGTH)],
    )
    share_with = PartnerChoices("Share with", coerce=int, choices=[])
    """Filled with the person's active pairs by `build_entry_form`."""
    submission = HiddenField(default=lambda: uuid.uuid4().hex, render_kw={"data-form-key": ""})
    """Names this one submission, so a retried or double-clicked save keeps a single copy.

    A page reloaded by Back renders a new id, so static/js/upward.js keeps the first one in the
    page's history entry and puts it back: Back, then Save, updates the copy too.
    """

    def answer_fields(self) -> Iterator[Field]:
        """Yield the template's own fields, in the template's order."""
        return (field for field in self if field.name.startswith(PREFIX))

    def answers(self) -> dict[str, Any]:
        """Return what was typed, keyed by the template's field names."""
        return {field.name.removeprefix(PREFIX): field.data for field in self.answer_fields()}


def build_entry_form(
    template: Page,
    *,
    strict: bool = True,
    pairs: Sequence[PairChoice] = (),
    **kwargs: Any,
) -> EntryForm:
    """Return a form for a template; strict forms insist on the required fields.

    `pairs` are the person's active pairs: the partners this copy can be shared with.
    """
    attrs = {PREFIX + spec.name: make_field(spec, strict) for spec in template.fields}
    data = kwargs.pop("data", None)
    if data is not None:
        data = {(k if k in ("title", "share_with") else PREFIX + k): v for k, v in data.items()}
    form_class = type("TemplateEntryForm", (EntryForm,), attrs)
    form = form_class(data=data, **kwargs)
    form.share_with.choices = [
        SelectChoice(choice.pair_id, share_label(choice, len(pairs))) for choice in pairs
    ]
    return form


def share_label(choice: PairChoice, count: int) -> str:
    """Return the label of one sharing checkbox, naming the partner."""
    if count == 1:
        return f"Share with {choice.partner_name}, my mentoring partner"
    return choice.partner_name


def normalize_newlines(value: str | None) -> str | None:
    """Count a line break once: browsers limit by characters typed, then send CR LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def make_field(spec: FormField, strict: bool) -> Field:
    """Return the WTForms field for one template field."""
    message = f"Please fill in “{spec.label}”."
    # Text must have more than spaces; other kinds only need an answer (a bad date says why).
    required = DataRequired(message) if spec.kind in MAX_LENGTHS else InputRequired(message)
    validators: list[Any] = [required if spec.required and strict else Optional()]
    options: dict[str, Any] = {"description": spec.help, "validators": validators}
    if spec.kind in MAX_LENGTHS:
        limit = MAX_LENGTHS[spec.kind]
        message = f"this holds up to {limit:,} characters; shorten it a little."
        validators.append(Length(max=limit, message=message))
        options["filters"] = [normalize_newlines]
    if spec.kind == "long":
        return TextAreaField(spec.label, **options)
    if spec.kind == "date":
        return DayField(spec.label, **options)
    if spec.kind == "rating":
        stars = [SelectChoice(value, label) for value, label in get_rating_labels(spec).items()]
        return RadioField(spec.label, choices=stars, coerce=int, **options)
    if spec.kind == "choice":
        choices = [SelectChoice(choice) for choice in spec.choices or ()]
        if len(choices) <= MAX_RADIO_CHOICES:
            return RadioField(spec.label, choices=choices, **options)
        return SelectField(
            spec.label, choices=[SelectChoice("", "Choose one"), *choices], **options
        )
    return StringField(spec.label, **options)
