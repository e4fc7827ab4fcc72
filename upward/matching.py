"""Suggested pairs for a cohort: candidates in, the best whole-cohort assignment out.

Pure Python with SciPy: no Flask, no database. `suggest` scores every allowed executive and
mentor pairing, then solves one global assignment (`scipy.optimize.linear_sum_assignment`), so
an early executive never takes the mentor a later one needed more. A mentor who may take several
executives appears as several columns. Each suggestion carries its score and plain reasons; each
person left out is listed with why.

The score (0 to 100) adds four parts:

- fit (50): how much of what the executive wants (themes and skills) the mentor coaches. Skill
  phrases are compared as search terms (British or American spelling, stems, no stop words) with
  rapidfuzz, so "data visualisation" meets "data visualization dashboards";
- shared times (20): the hours a week their free slots overlap, each slot read in its owner's
  time zone;
- time zones (15): how many hours apart they work;
- level gap (15): reverse mentoring wants the mentor clearly junior to the executive.

Hard rules are never traded for score: nobody is paired with their own line manager (either
way round), nor within one department when the cohort says so, nor again after one of them
declined that match.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from rapidfuzz import fuzz

from upward.content.words import get_term, get_words, is_stop_word
from upward.vocabulary import LEVEL_BANDS, SLOTS

WEIGHTS = {"fit": 50.0, "times": 20.0, "zones": 15.0, "level": 15.0}
"""What each part of the score is worth; they add up to 100."""

CLOSE = 75.0
"""A phrase similarity (0-100) from which a mentor 'coaches' what the executive wants."""
RELATED = 60.0
"""From here a mentor's phrase is related: half way to coaching it."""
ENOUGH_HOURS = 3
"""Shared free hours a week that make booking a fortnightly session easy."""
FAR_HOURS = 8
"""Hours apart at which time zones stop helping at all."""
WEAK = 40.0
"""Suggestions scoring below this are marked weak: worth a second look before proposing."""

SLOT_HOURS = {"am": range(9, 12), "pm": range(13, 17)}
"""The local hours a morning or an afternoon slot stands for."""
DAYS = ("mon", "tue", "wed", "thu", "fri")
LEVELS = list(LEVEL_BANDS)
"""Level bands from the most junior to the most senior."""

MATCH_BONUS = 1000.0
"""Added to every allowed pairing before solving: matching one more person beats any score."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person in the cohort as matching sees them."""

    id: int
    name: str
    email: str = ""
    themes: Sequence[str] = ()
    skills: Sequence[str] = ()
    department: str = ""
    level_band: str = ""
    time_zone: str = "UTC"
    availability: Collection[str] = ()
    manager_email: str = ""
    capacity: int = 1
    """For a mentor: how many more executives they may take now."""

    @property
    def first_name(self) -> str:
        """Return the name a reason calls them by."""
        return first_name(self.name)


@lru_cache(maxsize=4096)
def first_name(name: str) -> str:
    """Return the first word of a name ('Someone' for no name)."""
    return name.split()[0] if name.strip() else "Someone"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested pair with its score and the reasons for it."""

    executive_id: int
    mentor_id: int
    score: float
    reasons: tuple[str, ...]

    @property
    def weak(self) -> bool:
        """Tell whether the lead should look twice before proposing it."""
        return self.score < WEAK


@dataclass(frozen=True, slots=True)
class Unmatched:
    """Someone matching left out, and why."""

    person_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class Result:
    """What a matching run suggests for a cohort."""

    suggestions: tuple[Suggestion, ...]
    executives: tuple[Unmatched, ...] = ()
    """Executives left without a mentor."""
    mentors: tuple[Unmatched, ...] = ()
    """Mentors left with a free place."""
    places: int = 0
    """How many executives the mentors can take between them."""
    options: dict[int, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    """Per executive: the mentors with room the rules allow, as (mentor id, score), best first."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The cohort's hard rules."""

    avoid_same_department: bool = True
    declined: Collection[tuple[int, int]] = ()
    """(mentor id, executive id) matches one of the two already declined."""


@dataclass(frozen=True, slots=True)
class Scored:
    """One allowed pairing, scored."""

    score: float
    reasons: tuple[str, ...]


# Words and phrases ---------------------------------------------------------------------------


