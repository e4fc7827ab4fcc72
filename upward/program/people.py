"""People in cohorts: adding one person, importing an HR export, and who a lead may see.

A person with an account is put in the cohort at once; a new address gets an invitation mail
(`upward.program.invitations`). A lead sees names and work email only of people in the cohorts
they lead (`upward.program.access` says which).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from upward.auth import services as accounts
from upward.extensions import db
from upward.mail import outbox
from upward.models import Cohort, Membership, Profile, User
from upward.models.types import utcnow
from upward.program import access, invitations, profiles
from upward.vocabulary import PARTICIPANT_ROLES

MAX_IMPORT_ROWS = 5000
"""An HR export bigger than this is several programs: split it."""


class PeopleError(ValueError):
    """A change to a cohort's people that can't be made, with the reason to show."""


@dataclass(frozen=True, slots=True)
class Added:
    """What adding one person did."""

    outcome: str
    """'added' (had an account), 'invited' (mail queued), 'already' (in the cohort) or
    'already invited' (an open invitation exists)."""
    name: str
    email: str
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row of an import that was left out, with its line in the file and why."""

    line: int
    text: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    """What an import did, row by row."""

    added: list[Added] = field(default_factory=list)
    invited: list[Added] = field(default_factory=list)
    unchanged: list[Added] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    malformed: list[RowProblem] = field(default_factory=list)
    """Rows whose address is not an address: listed, never mailed."""
    message_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.added) + len(self.invited) + len(self.unchanged)


# One person ------------------------------------------------------------------------------------


