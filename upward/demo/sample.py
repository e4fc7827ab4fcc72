"""The sample program `flask demo` puts in an empty database.

One program lead runs a cohort six weeks in: four mentors, four executives, three pairs under
way (one on track, one whose executive cancelled twice in a row, one that never met) and one
match waiting for the executive's answer, with profiles, an agreement, sessions, check-ins and
some pathway progress. Everything is made through the services the site itself uses, so the
demo obeys the same rules; only the dates are set back to make six weeks of history.

It refuses a database that has any account in it: it is for trying Upward, never for a site
people use. Every demo account gets the same random password, printed once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import click
from sqlalchemy import func, select, update

from upward.auth import services as accounts
from upward.extensions import db
from upward.meetings import checkins
from upward.meetings import services as sessions
from upward.models import Meeting, Pair, User
from upward.models.types import utcnow
from upward.pairs import lifecycle, suggestions
from upward.pairs.suggestions import Proposal
from upward.pairspace import services as pairspace
from upward.program import cohorts, people, profiles
from upward.progress import complete_step
from upward.publishing import get_library
from upward.vocabulary import PROGRAM_THEMES

DOMAIN = "demo.example.com"
"""Addresses nobody reads (example.com is reserved for examples)."""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    role: str
    department: str
    level_band: str
    time_zone: str
    availability: tuple[str, ...]
    themes: tuple[str, ...]
    skills: str
    goal: str


LEAD = ("Priya Raman", f"priya@{DOMAIN}")
MENTORS = [
    Person(
        "Tomás Ruiz",
        f"tomas@{DOMAIN}",
        "mentor",
        "Customer Support",
        "early-career",
        "Europe/Madrid",
        ("tue-am", "thu-pm"),
        ("New technology", "Workplace culture"),
        "Prompting AI tools\nSupport macros\nHybrid meetings",
        "Show a leader how the front line really uses AI tools.",
    ),
    Person(
        "Amara Nwosu",
        f"amara@{DOMAIN}",
        "mentor",
        "Marketing",
        "early-career",
        "Europe/London",
        ("mon-pm", "wed-am"),
        ("Marketing and social media",),
        "TikTok for B2B\nLinkedIn video\nCommunity management",
        "Help an executive post in their own voice, not the brand's.",
    ),
    Person(
        "Jun Park",
        f"jun@{DOMAIN}",
        "mentor",
        "Engineering",
        "early-career",
        "Asia/Seoul",
        ("tue-pm", "fri-am"),
        ("New technology", "Diversity and inclusion"),
        "Developer experience\nOpen source\nEmployee resource groups",
        "Make the case for how juniors actually learn here.",
    ),
    Person(
        "Sofia Haddad",
        f"sofia@{DOMAIN}",
        "mentor",
        "Finance",
        "early-career",
        "Europe/Paris",
        ("wed-pm", "thu-am"),
        ("Workplace culture", "Diversity and inclusion"),
        "Flexible work\nOnboarding\nPsychological safety",
        "Give a leader an honest picture of the first year here.",
    ),
]
EXECUTIVES = [
    Person(
        "Diane Okafor",
        f"diane@{DOMAIN}",
        "executive",
        "Operations",
        "executive",
        "Europe/London",
        ("tue-am", "thu-pm"),
        ("New technology",),
        "AI tools in daily work\nHybrid meetings",
        "Use AI tools myself before I ask my teams to.",
    ),
    Person(
        "Robert Lindqvist",
        f"robert@{DOMAIN}",
        "executive",
        "Sales",
        "executive",
        "Europe/Stockholm",
        ("mon-pm", "wed-am"),
        ("Marketing and social media",),
        "LinkedIn\nShort video",
        "Post about our work without a ghostwriter.",
    ),
    Person(
        "Helen Marsh",
        f"helen@{DOMAIN}",
        "executive",
        "Legal",
        "director",
        "America/New_York",
        ("tue-pm", "fri-am"),
        ("Diversity and inclusion",),
        "Inclusive hiring\nEmployee resource groups",
        "Understand why our juniors leave in their second year.",
    ),
    Person(
        "Marcus Webb",
        f"marcus@{DOMAIN}",
        "executive",
        "Product",
        "executive",
        "Europe/Paris",
        ("wed-pm", "thu-am"),
        ("Workplace culture",),
        "Flexible work\nFeedback culture",
        "Hear what my all-hands sound like from the back row.",
    ),
]


class DemoError(click.ClickException):
    """The demo can't be loaded here, with why."""


