"""Forms on step and pathway pages."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired

from upward.forms import Form
from upward.learn.steps import MAX_NOTE_LENGTH


class CheckForm(Form):
    # The step's own check knows its options; the service refuses one it doesn't have.
    choice = RadioField(
        "Your answer",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired("Pick an answer.")],
    )


class NoteForm(Form):
    text = TextAreaField("Your private note", render_kw={"maxlength": MAX_NOTE_LENGTH})
