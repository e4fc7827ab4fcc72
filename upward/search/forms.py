"""The search form: a GET form, so results can be linked and bookmarked."""

from __future__ import annotations

from wtforms import SearchField, SelectField
from wtforms.validators import Length

from upward.forms import AUDIENCE_LABELS, Form, options
from upward.search.services import FILTERS

MAX_QUERY_LENGTH = 200
KIND_CHOICES = {name: label for name, (label, _) in FILTERS.items()}


class SearchForm(Form):
    class Meta:
        csrf = False

    q = SearchField("Search for", validators=[Length(max=MAX_QUERY_LENGTH)])
    kind = SelectField("Show", choices=options("Everything", KIND_CHOICES), default="")
    audience = SelectField("For", choices=options("Everyone", AUDIENCE_LABELS), default="")