def check_address(email: str) -> str:
    """Return a well-formed address in the form accounts use, or raise PeopleError."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise PeopleError(f"“{email}” isn't an email address: {error}") from None
    return accounts.normalize_email(email)


def add_person(
    cohort: Cohort,
    by: User,
    email: str,
    role: str,
    name: str = "",
    *,
    department: str = "",
    manager_email: str = "",
    now: datetime | None = None,
) -> Added:
    """Put a person with an account in a cohort, or invite a new address to join it."""
    if cohort.archived_at is not None:
        raise PeopleError("This cohort is closed. Reopen it to add people.")
    if role not in PARTICIPANT_ROLES:
        raise PeopleError("Choose mentor or executive mentee.")
    email = check_address(email)
    now = now or utcnow()
    user = accounts.get_user_by_email(email)
    if user is not None:
        profiles.fill_in(user.id, department, manager_email)
        if not invitations.join(cohort.id, user.id, role, added_by_id=by.id, now=now):
            db.session.commit()
            return Added("already", user.name, user.email)
        db.session.commit()
        return Added("added", user.name, user.email, tell_joined(cohort.id, user))
    existing = invitations.find_twin(by, "cohort", cohort.id, role, email, now)
    if existing is not None:
        return Added("already invited", existing.name or name, email)
    details = {"department": department, "manager_email": manager_email}
    invitation = invitations.create(
        by,
        "cohort",
        cohort_id=cohort.id,
        role=role,
        email=email,
        name=name,
        details={key: value for key, value in details.items() if value},
        now=now,
    )
    return Added("invited", name, email, invitations.mail(invitation))


def tell_joined(cohort_id: int, user: User) -> int | None:
    """Queue the mail that tells someone they were added; None if it was queued before."""
    membership = invitations.is_member(cohort_id, user.id)
    if membership is None:
        return None
    return outbox.queue(
        "cohort_joined",
        f"membership {membership.id}",
        to=user.email,
        user_id=user.id,
        params={"membership_id": membership.id},
    )


def remove_person(cohort: Cohort, user_id: int, now: datetime | None = None) -> User | None:
    """Take a person out of a cohort; their account, history and pairs stay."""
    membership = invitations.is_member(cohort.id, user_id)
    if membership is None:
        return None
    membership.left_at = now or utcnow()
    db.session.commit()
    return db.session.get(User, user_id)


# An HR export ----------------------------------------------------------------------------------

HEADERS = {
    "name": {"name", "fullname", "employeename", "displayname", "person", "participant"},
    "first_name": {"firstname", "givenname", "forename", "first"},
    "last_name": {"lastname", "surname", "familyname", "last"},
    "email": {
        "email",
        "emailaddress",
        "workemail",
        "workemailaddress",
        "mail",
        "businessemail",
        "primaryemail",
    },
    "role": {"role", "programrole", "participantrole", "mentoringrole", "type", "joinsas"},
    "department": {"department", "dept", "team", "businessunit", "division", "function"},
    "manager_email": {
        "manageremail",
        "manageremailaddress",
        "linemanageremail",
        "linemanager",
        "manager",
        "supervisoremail",
        "reportsto",
        "reportstoemail",
    },
}
"""The header names HR systems use for each column, folded (lower case, letters only)."""

ROLE_WORDS = {
    "mentor": "mentor",
    "reversementor": "mentor",
    "juniormentor": "mentor",
    "executive": "executive",
    "executivementee": "executive",
    "mentee": "executive",
    "exec": "executive",
}


def fold(text: str) -> str:
    """Return a header or role as letters only, lower case: 'Manager E-mail' -> 'manageremail'."""
    return re.sub(r"[^a-z]", "", text.lower())


def decode(data: bytes) -> str:
    """Read a file as UTF-8 (with or without Excel's BOM), else as Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(first_line: str) -> str:
    """Return the separator a header line uses: comma, semicolon (European Excel) or tab."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


FUZZY = (
    ("manager_email", ("manager", "supervisor", "reportsto")),
    ("first_name", ("firstname", "givenname")),
    ("last_name", ("lastname", "surname", "familyname")),
    ("email", ("mail",)),
    ("role", ("role",)),
    ("department", ("department", "dept")),
    ("name", ("name",)),
)
"""When no header matches exactly: the words a header contains ('Programme Role' is a role)."""


def map_columns(header: list[str]) -> dict[str, int]:
    """Return which column holds each field, by its header's folded name."""
    columns: dict[str, int] = {}
    folded = [fold(title) for title in header]
    for index, title in enumerate(folded):
        for key, names in HEADERS.items():
            if title in names and key not in columns:
                columns[key] = index
    for index, title in enumerate(folded):
        if index in columns.values():
            continue
        for key, words in FUZZY:
            if key not in columns and any(word in title for word in words):
                columns[key] = index
                break
    return columns


def parse_role(value: str, default: str) -> str | None:
    """Return the participant role a cell names (or the default for a blank one), else None."""
    folded = fold(value)
    if not folded:
        return default or None
    return ROLE_WORDS.get(folded)


def import_people(
    cohort: Cohort, by: User, data: bytes, default_role: str = "", now: datetime | None = None
) -> ImportReport:
    """Import an HR export: good rows in, bad rows listed with their line and why.

    Importing the same file again changes nothing: people already in the cohort and addresses
    with an open invitation are counted as unchanged, and nobody is mailed twice.
    """
    if cohort.archived_at is not None:
        raise PeopleError("This cohort is closed. Reopen it to add people.")
    text = decode(data)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise PeopleError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(lines[0]))
    header = next(reader)
    columns = map_columns(header)
    if "email" not in columns:
        raise PeopleError(
            "The file has no email column. The first line should name the columns, such as: "
            "name,email,role,department,manager_email"
        )
    if "role" not in columns and not default_role:
        raise PeopleError(
            "The file has no role column. Add one (mentor or executive), or choose the role "
            "for rows that don't say."
        )
    report = ImportReport()
    seen: dict[str, int] = {}
    now = now or utcnow()
    rows = 0
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > MAX_IMPORT_ROWS:
            raise PeopleError(
                f"The file has more than {MAX_IMPORT_ROWS} people. Split it and import each part."
            )
        import_row(cohort, by, row, line, columns, default_role, seen, report, now)
    if not rows:
        raise PeopleError("The file has a header line but nobody in it.")
    db.session.commit()
    return report


