"""Forms shared by several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """A POST button with CSRF protection and nothing else."""
