"""The dashboard's filters: a GET form, so a filtered report can be bookmarked and shared."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from upward.forms import Form, options
from upward.vocabulary import PARTICIPANT_ROLES


class FilterForm(Form):
    class Meta:
        csrf = False  # a GET form changes nothing; its links are meant to be shared

    role = SelectField("Role", choices=options("Mentors and executives", PARTICIPANT_ROLES))
    department = SelectField(
        "Department", choices=[SelectChoice("", "Every department")], validate_choice=False
    )
    pathway = SelectField("Funnel of pathway", choices=[], validate_choice=False)

    def set_choices(self, departments: list[str], pathways: list[tuple[str, str]]) -> None:
        """Offer the departments and pathways there are (an unknown value shows everything)."""
        self.department.choices = [
            SelectChoice("", "Every department"),
            *(SelectChoice(d, d) for d in departments),
        ]
        self.pathway.choices = [SelectChoice(value, label) for value, label in pathways]
