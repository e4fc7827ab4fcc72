"""Per-request cost of learner pages in one process (Flask's test client, SQLite), with the
statements each sends, against a hello-world route in the same process. Less sensitive to a
busy machine than a load test, since it times CPU work only (process time, median of rounds).

    .venv/bin/python benchmarks/inprocess.py [--requests 300] [--rounds 5] [--database URL]
        [--no-fragment-cache]

With --database (PostgreSQL), wall time is what tells: each round trip waits for the server.
The database's tables are dropped and created again: give it a scratch database.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default="")
    parser.add_argument(
        "--no-fragment-cache", action="store_true", help="render every fragment every time"
    )
    args = parser.parse_args()

    from flask import Flask
    from sqlalchemy import event

    from upward import create_app
    from upward.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": args.database or f"sqlite:///{tmp}/bench.db",
                "UPWARD_WATCH": False,
                "UPWARD_PARSE_CACHE": False,
                "UPWARD_FRAGMENT_CACHE": not args.no_fragment_cache,
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
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
                "name": "Bench",
                "email": "bench@example.com",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "role": "mentor",
            },
        )
        dashboard = client.get("/dashboard").get_data(as_text=True)
        step = re.search(r'href="(/pathways/[^"/]+/steps/[^"]+)"', dashboard).group(1)
        pathway = step.split("/steps/")[0]
        client.post(step.replace(step.split("/steps/")[0], "") + "/complete")
        entry, pair = add_entry_and_pair(app, client)

        hello = Flask("hello")
        hello.get("/")(lambda: "Hello, World!")
        hello_client = hello.test_client()

        statements: list[str] = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        targets = {
            "hello world (Flask)": (hello_client, "/"),
            "step page": (client, step),
            "dashboard": (client, "/dashboard"),
            "pathway page": (client, pathway),
            "home": (client, "/"),
            "resources list": (client, "/resources/"),
            "search": (client, "/search?q=feedback"),
            "filled-in template": (client, entry),
            "pair page": (client, pair),
        }
        timings: dict[str, list[float]] = {name: [] for name in targets}
        walls: dict[str, list[float]] = {name: [] for name in targets}
        counts: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, (c, url) in targets.items():
                assert c.get(url).status_code == 200, url
                statements.clear()
                started, wall = time.process_time(), time.perf_counter()
                for _ in range(args.requests):
                    c.get(url)
                timings[name].append((time.process_time() - started) / args.requests)
                walls[name].append((time.perf_counter() - wall) / args.requests)
                counts[name] = len(statements) // args.requests
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    base = statistics.median(timings["hello world (Flask)"])
    where = args.database.split("@")[-1].split("/")[0] if args.database else "SQLite"
    print(f"in-process on {where}, {args.requests} requests x {args.rounds} rounds, medians")
    print(f"{'page':<22}{'CPU ms':>8}{'wall ms':>9}{'statements':>12}{'CPU vs hello':>14}")
    for name, values in timings.items():
        ms, wall = statistics.median(values), statistics.median(walls[name])
        print(f"{name:<22}{ms * 1000:>8.2f}{wall * 1000:>9.2f}{counts[name]:>12}{base / ms:>13.0%}")


def add_entry_and_pair(app, client) -> tuple[str, str]:
    """Fill in a template as the signed-in mentor and pair them with an executive; return the
    URLs of the entry and of the pair page."""
    from upward.extensions import db
    from upward.models import Pair, User
    from upward.models.types import utcnow

    answers = {
        "title": "Town hall feedback",
        "f_topic": "All-hands email tone",
        "f_situation": "Tuesday's town hall, the Q&A section.",
        "f_behavior": "Three questions were answered with 'we'll take that offline'.",
        "f_impact": "People in the chat said they stopped asking.",
    }
    saved = client.post("/templates/feedback-prep", data=answers)
    assert saved.status_code == 302, saved.status_code
    executive = app.test_client()
    executive.post(
        "/account/register",
        data={
            "name": "Exec",
            "email": "exec@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "role": "executive",
        },
    )
    with app.app_context():
        ids = dict(db.session.execute(db.select(User.email, User.id)).all())
        made = Pair(
            mentor_id=ids["bench@example.com"],
            executive_id=ids["exec@example.com"],
            status="active",
            started_at=utcnow(),
        )
        db.session.add(made)
        db.session.commit()
        pair_id = made.id
    return saved.location, f"/pairs/{pair_id}"


if __name__ == "__main__":
    main()
