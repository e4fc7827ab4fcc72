"""Forms on the resources pages."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from upward.forms import AUDIENCE_LABELS, Form, options
from upward.resources.services import SORTS
from upward.vocabulary import FORMATS, THEMES

STARS = [SelectChoice(n, f"{n} star{'s' if n > 1 else ''}") for n in range(1, 6)]


class ResourceFilterForm(Form):
    """The GET filters of the list: bookmarkable, and no token needed to read."""

    class Meta:
        csrf = False

    audience = SelectField("For", choices=options("Everyone", AUDIENCE_LABELS), default="")
    theme = SelectField("Theme", choices=options("Any theme", THEMES), default="")
    format = SelectField("Format", choices=options("Any format", FORMATS), default="")
    sort = SelectField(
        "Sort by", choices=[SelectChoice(k, v) for k, v in SORTS.items()], default="title"
    )
    bookmarked = BooleanField("Only your bookmarks")


class BookmarkForm(Form):
    """Bookmark or unbookmark: remembers the page to go back to."""

    next = HiddenField()


class RatingForm(Form):
    stars = RadioField(
        "Your rating", choices=STARS, coerce=int, validators=[InputRequired("Pick 1 to 5 stars.")]
    )
    next = HiddenField()
