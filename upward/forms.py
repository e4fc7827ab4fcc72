"""Forms and pieces shared by several blueprints; the base of every form, in the site's voice."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from upward.vocabulary import AUDIENCES

AUDIENCE_LABELS = {k: v for k, v in AUDIENCES.items() if k != "all"}
"""The audiences a filter can pick ('everyone' is the empty choice)."""

# WTForms' stock messages, said the way the rest of the site speaks. Length messages are
# formatted afterwards with min, max and length (what the person typed).
SITE_VOICE = {
    "This field is required.": "Please fill this in.",
    "Not a valid choice.": "Not a valid choice: please pick one of the options shown.",
    "Invalid Choice: could not coerce.": (
        "Not a valid choice: please pick one of the options shown."
    ),
    "Not a valid date value.": "Enter a date as YYYY-MM-DD, such as 2026-11-21.",
    "Not a valid integer value.": "Enter a whole number, such as 3.",
    "Invalid email address.": "Enter an email address, such as name@example.com.",
    "Invalid URL.": "Enter a web address starting with https://.",
    "Field must be equal to %(other_name)s.": "This doesn't match: type it again.",
    "Field cannot be longer than %(max)d character.": (
        "Keep this to %(max)d character or fewer (you typed %(length)d)."
    ),
    "Field cannot be longer than %(max)d characters.": (
        "Keep this to %(max)d characters or fewer (you typed %(length)d)."
    ),
    "Field must be at least %(min)d character long.": "Type at least %(min)d character here.",
    "Field must be at least %(min)d characters long.": "Type at least %(min)d characters here.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Type between %(min)d and %(max)d characters here (you typed %(length)d)."
    ),
    "Number must be between %(min)s and %(max)s.": "Choose a number from %(min)s to %(max)s.",
    "Invalid input.": "Please check this answer.",
}


class SiteVoice:
    """WTForms translations that replace its stock English with the site's own words."""

    def gettext(self, string: str) -> str:
        return SITE_VOICE.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Every form on the site: CSRF from Flask-WTF, messages in the site's voice."""

    class Meta:
        def get_translations(self, form: Any) -> SiteVoice:
            return SiteVoice()


class ButtonForm(Form):
    """A POST button with CSRF protection and nothing else."""


def options(anything: str, labels: dict[str, str]) -> list[SelectChoice]:
    """Return select options: 'any' first (an empty value), then each label."""
    return [SelectChoice("", anything), *(SelectChoice(k, v) for k, v in labels.items())]