def load(now: datetime | None = None) -> str:
    """Fill an empty database with the sample program; return the demo accounts' password."""
    if db.session.scalar(select(func.count()).select_from(User)):
        raise DemoError(
            "This database already has accounts: the demo only fills an empty one, so it "
            "never mixes sample people into a real program."
        )
    now = now or utcnow()
    password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
    lead = accounts.register_user(*LEAD, password, "program")
    accounts.set_lead(lead, True)
    cohort = cohorts.create(
        lead,
        cohorts.CohortDraft(
            name="Reverse mentoring, first cohort",
            starts_on=(now - timedelta(weeks=6)).date(),
            ends_on=(now + timedelta(weeks=20)).date(),
            themes=list(PROGRAM_THEMES),
            mentor_capacity=1,
            avoid_same_department=True,
            cadence_days=14,
        ),
        now=now - timedelta(weeks=7),
    )
    users = {}
    for person in (*MENTORS, *EXECUTIVES):
        user = accounts.register_user(person.name, person.email, password, person.role)
        people.add_person(cohort, lead, person.email, person.role)
        profiles.save(
            user,
            profiles.ProfileDraft(
                department=person.department,
                level_band=person.level_band,
                time_zone=person.time_zone,
                availability=list(person.availability),
                manager_email="",
            ),
        )
        [(membership, _)] = profiles.list_memberships(user.id)
        profiles.save_membership(
            membership, cohort, list(person.themes), person.skills, person.goal
        )
        users[person.email] = user
    mentors = [users[p.email] for p in MENTORS]
    executives = [users[p.email] for p in EXECUTIVES]
    # The lead takes matching's suggestions as they are: the profiles were written to fit.
    run = suggestions.run_matching(cohort, on=now.date())
    lifecycle.propose(
        cohort,
        [
            Proposal(row.executive.id, row.mentor.id, row.score or 0.0, row.reasons)
            for row in run.rows
            if row.mentor is not None
        ],
        lead,
    )
    pair_of = {pair.executive_id: pair for pair in db.session.scalars(select(Pair))}
    pairs = [pair_of[executive.id] for executive in executives if executive.id in pair_of]
    for pair in pairs[:3]:
        lifecycle.accept(pair, pair.mentor_id)
        lifecycle.accept(pair, pair.executive_id)
    for pair in pairs[3:]:
        lifecycle.accept(pair, pair.mentor_id)  # waiting for the executive's answer
    for pair, weeks in zip(pairs[:3], (5, 5, 3), strict=False):
        started = now - timedelta(weeks=weeks)
        db.session.execute(update(Pair).where(Pair.id == pair.id).values(started_at=started))
    db.session.commit()
    by_id = {user.id: user for user in (*mentors, *executives)}
    if len(pairs) >= 2:
        first, second = pairs[0], pairs[1]
        on_track(first, by_id[first.mentor_id], by_id[first.executive_id], now)
        slipping(second, by_id[second.mentor_id], by_id[second.executive_id], now)
    # pairs[2] never met: health says so after 14 days without a first session.
    learn(mentors, executives)
    return password


def book(pair: Pair, by: User, day: date, at: time, count: int, now: datetime) -> list[Meeting]:
    """Book sessions as if on the day before the first one."""
    booked = sessions.book_series(
        pair,
        by,
        day=day,
        at=at,
        count=count,
        minutes=45,
        location="Video call",
        submission=None,
        now=datetime.combine(day, at, tzinfo=now.tzinfo) - timedelta(days=1),
    )
    return booked.meetings


def on_track(pair: Pair, mentor: User, executive: User, now: datetime) -> None:
    """Two sessions held with check-ins, an agreement both signed, the next one in two days."""
    agreement = pairspace.AgreementText(
        goals="Diane uses two AI tools in her own week and can say where they help and don't.",
        scope="Tools and habits, not team performance or anyone's job.",
        themes=("New technology",),
        session_format="video",
        session_minutes=45,
        cadence_days=14,
        confidentiality="What we say stays between us unless we both agree to share it.",
    )
    saved = pairspace.save_agreement(pair, mentor.id, agreement, 0)
    for person in (mentor, executive):
        pairspace.agree(pair, person.id, saved.version)
    first = (now - timedelta(days=26)).date()  # then 12 days ago, then in 2 days
    held = book(pair, mentor, first, time(9, 30), 3, now)
    template = get_library().page("biweekly-checkin")
    for meeting in held[:2]:
        sessions.mark_held(pair, meeting, mentor, now=meeting.starts_at + timedelta(hours=1))
        for person, who, learned in (
            (mentor, "Mentor", "Diane asks better questions when she has tried the tool first."),
            (
                executive,
                "Executive",
                "Asking the tool to critique my draft beat asking it to write.",
            ),
        ):
            if template is not None:
                checkins.save_checkin(
                    meeting,
                    person,
                    template,
                    {
                        "checkin_date": meeting.starts_at.date(),
                        "who": who,
                        "learned": learned,
                        "would_change": "Start with ten minutes of hands-on before we talk.",
                        "usefulness": 4,
                        "candor": 4 if who == "Executive" else 3,
                    },
                    title=f"Check-in, {meeting.starts_at:%-d %B}",
                    draft=False,
                )
    pairspace.add_action(
        pair,
        executive.id,
        what="Draft next week's update with an AI tool, then edit it by hand.",
        owner_id=executive.id,
        due_on=(now + timedelta(days=5)).date(),
        submission=None,
        today=now.date(),
    )


def slipping(pair: Pair, mentor: User, executive: User, now: datetime) -> None:
    """One session held, then the next two cancelled by the executive: at risk, health says why."""
    first = (now - timedelta(days=26)).date()  # then 12 days ago, then in 2 days
    booked = book(pair, mentor, first, time(14, 0), 3, now)
    sessions.mark_held(pair, booked[0], mentor, now=booked[0].starts_at + timedelta(hours=1))
    for meeting in booked[1:]:
        cancelled_at = min(now, meeting.starts_at - timedelta(days=1))
        sessions.cancel(pair, meeting, executive, now=cancelled_at)


def learn(mentors: list[User], executives: list[User]) -> None:
    """Each person has done some of their track's first pathway; some have finished it."""
    library = get_library()
    for group, audience in ((mentors, "mentor"), (executives, "executive")):
        pathway = next((p for p in library.pathways.values() if p.audience == audience), None)
        if pathway is None:
            continue
        for done, person in zip((99, 3, 2, 1), group, strict=False):
            for step_id in pathway.step_ids[:done]:
                page = library.page(step_id)
                if page is not None:
                    complete_step(person.id, page)
