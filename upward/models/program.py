"""The mentoring program: cohorts and who is in them, profiles, invitations, and what pairs do.

A lead runs cohorts; people join one as mentor or executive mentee; the lead matches them into
pairs (`upward.models.pairs`), which agree goals, meet, check in, keep action items and share
templates with each other. Health is never stored: `upward.health` works it out from meetings.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from upward.extensions import Model
from upward.models.types import UTCDateTime, user_fk, utcnow

DEFAULT_CADENCE_DAYS = 14
"""Pairs meet every two weeks unless their agreement says otherwise."""


def optional_user_fk() -> ForeignKey:
    """Return a foreign key to who did something; it is forgotten (NULL) when they are deleted."""
    return ForeignKey("users.id", ondelete="SET NULL")


def pair_fk() -> ForeignKey:
    """Return a foreign key to the owning pair; the row goes when the pair does."""
    return ForeignKey("pairs.id", ondelete="CASCADE")


class Cohort(Model):
    """One run of the program: a group of mentors and executives matched into pairs."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The themes on offer, as labels: the vocabulary's program themes or the lead's own list."""
    mentor_capacity: Mapped[int] = mapped_column(default=1)
    """How many executives one mentor may take; more than one only when the lead allows it."""
    avoid_same_department: Mapped[bool] = mapped_column(default=True)
    """Matching never pairs two people of one department when set."""
    cadence_days: Mapped[int] = mapped_column(default=DEFAULT_CADENCE_DAYS)
    """How often new pairs of this cohort meet, until their agreement says otherwise."""
    created_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class CohortLead(Model):
    """A program lead of one cohort: they see its people, pairs and reports, and no others."""

    __tablename__ = "cohort_leads"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Model):
    """A person in a cohort, in the role they play there, with what they offer or seek."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(user_fk(), index=True)
    role: Mapped[str] = mapped_column(String(20))
    """'mentor' or 'executive' (the vocabulary's ROLES)."""
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Themes of the cohort's list: what a mentor can coach or an executive wants to learn."""
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Short skills in the person's words ("social media for B2C", "generative AI tools")."""
    goal: Mapped[str] = mapped_column(Text, default="")
    """What they hope to get from the program, in a sentence or two."""
    capacity: Mapped[int | None] = mapped_column(default=None)
    """A mentor's own limit of executives, under the cohort's; None takes the cohort's."""
    added_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Profile(Model):
    """What matching needs to know of a person; private to them and the leads of their cohorts."""

    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True)
    department: Mapped[str] = mapped_column(String(120), default="")
    level_band: Mapped[str] = mapped_column(String(40), default="")
    """A band such as 'graduate', 'associate', 'director', 'executive' (see the vocabulary)."""
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    """An IANA zone name ('Europe/London'); session times are shown and sent in it."""
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The times that suit, as slot ids such as 'tue-am' (the vocabulary's SLOTS)."""
    manager_email: Mapped[str] = mapped_column(String(254), default="")
    """Their line manager's work address: matching never pairs them with that person."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Invitation(Model):
    """A link that makes someone a program lead or puts them in a cohort; it works once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    """'lead' (become a program lead) or 'cohort' (join a cohort in `role`)."""
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), default=None
    )
    role: Mapped[str | None] = mapped_column(String(20), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    """Who it was sent to, when it was sent to one person (an HR import); None for open links."""
    name: Mapped[str | None] = mapped_column(String(120), default=None)
    details: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    """What an HR import said of the person (department, manager_email), for their profile."""
    created_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    used_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Agreement(Model):
    """What a pair agreed: goals and scope, themes, how sessions run, what stays between them."""

    __tablename__ = "agreements"

    pair_id: Mapped[int] = mapped_column(pair_fk(), primary_key=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    """What is in and out of bounds (the executive's own team, their public posts, ...)."""
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    session_format: Mapped[str] = mapped_column(String(20), default="video")
    """'video', 'in-person' or 'mixed' (the vocabulary's SESSION_FORMATS)."""
    session_minutes: Mapped[int] = mapped_column(default=45)
    confidentiality: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    """Bumped by every save: a save made from an older version is refused, never overwritten."""
    updated_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    mentor_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    executive_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    """When each partner said yes to this version; an edit clears both."""


class Meeting(Model):
    """One session of a pair: planned, then held or cancelled; moving it keeps its identity."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_pair_starts", "pair_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(pair_fk())
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    """The iCalendar UID: the same on every download, so an edit updates the calendar entry."""
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(default=45)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    """The zone it was planned in; each person still sees it in their own."""
    location: Mapped[str] = mapped_column(String(300), default="")
    """A room or a video link."""
    status: Mapped[str] = mapped_column(String(20), default="planned")
    """'planned', 'held' or 'cancelled' (the vocabulary's MEETING_STATUSES)."""
    status_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    """Who marked it held or cancelled."""
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    moved_count: Mapped[int] = mapped_column(default=0)
    moved_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    """Who moved it last."""
    sequence: Mapped[int] = mapped_column(default=0)
    """The iCalendar SEQUENCE: bumped by every change calendars must pick up."""
    created_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ActionItem(Model):
    """Something a partner said they would do: what, who, by when, and whether it is done."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(pair_fk(), index=True)
    what: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by_id: Mapped[int | None] = mapped_column(optional_user_fk(), default=None)
    submission_id: Mapped[str | None] = mapped_column(String(32), default=None, unique=True)
    """The form submission that created it: a double click finds it rather than a twin."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PairShare(Model):
    """A filled-in template its author shared with their partner in one pair, and only that one."""

    __tablename__ = "pair_shares"

    pair_id: Mapped[int] = mapped_column(pair_fk(), primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("template_entries.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    """When the partner first opened it (the author is told they read it)."""


class CalendarFeed(Model):
    """A person's private iCalendar feed address; a new secret revokes the old address."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(user_fk(), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
