"""Forms for matching and for a pair's lifecycle."""

from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from upward.forms import Form
from upward.models.pairs import DECLINE_NOTE_MAX
from upward.pairs.suggestions import Run

NOT_NOW = 0
"""The choice that leaves an executive out of this round of proposals."""


class DeclineForm(Form):
    """Decline a proposed match, with an optional word for the program lead only."""

    note = TextAreaField(
        "Anything your program lead should know? (optional; only your lead reads it)",
        validators=[Length(max=DECLINE_NOTE_MAX)],
    )


class MatchingForm(Form):
    """The lead's choice of mentor (or none yet) for each executive waiting on the page."""

    def field_for(self, executive_id: int) -> SelectField:
        """Return the mentor field of one executive."""
        return self[f"mentor_{executive_id}"]

    def choices(self) -> dict[int, int]:
        """Return the chosen mentor of each executive the lead proposes now."""
        found = {}
        for name, value in self.data.items():
            if name.startswith("mentor_") and value and value != NOT_NOW:
                found[int(name.removeprefix("mentor_"))] = int(value)
        return found


def make_matching_form(run: Run) -> MatchingForm:
    """Return the matching form for a run: one select per waiting executive."""

    class RunForm(MatchingForm):
        pass

    for row in run.rows:
        options = list(row.options)
        if row.mentor is not None and all(u.id != row.mentor.id for u, _ in options):
            options.insert(0, (row.mentor, row.score or 0.0))
        choices = [SelectChoice(NOT_NOW, "Not now")] + [
            SelectChoice(
                user.id,
                # Name and address: two people of one name must be told apart.
                f"{user.name} ({user.email}): {score:.0f}"
                + (" (suggested)" if row.mentor is not None and user.id == row.mentor.id else ""),
            )
            for user, score in options
        ]
        field = SelectField(
            f"Mentor for {row.executive.name}",
            coerce=int,
            choices=choices,
            default=row.mentor.id if row.mentor else NOT_NOW,
        )
        setattr(RunForm, f"mentor_{row.executive.id}", field)
    return RunForm()
