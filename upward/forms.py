"""Forms and form pieces shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from upward.vocabulary import AUDIENCES

AUDIENCE_LABELS = {k: v for k, v in AUDIENCES.items() if k != "all"}
"""The audiences a filter can pick ('everyone' is the empty choice)."""


class ButtonForm(FlaskForm):
    """A POST button with CSRF protection and nothing else."""


def options(anything: str, labels: dict[str, str]) -> list[SelectChoice]:
    """Return select options: 'any' first (an empty value), then each label."""
    return [SelectChoice("", anything), *(SelectChoice(k, v) for k, v in labels.items())]