def normalise(phrase: str) -> str:
    """Return a phrase as sorted search terms without stop words, for fuzzy comparison."""
    words = [w for w in get_words(phrase) if not is_stop_word(w)]
    return " ".join(sorted({get_term(w) for w in words}))


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """Return how alike two normalised phrases are, 0-100 (order of words does not matter)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    # token_set alone calls "AI" the same as "generative AI tools"; the sort ratio tempers it.
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


@dataclass(frozen=True)
class Person:
    """A candidate with what matching works out once: phrases, free hours in UTC, offset."""

    candidate: Candidate
    on: date

    @cached_property
    def phrases(self) -> list[tuple[str, str]]:
        """Return (as typed, normalised) for each theme and skill, without repeats."""
        seen: dict[str, str] = {}
        for phrase in (*self.candidate.themes, *self.candidate.skills):
            key = normalise(phrase)
            if key and key not in seen:
                seen[key] = phrase.strip()
        return [(typed, key) for key, typed in seen.items()]

    @cached_property
    def zone(self) -> ZoneInfo:
        """Return the person's time zone (UTC when it is unknown)."""
        try:
            return ZoneInfo(self.candidate.time_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @cached_property
    def hours(self) -> dict[int, str]:
        """Return the person's free hours as hours of a UTC week, each with its slot id."""
        monday = self.on - timedelta(days=self.on.weekday())
        found: dict[int, str] = {}
        for slot in self.candidate.availability:
            day, _, part = slot.partition("-")
            if day not in DAYS or part not in SLOT_HOURS:
                continue
            local_day = monday + timedelta(days=DAYS.index(day))
            for hour in SLOT_HOURS[part]:
                local = datetime(local_day.year, local_day.month, local_day.day, hour)
                utc = local.replace(tzinfo=self.zone).astimezone(ZoneInfo("UTC"))
                week_hour = ((utc.date() - monday).days % 7) * 24 + utc.hour
                found[week_hour] = slot
        return found

    @cached_property
    def offset_hours(self) -> float:
        """Return the person's offset from UTC in hours, in the week matched."""
        noon = datetime(self.on.year, self.on.month, self.on.day, 12, tzinfo=self.zone)
        offset = noon.utcoffset() or timedelta()
        return offset.total_seconds() / 3600

    @cached_property
    def level(self) -> int | None:
        """Return the person's level band as a rank (0 = most junior), or None."""
        band = self.candidate.level_band
        return LEVELS.index(band) if band in LEVELS else None


# The hard rules ------------------------------------------------------------------------------


def same(a: str, b: str) -> bool:
    """Tell whether two names of a thing (department, address) are the same, loosely."""
    return bool(a.strip()) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def refusal(mentor: Candidate, executive: Candidate, rules: Rules) -> str | None:
    """Return why the hard rules forbid this pairing, or None when it is allowed."""
    if same(executive.manager_email, mentor.email):
        return "line manager"
    if same(mentor.manager_email, executive.email):
        return "line manager"
    if rules.avoid_same_department and same(mentor.department, executive.department):
        return "department"
    if (mentor.id, executive.id) in rules.declined:
        return "declined"
    return None


# Scoring -------------------------------------------------------------------------------------


def score_pair(mentor: Person, executive: Person) -> Scored:
    """Return the score of an allowed pairing and its reasons, the strongest first."""
    fit, fit_reasons = score_fit(mentor, executive)
    times, time_reasons = score_times(mentor, executive)
    zones, zone_reasons = score_zones(mentor, executive)
    level, level_reasons = score_level(mentor, executive)
    total = (
        WEIGHTS["fit"] * fit
        + WEIGHTS["times"] * times
        + WEIGHTS["zones"] * zones
        + WEIGHTS["level"] * level
    )
    reasons = (*fit_reasons, *time_reasons, *zone_reasons, *level_reasons)
    return Scored(round(total, 1), reasons)


def score_fit(mentor: Person, executive: Person) -> tuple[float, list[str]]:
    """Return how much of what the executive wants the mentor coaches (0-1), with reasons."""
    m, e = mentor.candidate.first_name, executive.candidate.first_name
    wants = executive.phrases
    if not wants:
        return 0.5, [f"{e} hasn't said what they want to learn yet."]
    offers = mentor.phrases
    credit = 0.0
    coached: list[str] = []
    related: list[tuple[str, str]] = []
    missing: list[str] = []
    for typed, key in wants:
        best, best_typed = 0.0, ""
        for offer_typed, offer_key in offers:
            alike = similarity(key, offer_key)
            if alike > best:
                best, best_typed = alike, offer_typed
        if best >= CLOSE:
            credit += best / 100
            coached.append(typed)
        elif best >= RELATED:
            credit += best / 200
            related.append((typed, best_typed))
        else:
            missing.append(typed)
    reasons = []
    if coached:
        reasons.append(f"{e} wants {join(coached)}; {m} coaches {it(coached)}.")
    for want, offer in related:
        reasons.append(f"{e} wants {want}; {m} coaches {offer}, which is close.")
    if missing and (coached or related):
        reasons.append(f"Not covered: {join(missing)}.")
    elif missing:
        reasons.append(f"{m} coaches none of what {e} wants ({join(missing)}).")
    return credit / len(wants), reasons


def score_times(mentor: Person, executive: Person) -> tuple[float, list[str]]:
    """Return how well their free times overlap (0-1), with the reason."""
    m, e = mentor.candidate.first_name, executive.candidate.first_name
    if not mentor.hours or not executive.hours:
        who = " and ".join(p.candidate.first_name for p in (mentor, executive) if not p.hours)
        return 0.5, [f"Free times not given yet ({who})."]
    shared = sorted(set(mentor.hours) & set(executive.hours))
    if not shared:
        return 0.0, [f"{m} and {e} have no free time in common."]
    slots = list(dict.fromkeys(executive.hours[h] for h in shared))
    labels = join([SLOTS[s] for s in slots])
    hours = len(shared)
    zone_note = "" if mentor.offset_hours == executive.offset_hours else f" ({e}'s time)"
    amount = "1 hour" if hours == 1 else f"{hours} hours"
    return min(1.0, hours / ENOUGH_HOURS), [f"Both are free {amount} a week: {labels}{zone_note}."]


def score_zones(mentor: Person, executive: Person) -> tuple[float, list[str]]:
    """Return how close their time zones are (0-1), with the reason when they differ."""
    apart = abs(mentor.offset_hours - executive.offset_hours)
    if apart == 0:
        return 1.0, []
    hours = f"{apart:g} hour{'' if apart == 1 else 's'}"
    text = f"They work {hours} apart ({mentor.zone.key} and {executive.zone.key})"
    if apart >= 5:
        text += ": sessions will be early or late for one of them"
    return max(0.0, 1 - apart / FAR_HOURS), [text + "."]


def score_level(mentor: Person, executive: Person) -> tuple[float, list[str]]:
    """Return how well the mentor's level suits reverse mentoring (0-1), with the reason."""
    if mentor.level is None or executive.level is None:
        return 0.5, []
    m, e = mentor.candidate.first_name, executive.candidate.first_name
    gap = executive.level - mentor.level
    bands = (
        f"{LEVEL_BANDS[mentor.candidate.level_band]} and "
        f"{LEVEL_BANDS[executive.candidate.level_band].lower()}"
    )
    if gap <= 0:
        return 0.0, [f"{m} is not junior to {e} ({bands}): this is not reverse mentoring."]
    if gap == 1:
        return 0.5, [f"{m} is only one level below {e} ({bands})."]
    return 1.0, []


def join(items: Sequence[str]) -> str:
    """Join phrases as a sentence does: 'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def it(items: Sequence[str]) -> str:
    """Return 'it' or 'them' for a list of things."""
    return "it" if len(items) == 1 else "them"


# Solving -------------------------------------------------------------------------------------


def assign(
    scores: np.ndarray, allowed: np.ndarray, capacity: Sequence[int]
) -> list[tuple[int, int]]:
    """Return (row, column) pairs of the best total score, each column up to its capacity.

    `scores` and `allowed` are executives x mentors. As many people as possible are matched
    first, then the total score is the highest it can be. Each mentor is repeated as many
    columns as their capacity; forbidden cells are never chosen.
    """
    rows, cols = scores.shape
    if rows == 0 or cols == 0:
        return []
    repeat = np.repeat(np.arange(cols), [max(0, c) for c in capacity])
    if repeat.size == 0:
        return []
    # Forbidden cells cost more than leaving someone out (a dummy column of cost 0).
    cost = np.where(allowed, -(MATCH_BONUS + scores), MATCH_BONUS)[:, repeat]
    cost = np.hstack([cost, np.zeros((rows, rows))])
    # Imported here: scipy.optimize takes 0.3 s to import, in every worker that starts.
    from scipy.optimize import linear_sum_assignment

    picked_rows, picked_cols = linear_sum_assignment(cost)
    return [
        (int(r), int(repeat[c]))
        for r, c in zip(picked_rows, picked_cols, strict=True)
        if c < repeat.size and allowed[r, repeat[c]]
    ]


def suggest(
    executives: Sequence[Candidate],
    mentors: Sequence[Candidate],
    rules: Rules | None = None,
    on: date | None = None,
    max_options: int = 20,
) -> Result:
    """Return the best suggestions for a cohort, and who is left out and why.

    `on` is a day in the week the times are read for (summer time moves zones apart);
    `max_options` caps the other mentors offered per executive when the lead overrides.
    """
    rules = rules or Rules()
    on = on or date.today()
    execs = [Person(c, on) for c in executives]
    ments = [Person(c, on) for c in mentors]
    allowed = np.zeros((len(execs), len(ments)), dtype=bool)
    scores = np.zeros((len(execs), len(ments)))
    scored: dict[tuple[int, int], Scored] = {}
    refusals: list[Counter[str]] = [Counter() for _ in execs]
    mentor_refusals: list[Counter[str]] = [Counter() for _ in ments]
    for i, executive in enumerate(execs):
        for j, mentor in enumerate(ments):
            why = refusal(mentor.candidate, executive.candidate, rules)
            if why is not None:
                refusals[i][why] += 1
                mentor_refusals[j][why] += 1
                continue
            allowed[i, j] = True
            scored[i, j] = found = score_pair(mentor, executive)
            scores[i, j] = found.score
    capacity = [m.candidate.capacity for m in ments]
    picked = assign(scores, allowed, capacity)
    suggestions = sorted(
        (
            Suggestion(
                execs[i].candidate.id,
                ments[j].candidate.id,
                scored[i, j].score,
                scored[i, j].reasons,
            )
            for i, j in picked
        ),
        key=lambda s: -s.score,
    )
    places = sum(max(0, c) for c in capacity)
    matched = {i for i, _ in picked}
    taken = Counter(j for _, j in picked)
    left_out = [
        Unmatched(
            execs[i].candidate.id,
            why_unmatched(execs[i], ments, allowed[i], refusals[i], len(execs), places),
        )
        for i in range(len(execs))
        if i not in matched
    ]
    free = [
        Unmatched(
            ments[j].candidate.id,
            why_free(ments[j], capacity[j] - taken[j], allowed[:, j], mentor_refusals[j]),
        )
        for j in range(len(ments))
        if capacity[j] - taken[j] > 0
    ]
    options = {
        executive.candidate.id: tuple(
            sorted(
                (
                    (ments[j].candidate.id, float(scores[i, j]))
                    for j in range(len(ments))
                    if allowed[i, j] and capacity[j] > 0
                ),
                key=lambda option: -option[1],
            )[:max_options]
        )
        for i, executive in enumerate(execs)
    }
    return Result(tuple(suggestions), tuple(left_out), tuple(free), places, options)


def explain(mentor: Candidate, executive: Candidate, rules: Rules, on: date) -> Scored | str:
    """Return one pairing's score and reasons, or the hard rule that forbids it."""
    why = refusal(mentor, executive, rules)
    if why is not None:
        return why
    return score_pair(Person(mentor, on), Person(executive, on))


REFUSALS = {
    "line manager": ("is their line manager", "are their line managers"),
    "department": ("is in the same department", "are in the same department"),
    "declined": ("was declined before", "were declined before"),
}


def counted(refused: Counter[str]) -> str:
    """Say how many mentors each hard rule ruled out: '2 are in the same department'."""
    parts = []
    for why, (one, many) in REFUSALS.items():
        n = refused[why]
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return join(parts)


def why_unmatched(
    executive: Person,
    mentors: Sequence[Person],
    allowed: np.ndarray,
    refused: Counter[str],
    executives: int,
    places: int,
) -> str:
    """Say why an executive was left without a mentor."""
    e = executive.candidate.first_name
    if not mentors:
        return "The cohort has no mentors yet."
    if not allowed.any():
        rule = " (this cohort keeps departments apart)" if refused["department"] else ""
        return f"No mentor is allowed for {e} by the rules: {counted(refused)}{rule}."
    open_to = [m for m, ok in zip(mentors, allowed, strict=True) if ok]
    with_room = [m.candidate.first_name for m in open_to if m.candidate.capacity > 0]
    if not with_room:
        return f"Every mentor allowed for {e} ({names(open_to)}) is already full."
    if executives > places:
        return (
            f"More executives ({executives}) than mentor places ({places}); the mentors "
            f"allowed for {e} ({names(open_to)}) went to executives they fit better."
        )
    rest = f"; the rules rule out the others: {counted(refused)}" if refused.total() else ""
    return f"Every mentor allowed for {e} ({names(open_to)}) is taken by another executive{rest}."


def names(people: Sequence[Person]) -> str:
    """Name up to three people, then say how many more."""
    first = [p.candidate.first_name for p in people[:3]]
    more = len(people) - len(first)
    return join([*first, f"{more} more"] if more else first)


def why_free(mentor: Person, room: int, allowed: np.ndarray, refused: Counter[str]) -> str:
    """Say why a mentor still has room."""
    m = mentor.candidate.first_name
    places = "1 more executive" if room == 1 else f"{room} more executives"
    if not allowed.size:
        return f"{m} has room for {places}; there are no executives to match yet."
    if not allowed.any():
        return f"{m} has room for {places}, but the rules allow no executive: {counted(refused)}."
    return f"{m} has room for {places}: every executive allowed has a better match or one already."


__all__ = [
    "Candidate",
    "Result",
    "Rules",
    "Suggestion",
    "Unmatched",
    "assign",
    "explain",
    "score_pair",
    "suggest",
]
