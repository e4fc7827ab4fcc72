"""Forms for booking, planning and moving sessions; times are typed in the person's own zone."""

from __future__ import annotations

import uuid
from typing import Any

from wtforms import HiddenField, IntegerField, StringField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange

from upward.discussions.forms import DayField
from upward.forms import Form
from upward.meetings.services import MAX_MINUTES, MAX_SERIES, MIN_MINUTES


class ClockField(TimeField):
    """A time of day whose parse error says what to type."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a time as HH:MM on a 24-hour clock, such as 14:30.") from None


def submission_key() -> str:
    """Return a new id for one sending of a form (a resent form carries the same one)."""
    return uuid.uuid4().hex


class MoveForm(Form):
    """A new day and time for a planned session."""

    day = DayField("Date", validators=[InputRequired("Choose the day.")])
    at = ClockField("Start time", validators=[InputRequired("Choose the start time.")])


class BookForm(MoveForm):
    """One session: when, how long, and where (a room or a video link)."""

    minutes = IntegerField(
        "Length in minutes",
        validators=[
            InputRequired("Say how long the session lasts."),
            NumberRange(MIN_MINUTES, MAX_MINUTES),
        ],
    )
    location = StringField(
        "Where",
        description="A room, or the video call link. Both of you see it, and it goes into "
        "your calendars.",
        validators=[Length(max=300)],
    )
    submission = HiddenField(default=submission_key)
    """Names this one sending, so a double click or a retried save books a single session."""


class PlanForm(BookForm):
    """Several sessions at the pair's cadence, from a first one."""

    count = IntegerField(
        "How many sessions",
        default=3,
        validators=[
            InputRequired("Say how many sessions to plan."),
            NumberRange(1, MAX_SERIES),
        ],
    )
