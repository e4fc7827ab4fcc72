"""Participant profiles: what matching needs to know of a person, and what they bring to a cohort.

A profile is private to the person and the leads of the cohorts they are in; the lead's page
checks that with `upward.program.access` and this module's `get_for_lead`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import select

from upward.auth import services as accounts
from upward.extensions import db
from upward.models import Cohort, Membership, Profile, User
from upward.program import access
from upward.vocabulary import LEVEL_BANDS, SLOTS

MAX_SKILLS = 10
MAX_SKILL_LENGTH = 80


class ProfileError(ValueError):
    """A profile change that can't be saved, with the reason to show."""


@cache
def time_zones() -> frozenset[str]:
    """Return the IANA zone names this machine knows ('Europe/London', 'America/New_York')."""
    return frozenset(available_timezones())


def zone_choices() -> list[str]:
    """Return the zone names people pick from, Area/City ones first, sorted."""
    zones = time_zones()
    named = sorted(z for z in zones if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [*named, "UTC"]


def check_zone(name: str) -> str:
    """Return an IANA zone name as written, or raise ProfileError naming the problem."""
    name = name.strip()
    if name in time_zones():
        return name
    near = [z for z in time_zones() if z.lower() == name.lower()]
    if near:
        return near[0]
    raise ProfileError(
        f"“{name}” isn't a time zone we know. Use a name like Europe/London or America/New_York."
    )


@dataclass(frozen=True, slots=True)
class ProfileDraft:
    department: str
    level_band: str
    time_zone: str
    availability: list[str]
    manager_email: str


def get(user_id: int) -> Profile | None:
    """Return a person's profile, if they wrote one."""
    return db.session.get(Profile, user_id)


def save(user: User, draft: ProfileDraft) -> Profile:
    """Save a person's own profile."""
    if draft.level_band and draft.level_band not in LEVEL_BANDS:
        raise ProfileError("Choose one of the level bands shown.")
    unknown = [slot for slot in draft.availability if slot not in SLOTS]
    if unknown:
        raise ProfileError("Choose times from the ones shown.")
    zone = check_zone(draft.time_zone) if draft.time_zone.strip() else ""
    manager = accounts.normalize_email(draft.manager_email) if draft.manager_email else ""
    if manager and manager == user.email:
        raise ProfileError("That's your own address: give your line manager's.")
    profile = get(user.id)
    if profile is None:
        profile = Profile(user_id=user.id)
        db.session.add(profile)
    profile.department = " ".join(draft.department.split())
    profile.level_band = draft.level_band
    profile.time_zone = zone
    profile.availability = [slot for slot in SLOTS if slot in draft.availability]
    profile.manager_email = manager
    db.session.commit()
    return profile


def fill_in(user_id: int, department: str, manager_email: str) -> None:
    """Fill in the department and line manager HR gave, where the person left them blank."""
    if not department and not manager_email:
        return
    profile = db.session.get(Profile, user_id)
    if profile is None:
        profile = Profile(user_id=user_id, department="", manager_email="")
        db.session.add(profile)
    if department and not profile.department:
        profile.department = department[:120]
    if manager_email and not profile.manager_email:
        profile.manager_email = accounts.normalize_email(manager_email)


def list_memberships(user_id: int) -> list[tuple[Membership, Cohort]]:
    """Return the cohorts a person is in now, newest first, with their membership."""
    rows = db.session.execute(
        select(Membership, Cohort)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id == user_id, Membership.left_at.is_(None))
        .order_by(Cohort.starts_on.desc())
    )
    return [(membership, cohort) for membership, cohort in rows]


def get_own_membership(user: User, cohort_id: int) -> tuple[Membership, Cohort] | None:
    """Return the person's own membership of a cohort, or None (the page answers 404)."""
    return next((pair for pair in list_memberships(user.id) if pair[1].id == cohort_id), None)


def split_skills(text: str) -> list[str]:
    """Return skills typed one per line or separated by commas, trimmed, without repeats."""
    seen: set[str] = set()
    skills: list[str] = []
    for piece in text.replace(",", "\n").splitlines():
        skill = " ".join(piece.split())
        if skill and skill.casefold() not in seen:
            seen.add(skill.casefold())
            skills.append(skill)
    return skills


def save_membership(
    membership: Membership, cohort: Cohort, themes: list[str], skills_text: str, goal: str
) -> None:
    """Save what a person brings to a cohort: themes from its list, skills, a goal."""
    offered = set(cohort.themes)
    if any(theme not in offered for theme in themes):
        raise ProfileError("Choose themes from this cohort's list.")
    skills = split_skills(skills_text)
    if len(skills) > MAX_SKILLS:
        raise ProfileError(f"List at most {MAX_SKILLS} skills: the few that matter most.")
    long = next((s for s in skills if len(s) > MAX_SKILL_LENGTH), None)
    if long:
        raise ProfileError(
            f"Keep each skill to {MAX_SKILL_LENGTH} characters or fewer: “{long[:40]}…”."
        )
    membership.themes = [theme for theme in cohort.themes if theme in themes]
    membership.skills = skills
    membership.goal = goal.strip()
    db.session.commit()


@dataclass(frozen=True, slots=True)
class LeadView:
    """A participant's profile as a lead of one of their cohorts sees it."""

    user: User
    cohort: Cohort
    membership: Membership
    profile: Profile | None


def get_for_lead(viewer: User, cohort_id: int, user_id: int) -> LeadView | None:
    """Return a person's profile for a lead of their cohort; None for anyone else (404)."""
    if not access.can_lead(viewer, cohort_id):
        return None
    row = db.session.execute(
        select(Membership, Cohort, User)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.cohort_id == cohort_id,
            Membership.user_id == user_id,
            Membership.left_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    membership, cohort, user = row
    return LeadView(user, cohort, membership, get(user_id))
