"""Forms for program leads."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import InputRequired

from upward.forms import Form


class PairForm(Form):
    mentor = SelectField("Mentor", coerce=int, validators=[InputRequired("Choose a mentor.")])
    executive = SelectField(
        "Executive mentee", coerce=int, validators=[InputRequired("Choose an executive mentee.")]
    )
