"""Forms a lead fills in about a cohort and the people in it."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from upward.auth.forms import normalize_name, strip
from upward.forms import Form
from upward.program.cohorts import CADENCES, MAX_CAPACITY, clean_themes
from upward.vocabulary import PARTICIPANT_ROLES, PROGRAM_THEMES

MAX_OWN_THEMES = 12


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CohortForm(Form):
    name = StringField(
        "Name",
        description="What people will see in their invitation, such as “Spring 2027: Finance”.",
        filters=[normalize_name],
        validators=[DataRequired("Give the cohort a name."), Length(max=120)],
    )
    starts_on = DateField("Starts on", validators=[InputRequired("Choose the first day.")])
    ends_on = DateField("Ends on", validators=[InputRequired("Choose the last day.")])
    themes = CheckboxesField(
        "Themes on offer",
        choices=[SelectChoice(t, t) for t in PROGRAM_THEMES],
        validate_choice=True,
    )
    own_themes = TextAreaField(
        "Your own themes",
        description=(
            "One per line, such as “AI at work” or “Hybrid teams”. Leave it empty to offer "
            "only the ones ticked."
        ),
        validators=[Length(max=2000)],
    )
    mentor_capacity = IntegerField(
        "Executive mentees per mentor",
        default=1,
        description=(
            "One is what most programs do. Allow more only when you have fewer mentors "
            "than executives."
        ),
        validators=[
            InputRequired("Say how many executive mentees one mentor may take."),
            NumberRange(1, MAX_CAPACITY),
        ],
    )
    avoid_same_department = BooleanField(
        "Never pair two people from the same department",
        default=True,
        description="Candour comes more easily when the mentor's manager isn't in the room later.",
    )
    cadence_days = SelectField(
        "How often pairs meet",
        coerce=int,
        default=14,
        choices=[SelectChoice(days, label) for days, label in CADENCES.items()],
        validators=[InputRequired("Choose how often pairs meet.")],
    )

    def validate_ends_on(self, field: DateField) -> None:
        """Refuse an end date on or before the start."""
        if field.data and self.starts_on.data and field.data <= self.starts_on.data:
            raise ValidationError("The cohort must end after it starts.")

    def validate_own_themes(self, field: TextAreaField) -> None:
        """Keep each theme short and the list manageable."""
        lines = clean_themes((field.data or "").splitlines())
        if len(lines) > MAX_OWN_THEMES:
            raise ValidationError(f"Offer at most {MAX_OWN_THEMES} themes of your own.")
        too_long = [line for line in lines if len(line) > 60]
        if too_long:
            raise ValidationError(
                f"Keep each theme to 60 characters or fewer: “{too_long[0][:60]}…”."
            )

    def all_themes(self) -> list[str]:
        """Return the ticked themes, then the lead's own, without repeats."""
        return clean_themes([*(self.themes.data or []), *(self.own_themes.data or "").splitlines()])

    def validate_themes(self, field: CheckboxesField) -> None:
        """Ask for at least one theme, ticked or typed."""
        if not clean_themes([*(field.data or []), *(self.own_themes.data or "").splitlines()]):
            raise ValidationError("Tick at least one theme, or write your own below.")


class LeadForm(Form):
    email = EmailField(
        "Co-lead's work email",
        description="They must already be a program lead (an admin appoints leads).",
        filters=[strip],
        validators=[
            DataRequired("Enter the co-lead's work email."),
            Email("That doesn't look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
    )


ROLE_CHOICES = [SelectChoice(role, label) for role, label in PARTICIPANT_ROLES.items()]


class AddPersonForm(Form):
    email = EmailField(
        "Work email",
        filters=[strip],
        validators=[
            DataRequired("Enter their work email."),
            Email("That doesn't look like an email address.", check_deliverability=False),
            Length(max=254),
        ],
    )
    name = StringField(
        "Name",
        description="Used to greet them if they don't have an account yet.",
        filters=[normalize_name],
        validators=[Optional(), Length(max=120)],
    )
    role = SelectField(
        "Joins as", choices=ROLE_CHOICES, validators=[InputRequired("Choose their role.")]
    )


class InviteLinkForm(Form):
    role = SelectField(
        "Link for", choices=ROLE_CHOICES, validators=[InputRequired("Choose the role.")]
    )


class ImportForm(Form):
    file = FileField(
        "CSV file from your HR system",
        description=(
            "Columns: name, email, role, department, manager_email (in any order; the header "
            "names can vary). Commas or semicolons both work."
        ),
        validators=[FileRequired("Choose the CSV file to import.")],
    )
    role = SelectField(
        "Role for rows that don't say",
        choices=[SelectChoice("", "Rows must say"), *ROLE_CHOICES],
        validators=[Optional()],
    )
