"""Forms for program leads."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired


class PairForm(FlaskForm):
    mentor = SelectField("Mentor", coerce=int, validators=[InputRequired("Choose a mentor.")])
    executive = SelectField(
        "Executive mentee", coerce=int, validators=[InputRequired("Choose an executive mentee.")]
    )
