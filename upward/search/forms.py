"""The search form: a GET form, so results can be linked and bookmarked."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length

from upward.forms import AUDIENCE_LABELS, options

MAX_QUERY_LENGTH = 200


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Search for", validators=[Length(max=MAX_QUERY_LENGTH)])
    audience = SelectField("For", choices=options("Everyone", AUDIENCE_LABELS), default="")
