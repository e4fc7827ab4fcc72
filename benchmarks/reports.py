"""Time the program reports at scale: each page and export, its statements, on either database.

Generates N people (half mentors, half executives) in cohorts of up to 1,000, a library of 300
steps (ten pathways of 30, each step with a knowledge check), one pair per two people, a year of
fortnightly sessions with check-ins, completions and answers; then times every report page and
export through the test client (median of rounds, wall time) and counts its statements.

    .venv/bin/python benchmarks/reports.py [--people 100 1000 10000] [--rounds 5] [--database URL]

The database's tables are dropped and created again: give it a scratch database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 2026"
PATHWAYS, STEPS = 10, 30
DEPARTMENTS = [f"Department {n}" for n in range(12)]
NOW = datetime.now(UTC)


def write_library(root: Path) -> tuple[Path, Path]:
    """Write ten pathways of thirty steps, alternately for mentors and executives."""
    content, manifests = root / "content", root / "pathways"
    manifests.mkdir(parents=True)
    for p in range(PATHWAYS):
        folder = content / f"p{p}"
        folder.mkdir(parents=True)
        for s in range(STEPS):
            (folder / f"s{s}.md").write_text(
                f"---\ntitle: Step {s} of pathway {p}\nid: p{p}-s{s}\nminutes: 5\n---\n"
                "Some text.\n\n```check\nid: c\nquestion: Pick one\noptions:\n"
                "  - text: A\n    correct: true\n    feedback: Right.\n"
                "  - text: B\n    feedback: Not quite.\n```\n"
            )
        steps = "".join(f"  - p{p}/s{s}.md\n" for s in range(STEPS))
        audience = ("mentor", "executive")[p % 2]
        (manifests / f"path{p}.yml").write_text(
            f"title: Pathway {p}\naudience: {audience}\nsummary: Generated.\norder: {p}\n"
            f"steps:\n{steps}"
        )
    return content, manifests


def generate(db, people: int, lead_id: int) -> dict[str, int]:
    """Insert the program's rows in bulk; return how many of each."""
    from upward.models import (
        CheckAnswer,
        Cohort,
        CohortLead,
        Completion,
        Meeting,
        Membership,
        Pair,
        Profile,
        TemplateEntry,
        User,
    )

    rng = random.Random(12)
    year_ago = NOW - timedelta(days=365)
    conn = db.session.connection()
    cohorts = max(1, people // 1000)
    conn.execute(
        Cohort.__table__.insert(),
        [
            {
                "id": c + 1,
                "name": f"Cohort {c + 1}",
                "starts_on": date(2026, 1, 1),
                "ends_on": date(2026, 12, 31),
                "themes": [],
                "mentor_capacity": 1,
                "avoid_same_department": True,
                "cadence_days": 14,
                "created_at": year_ago,
            }
            for c in range(cohorts)
        ],
    )
    conn.execute(
        CohortLead.__table__.insert(),
        [{"cohort_id": c + 1, "user_id": lead_id, "created_at": year_ago} for c in range(cohorts)],
    )
    users = [
        {
            "id": 1000 + n,
            "email": f"p{n}@example.com",
            "name": f"Person {n}",
            "password_hash": "x",
            "role": "mentor" if n % 2 == 0 else "executive",
            "is_author": False,
            "is_admin": False,
            "is_lead": False,
            "session_version": 1,
            "created_at": year_ago,
        }
        for n in range(people)
    ]
    conn.execute(User.__table__.insert(), users)
    conn.execute(
        Membership.__table__.insert(),
        [
            {
                "cohort_id": (n // 1000) % cohorts + 1,
                "user_id": 1000 + n,
                "role": users[n]["role"],
                "themes": [],
                "skills": [],
                "goal": "",
                "joined_at": year_ago,
            }
            for n in range(people)
        ],
    )
    conn.execute(
        Profile.__table__.insert(),
        [
            {
                "user_id": 1000 + n,
                "department": DEPARTMENTS[n % len(DEPARTMENTS)],
                "level_band": "",
                "time_zone": "UTC",
                "availability": [],
                "manager_email": "",
                "updated_at": year_ago,
            }
            for n in range(people)
        ],
    )
    pairs, meetings, checkins = [], [], []
    meeting_id = 0
    for n in range(0, people - 1, 2):
        pair_id = n // 2 + 1
        started = year_ago + timedelta(days=rng.randint(0, 300))
        ended = rng.random() < 0.1
        pairs.append(
            {
                "id": pair_id,
                "mentor_id": 1000 + n,
                "executive_id": 1000 + n + 1,
                "cohort_id": (n // 1000) % cohorts + 1,
                "status": "ended" if ended else "active",
                "cadence_days": 14,
                "reasons": [],
                "created_at": started,
                "started_at": started,
                "ended_at": NOW if ended else None,
            }
        )
        at = started + timedelta(days=rng.randint(3, 20))
        while at < NOW + timedelta(days=30):
            meeting_id += 1
            past = at < NOW
            roll = rng.random()
            status = "planned" if not past else "held" if roll < 0.8 else "cancelled"
            by = None if status == "planned" else 1000 + n + (roll < 0.9)
            meetings.append(
                {
                    "id": meeting_id,
                    "pair_id": pair_id,
                    "uid": f"{uuid.UUID(int=meeting_id)}@bench",
                    "starts_at": at,
                    "minutes": 45,
                    "time_zone": "UTC",
                    "location": "",
                    "status": status,
                    "status_by_id": by,
                    "status_at": at if by else None,
                    "moved_count": int(rng.random() < 0.1),
                    "sequence": 0,
                    "created_at": started,
                    "updated_at": started,
                }
            )
            if status == "held":
                for who in (n, n + 1):
                    if rng.random() < 0.6:
                        checkins.append(
                            {
                                "user_id": 1000 + who,
                                "template_id": "biweekly-checkin",
                                "title": "Check-in",
                                "values": {"learned": "private words"},
                                "is_draft": False,
                                "meeting_id": meeting_id,
                                "created_at": at,
                                "updated_at": at,
                            }
                        )
            at += timedelta(days=14)
    conn.execute(Pair.__table__.insert(), pairs)
    for start in range(0, len(meetings), 20000):
        conn.execute(Meeting.__table__.insert(), meetings[start : start + 20000])
    for start in range(0, len(checkins), 20000):
        conn.execute(TemplateEntry.__table__.insert(), checkins[start : start + 20000])
    completions, answers = [], []
    for n in range(people):
        first = 0 if n % 2 == 0 else 1  # mentors take the even pathways, executives the odd
        when = year_ago + timedelta(days=rng.randint(0, 200))
        for p in range(first, PATHWAYS, 2):
            done = min(STEPS, int(rng.expovariate(1 / 12)))
            for s in range(done):
                when += timedelta(hours=rng.randint(1, 72))
                step = f"p{p}-s{s}"
                completions.append(
                    {"user_id": 1000 + n, "step_id": step, "version": "v", "completed_at": when}
                )
                if rng.random() < 0.5:
                    first_right = rng.random() < 0.8
                    answers.append(
                        {
                            "user_id": 1000 + n,
                            "step_id": step,
                            "check_id": "c",
                            "choice": 0,
                            "correct": True,
                            "first_correct": first_right,
                            "answered_at": when,
                        }
                    )
    for start in range(0, len(completions), 20000):
        conn.execute(Completion.__table__.insert(), completions[start : start + 20000])
    for start in range(0, len(answers), 20000):
        conn.execute(CheckAnswer.__table__.insert(), answers[start : start + 20000])
    db.session.commit()
    rebuild_summary(db)
    if db.engine.dialect.name == "postgresql":
        # VACUUM as autovacuum would have by then: it lets index-only scans skip the table.
        tables = sorted(set(TABLES) & set(db.inspect(db.engine).get_table_names()))
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in tables:
                conn.execute(db.text(f"VACUUM ANALYZE {table}"))
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return {
        "people": people,
        "pairs": len(pairs),
        "sessions": len(meetings),
        "check-ins": len(checkins),
        "completions": len(completions),
        "answers": len(answers),
    }


TABLES = (
    "users",
    "memberships",
    "profiles",
    "pairs",
    "meetings",
    "template_entries",
    "completions",
    "check_answers",
    "pathway_steps",
    "pathway_summaries",
)
"""The tables analysed after generating, so PostgreSQL plans with their real sizes."""


def rebuild_summary(db) -> None:
    """Build the progress summary from the generated completions, as `flask progress rebuild`."""
    try:
        from upward import progress
        from upward.publishing import get_library
        from upward.viewer import published
    except ImportError:  # a checkout from before the summary
        return
    if hasattr(progress, "rebuild_all_summaries"):
        progress.rebuild_all_summaries(published(get_library()))


def measure(people: int, rounds: int, database: str) -> tuple[dict[str, int], list[tuple]]:
    """Build the data for N people and time every report; return the counts and timings."""
    from sqlalchemy import event, update

    from upward import create_app
    from upward.extensions import db
    from upward.models import User

    with tempfile.TemporaryDirectory() as tmp:
        content, manifests = write_library(Path(tmp))
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{tmp}/bench.db",
                "UPWARD_CONTENT_DIR": str(content),
                "UPWARD_PATHWAYS_DIR": str(manifests),
                "UPWARD_WATCH": False,
                "UPWARD_PARSE_CACHE": False,
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
                "UPWARD_ARGON2_MEMORY_KIB": 64,
                "UPWARD_ARGON2_TIME_COST": 1,
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
        app.extensions["upward.versions"].record(app.extensions["upward.library"].library)
        client = app.test_client()
        client.post(
            "/account/register",
            data={
                "name": "Lead",
                "email": "lead@example.com",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "role": "mentor",
            },
        )
        with app.app_context():
            db.session.execute(update(User).values(is_lead=True))
            db.session.commit()
            lead_id = db.session.scalar(db.select(User.id))
            started = time.perf_counter()
            counts = generate(db, people, lead_id)
            counts["seconds to generate"] = round(time.perf_counter() - started)
        statements: list[str] = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        targets = {
            "dashboard, all cohorts": "/reports/",
            "dashboard, one cohort": "/reports/cohorts/1",
            "dashboard, one cohort, mentors in one department": (
                "/reports/cohorts/1?role=mentor&department=Department+3"
            ),
            "people.csv, all cohorts": "/reports/people.csv",
            "pairs.csv, all cohorts": "/reports/pairs.csv",
            "sessions.csv, all cohorts": "/reports/sessions.csv",
            "funnel.csv, all cohorts": "/reports/funnel.csv",
            "xapi.json, one cohort": "/reports/xapi.json?cohort=1",
        }
        results = []
        for name, url in targets.items():
            assert client.get(url).status_code == 200, url  # warm: library, statements, cache
            times = []
            for _ in range(rounds):
                statements.clear()
                started = time.perf_counter()
                response = client.get(url)
                size = len(response.get_data())
                times.append(time.perf_counter() - started)
            results.append((name, statistics.median(times) * 1000, len(statements), size))
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        app.extensions["upward.library"].stop()
    return counts, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    where = "PostgreSQL" if args.database.startswith("postgresql") else "SQLite"
    for people in args.people:
        counts, results = measure(people, args.rounds, args.database)
        print(
            f"\n{where}, {people:,} people: " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
        print(f"{'report':52} {'ms':>9} {'statements':>10} {'bytes':>12}")
        for name, ms, count, size in results:
            print(f"{name:52} {ms:9.1f} {count:10} {size:12,}")


if __name__ == "__main__":
    main()
