"""The program survey's form: three questions and an optional comment, all anonymous."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from upward.forms import Form
from upward.reports.surveys import GOOD_FIT, USEFULNESS

MAX_COMMENT = 2000


class SurveyForm(Form):
    usefulness = RadioField(
        "How useful have your mentoring sessions been?",
        choices=[SelectChoice(str(k), f"{k} – {v}") for k, v in USEFULNESS.items()],
        validators=[InputRequired("Please choose how useful the sessions have been.")],
    )
    good_fit = RadioField(
        "Was this pairing a good fit for you?",
        choices=[SelectChoice(k, v) for k, v in GOOD_FIT.items()],
        validators=[InputRequired("Please say whether the pairing was a good fit.")],
    )
    recommend = RadioField(
        "How likely are you to recommend the program to a colleague?",
        choices=[SelectChoice(str(n), str(n)) for n in range(11)],
        validators=[InputRequired("Please choose a number from 0 to 10.")],
        description="0 is not at all likely, 10 is extremely likely.",
    )
    comment = TextAreaField(
        "Anything you would like the program team to know?",
        validators=[Length(max=MAX_COMMENT)],
        description=(
            "Optional. The program team reads comments without your name, once five or more "
            "people have answered, so please leave out anything that would identify you."
        ),
    )
