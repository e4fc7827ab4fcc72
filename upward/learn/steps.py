"""What happens on a step besides completion: knowledge checks, reflections, change diffs."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date
from typing import TypeVar, cast

from sqlalchemy import CursorResult, Row, bindparam, delete, select

from upward import prefetch
from upward.content import Check, Library, Page, Reflection
from upward.content.readable import Change
from upward.content.readable import get_changes as get_readable_changes
from upward.database import upsert
from upward.extensions import db
from upward.models import CheckAnswer, ReflectionNote, StepVersion
from upward.models.types import utcnow
from upward.progress import get_completions

MAX_NOTE_LENGTH = 20_000
BlockT = TypeVar("BlockT", Check, Reflection)


class InvalidAnswer(ValueError):
    """The answer names a check or option the step does not have."""


class NoteTooLong(ValueError):
    """A note over MAX_NOTE_LENGTH characters; nothing was saved."""

    def __init__(self, text: str) -> None:
        super().__init__(len(text))
        self.text = text
        self.length = len(text)


@dataclass(frozen=True)
class UnsavedNote:
    """Text typed into a note that could not be saved, to show it again."""

    text: str
    updated_at: None = None


@dataclass(frozen=True, slots=True)
class StepActivity:
    """A person's answers and notes on one step, keyed by block id."""

    answers: dict[str, Row]
    """Check id to (check_id, choice)."""
    notes: dict[str, Row | UnsavedNote]
    """Prompt id to (prompt_id, text, updated_at)."""


# Built once: every step page runs both.
ANSWERS = select(CheckAnswer.check_id, CheckAnswer.choice).where(
    CheckAnswer.user_id == bindparam("user_id"), CheckAnswer.step_id == bindparam("step_id")
)
NOTES = select(ReflectionNote.prompt_id, ReflectionNote.text, ReflectionNote.updated_at).where(
    ReflectionNote.user_id == bindparam("user_id"), ReflectionNote.step_id == bindparam("step_id")
)


def get_activity(user_id: int | None, step_id: str) -> StepActivity:
    """Return a person's answers and notes on a step (two small queries)."""
    if user_id is None:
        return StepActivity({}, {})
    found = prefetch.get(user_id)
    if found and found.plan.activity_step == step_id:
        return StepActivity(found.answers, found.notes)  # type: ignore[arg-type]
    params = {"user_id": user_id, "step_id": step_id}
    return StepActivity(
        answers={row.check_id: row for row in db.session.execute(ANSWERS, params)},
        notes={row.prompt_id: row for row in db.session.execute(NOTES, params)},
    )


def find_block(page: Page, kind: type[BlockT], block_id: str) -> BlockT | None:
    """Return the check or reflection block with this id on a page."""
    return next((b for b in page.blocks if isinstance(b, kind) and b.id == block_id), None)


def get_option_order(user_id: int | None, step_id: str, check_id: str, count: int) -> list[int]:
    """Return the order to show a check's options in: shuffled, stable per person and check.

    Authors write the right answer wherever they like; readers see an order that gives nothing
    away and stays the same each time they come back (anonymous readers share one order).
    """
    seed = hashlib.sha256(f"{user_id or 0}:{step_id}:{check_id}".encode()).digest()
    order = list(range(count))
    random.Random(seed).shuffle(order)  # noqa: S311 -- presentation, not security
    return order


def get_option_orders(user_id: int | None, page: Page) -> dict[str, list[int]]:
    """Return the display order of every check on a page, by check id."""
    return {
        block.id: get_option_order(user_id, page.id, block.id, len(block.options))
        for block in page.blocks
        if isinstance(block, Check)
    }


def answer_check(user_id: int, page: Page, check_id: str, choice: int) -> bool:
    """Store a person's answer to a knowledge check (the latest one counts); return if right."""
    check = find_block(page, Check, check_id)
    if check is None or not 0 <= choice < len(check.options):
        raise InvalidAnswer(check_id)
    correct = check.options[choice].correct
    db.session.execute(
        upsert(
            CheckAnswer,
            ["user_id", "step_id", "check_id"],
            keep=("first_correct",),
            user_id=user_id,
            step_id=page.id,
            check_id=check_id,
            choice=choice,
            correct=correct,
            first_correct=correct,
            answered_at=utcnow(),
        )
    )
    db.session.commit()
    return correct