def cell(row: list[str], columns: dict[str, int], key: str) -> str:
    """Return a row's value for a field, trimmed ('' when the row is short)."""
    index = columns.get(key)
    if index is None or index >= len(row):
        return ""
    return " ".join(row[index].split())


def import_row(
    cohort: Cohort,
    by: User,
    row: list[str],
    line: int,
    columns: dict[str, int],
    default_role: str,
    seen: dict[str, int],
    report: ImportReport,
    now: datetime,
) -> None:
    """Import one row, or list it with why it was left out."""
    shown = ", ".join(cell.strip() for cell in row)[:200]
    email = cell(row, columns, "email")
    name = cell(row, columns, "name") or " ".join(
        part for part in (cell(row, columns, "first_name"), cell(row, columns, "last_name")) if part
    )
    if not email:
        report.problems.append(RowProblem(line, shown, "No email address."))
        return
    try:
        email = check_address(email)
    except PeopleError:
        report.malformed.append(
            RowProblem(line, shown, f"“{email}” isn't an email address, so nobody was mailed.")
        )
        return
    if email in seen:
        report.problems.append(
            RowProblem(line, shown, f"{email} is already on line {seen[email]} of this file.")
        )
        return
    seen[email] = line
    role = parse_role(cell(row, columns, "role"), default_role)
    if role is None:
        report.problems.append(
            RowProblem(
                line,
                shown,
                f"The role “{cell(row, columns, 'role')}” isn't one we know: write mentor or "
                "executive.",
            )
        )
        return
    manager = cell(row, columns, "manager_email")
    if manager:
        try:
            manager = check_address(manager)
        except PeopleError:
            report.problems.append(
                RowProblem(
                    line, shown, f"The manager's address “{manager}” isn't an email address."
                )
            )
            return
        if manager == email:
            report.problems.append(RowProblem(line, shown, "The manager's address is their own."))
            return
    if len(name) > 120:
        report.problems.append(RowProblem(line, shown, "The name is over 120 characters."))
        return
    done = add_person(
        cohort,
        by,
        email,
        role,
        name,
        department=cell(row, columns, "department"),
        manager_email=manager,
        now=now,
    )
    if done.outcome == "added":
        report.added.append(done)
        if done.message_id is not None:
            report.message_ids.append(done.message_id)
    elif done.outcome == "invited":
        report.invited.append(done)
        if done.message_id is not None:
            report.message_ids.append(done.message_id)
    else:
        report.unchanged.append(done)


# Who a lead sees -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """A person in a cohort as the lead's list shows them."""

    user: User
    membership: Membership
    has_profile: bool


def list_members(cohort_id: int) -> list[Member]:
    """Return the people in a cohort, by role then name, with whether they filled in a profile."""
    rows = db.session.execute(
        select(User, Membership, Profile.user_id)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(Membership.cohort_id == cohort_id, Membership.left_at.is_(None))
        .order_by(Membership.role.desc(), User.name)
    )
    return [
        Member(user, membership, bool(profile_id) and bool(membership.themes or membership.goal))
        for user, membership, profile_id in rows
    ]


def visible_people(viewer: User, role: str | None = None) -> list[User]:
    """Return the accounts a lead may see, by name: people in their cohorts (admins: everyone).

    With a role, only people who hold it: in one of those cohorts, or (for an admin) in any
    cohort or on their account.
    """
    query = select(User)
    seen = access.visible_people(viewer)
    if seen is not None:
        query = query.where(User.id.in_(seen))
    if role is not None:
        in_role = select(Membership.user_id).where(
            Membership.role == role, Membership.left_at.is_(None)
        )
        if seen is not None:
            led = access.led_cohort_ids(viewer) or set()
            query = query.where(User.id.in_(in_role.where(Membership.cohort_id.in_(led))))
        else:
            query = query.where((User.role == role) | User.id.in_(in_role))
    return list(db.session.scalars(query.order_by(User.name, User.email)))
