"""SQLAlchemy models: the database knows ids and events; the content library knows content."""

from upward.models.kept import KeptWork
from upward.models.learning import (
    CheckAnswer,
    Completion,
    PathwayStep,
    PathwaySummary,
    ReflectionNote,
    StepVersion,
)
from upward.models.mail import AccountToken, MailOptOut, SentMessage
from upward.models.pairs import OPEN_STATUSES, Pair
from upward.models.program import (
    DEFAULT_CADENCE_DAYS,
    ActionItem,
    Agreement,
    CalendarFeed,
    Cohort,
    CohortLead,
    Invitation,
    Meeting,
    Membership,
    PairShare,
    Profile,
)
from upward.models.reports import Certificate, SurveyAnswer, SurveyReceipt
from upward.models.resources import Bookmark, Rating
from upward.models.templates import TemplateEntry
from upward.models.user import User

__all__ = [
    "DEFAULT_CADENCE_DAYS",
    "OPEN_STATUSES",
    "AccountToken",
    "ActionItem",
    "Agreement",
    "CalendarFeed",
    "Certificate",
    "Cohort",
    "CohortLead",
    "Invitation",
    "Meeting",
    "Membership",
    "PairShare",
    "Profile",
    "MailOptOut",
    "SentMessage",
    "Bookmark",
    "CheckAnswer",
    "Completion",
    "KeptWork",
    "Pair",
    "PathwayStep",
    "PathwaySummary",
    "Rating",
    "ReflectionNote",
    "StepVersion",
    "SurveyAnswer",
    "SurveyReceipt",
    "TemplateEntry",
    "User",
]