def save_note(user_id: int, page: Page, prompt_id: str, text: str) -> str:
    """Store a person's private note for a reflection prompt; an empty note deletes it.

    Return what happened: "saved", "deleted" (emptied), or "empty" (nothing there, nothing kept).
    """
    if find_block(page, Reflection, prompt_id) is None:
        raise InvalidAnswer(prompt_id)
    # Browsers count a line break as one character and send two (CR LF).
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise NoteTooLong(text)
    if not text:
        result = db.session.execute(
            delete(ReflectionNote).where(
                ReflectionNote.user_id == user_id,
                ReflectionNote.step_id == page.id,
                ReflectionNote.prompt_id == prompt_id,
            )
        )
        db.session.commit()
        return "deleted" if cast(CursorResult, result).rowcount else "empty"
    db.session.execute(
        upsert(
            ReflectionNote,
            ["user_id", "step_id", "prompt_id"],
            user_id=user_id,
            step_id=page.id,
            prompt_id=prompt_id,
            text=text,
            updated_at=utcnow(),
        )
    )
    db.session.commit()
    return "saved"


ALL_NOTES = (
    select(ReflectionNote.step_id, ReflectionNote.prompt_id, ReflectionNote.text)
    .add_columns(ReflectionNote.updated_at)
    .where(ReflectionNote.user_id == bindparam("user_id"))
    .order_by(ReflectionNote.updated_at.desc())
)


def get_notes(user_id: int) -> list[Row]:
    """Return all of a person's reflection notes (step, prompt, text, date), newest first."""
    found = prefetch.get(user_id)
    if found and found.plan.all_notes:
        return found.all_notes  # type: ignore[return-value]
    return list(db.session.execute(ALL_NOTES, {"user_id": user_id}))


def get_changes(page: Page, old_version: str) -> list[Change] | None:
    """Return what a reader would see changed since an earlier version of a step, if known."""
    old = db.session.get(StepVersion, (page.id, old_version))
    if old is None:
        return None
    return get_readable_changes(old.text, page.text)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A knowledge check of a pathway with a person's latest answer to it."""

    page: Page
    check: Check
    choice: int | None
    """The option index last chosen, or None when never answered."""

    @property
    def answered(self) -> bool:
        return self.choice is not None

    @property
    def correct(self) -> bool:
        """Judge the latest answer against the check as it is now (an author may have edited it)."""
        options = self.check.options
        return (
            self.choice is not None
            and 0 <= self.choice < len(options)
            and (options[self.choice].correct)
        )

    @property
    def dom_id(self) -> str:
        """Return an HTML id unique on a page that shows checks of several steps."""
        return f"{self.page.id}--{self.check.id}"


ANSWERS_ON = select(
    CheckAnswer.step_id, CheckAnswer.check_id, CheckAnswer.choice, CheckAnswer.answered_at
).where(CheckAnswer.user_id == bindparam("user_id"))


def get_answers(user_id: int) -> dict[tuple[str, str], Row]:
    """Return a person's latest answers, keyed by (step id, check id)."""
    # Outside a transaction, as the prefetch reads: one round trip, no BEGIN and ROLLBACK.
    with prefetch.connect_for_reading() as conn:
        rows = conn.execute(ANSWERS_ON, {"user_id": user_id}).all()
    return {(row.step_id, row.check_id): row for row in rows}


def get_check_results(user_id: int, pages: list[Page]) -> list[CheckResult]:
    """Return every check on these steps, in order, with the person's latest answer."""
    answers = get_answers(user_id)
    results = []
    for page in pages:
        for block in page.blocks:
            if isinstance(block, Check):
                answer = answers.get((page.id, block.id))
                results.append(CheckResult(page, block, answer.choice if answer else None))
    return results


PRACTICE_COUNT = 2
"""How many earlier checks come back by default (a template says how many it wants)."""


def get_practice(
    user_id: int, library: Library, count: int = PRACTICE_COUNT, today: date | None = None
) -> list[CheckResult]:
    """Pick earlier checks, from published steps the person completed, to practise again."""
    done = [
        page
        for step_id in get_completions(user_id)
        if (page := library.page(step_id)) is not None and page.kind == "step" and not page.draft
    ]
    done.sort(key=lambda page: page.id)
    return choose_practice(user_id, done, today or date.today(), count)


def choose_practice(
    user_id: int, done_pages: list[Page], today: date, count: int = PRACTICE_COUNT
) -> list[CheckResult]:
    """Pick earlier checks to practise again: missed ones first, then the longest ago.

    Only checks on steps the person has completed come back. Among equals the pick is seeded by
    the fortnight, so it changes from one check-in to the next but not on a reload; a check
    answered right goes to the back of the queue.
    """
    answers = get_answers(user_id)
    fortnight = today.toordinal() // 14
    candidates = []
    for result in get_check_results(user_id, done_pages):
        answer = answers.get((result.page.id, result.check.id))
        rank = 0 if result.answered and not result.correct else 1 if not result.answered else 2
        when = answer.answered_at.timestamp() if answer else 0.0
        shuffle = hashlib.sha256(f"{user_id}:{fortnight}:{result.dom_id}".encode()).hexdigest()
        candidates.append((rank, when if rank == 2 else 0.0, shuffle, result))
    candidates.sort(key=lambda c: c[:3])
    return [c[3] for c in candidates[:count]]
