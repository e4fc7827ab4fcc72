"""SQLAlchemy models: the database knows ids and events; the content library knows content."""

from upward.models.kept import KeptWork
from upward.models.learning import CheckAnswer, Completion, ReflectionNote, StepVersion
from upward.models.mail import AccountToken, MailOptOut, SentMessage
from upward.models.pairs import Pair
from upward.models.resources import Bookmark, Rating
from upward.models.templates import TemplateEntry
from upward.models.user import User

__all__ = [
    "AccountToken",
    "MailOptOut",
    "SentMessage",
    "Bookmark",
    "CheckAnswer",
    "Completion",
    "KeptWork",
    "Pair",
    "Rating",
    "ReflectionNote",
    "StepVersion",
    "TemplateEntry",
    "User",
]
