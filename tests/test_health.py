"""The rules of a pair's health: at risk for the reasons the program guide gives, and only then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from upward.health import SessionFact, assess, facts_from_sessions

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def health(sessions=(), started_days_ago=30, status="active", cadence=14):
    started = NOW - timedelta(days=started_days_ago) if started_days_ago is not None else None
    return assess(facts_from_sessions(status, started, cadence, list(sessions), NOW), NOW)


def ago(days: int, status: str = "held", by: str | None = None) -> SessionFact:
    return SessionFact(NOW - timedelta(days=days), status, by)


def test_a_new_pair_has_two_weeks_for_its_first_session():
    assert health(started_days_ago=13).level == "on-track"
    late = health(started_days_ago=15)
    assert late.at_risk
    assert late.reasons == (
        "No first session held in the 15 days since the pair started and none is booked.",
    )


def test_a_booked_first_session_is_mentioned_but_still_late():
    booked = SessionFact(NOW + timedelta(days=2), "planned")
    assert "(one is booked)" in health([booked], started_days_ago=20).reasons[0]


@pytest.mark.parametrize(("last_held", "at_risk"), [(20, False), (28, False), (29, True)])
def test_a_session_overdue_by_more_than_the_cadence_is_a_risk(last_held, at_risk):
    assert health([ago(last_held)], started_days_ago=60).at_risk is at_risk


def test_a_monthly_pair_is_judged_by_its_own_cadence():
    assert not health([ago(40)], started_days_ago=90, cadence=30).at_risk
    assert health([ago(61)], started_days_ago=90, cadence=30).at_risk


def test_two_cancellations_in_a_row_name_who_cancelled():
    sessions = [ago(20), ago(10, "cancelled", "Eve Exec"), ago(3, "cancelled", "Eve Exec")]
    result = health(sessions, started_days_ago=40)
    assert result.reasons == ("The last two sessions were cancelled (by Eve Exec).",)
    # A held session between two cancellations breaks the run.
    broken = [ago(20, "cancelled", "Eve"), ago(10), ago(3, "cancelled", "Eve")]
    assert not health(broken, started_days_ago=40).at_risk


def test_proposed_and_ended_pairs_are_not_at_risk():
    assert health(status="proposed", started_days_ago=None).level == "waiting"
    assert health(status="ended", started_days_ago=90).level == "ended"


def test_get_health_reads_sessions_of_many_pairs_from_the_database(app):
    from tests.helpers import pair, person, user_id
    from upward.extensions import db
    from upward.health import get_health
    from upward.models import Meeting, Pair

    person(app, "m@example.com", "Mo Mentor", "mentor")
    person(app, "e@example.com", "Eve Exec", "executive")
    person(app, "f@example.com", "Fay Exec", "executive")
    pair(app, "m@example.com", "e@example.com")
    pair(app, "m@example.com", "f@example.com")
    now = datetime.now(UTC)
    with app.app_context():
        quiet, busy = db.session.query(Pair).order_by(Pair.id).all()
        for p in (quiet, busy):
            p.started_at = now - timedelta(days=40)
        eve = user_id(app, "e@example.com")
        for n, (days_ago, status) in enumerate(((30, "held"), (16, "cancelled"), (2, "cancelled"))):
            db.session.add(
                Meeting(
                    pair_id=quiet.id,
                    uid=f"q{n}",
                    starts_at=now - timedelta(days=days_ago),
                    status=status,
                    status_by_id=eve,
                )
            )
        db.session.add(
            Meeting(pair_id=busy.id, uid="b", starts_at=now - timedelta(days=5), status="held")
        )
        db.session.commit()
        found = get_health([quiet.id, busy.id], now)
    assert found[busy.id].level == "on-track"
    assert found[quiet.id].at_risk
    assert "The last two sessions were cancelled (by Eve Exec)." in found[quiet.id].reasons
    assert any("No session held for 30 days" in r for r in found[quiet.id].reasons)


def test_the_levels_counted_in_sql_are_the_levels_assess_gives(app):
    """`count_levels` is `assess` in SQL: over random pairs and sessions they must agree."""
    import random
    from collections import Counter

    from sqlalchemy import select

    from upward.extensions import db
    from upward.health import count_levels, get_health
    from upward.models import Meeting, Pair, User

    rng = random.Random(15)
    now = datetime.now(UTC)
    with app.app_context():
        people = [
            User(email=f"p{n}@example.com", name=f"P {n}", password_hash="x", role=role)
            for n in range(120)
            for role in ("mentor" if n % 2 == 0 else "executive",)
        ]
        db.session.add_all(people)
        db.session.flush()
        meeting = 0
        for n in range(60):
            started = None if rng.random() < 0.1 else now - timedelta(days=rng.uniform(0, 60))
            pair = Pair(
                mentor_id=people[2 * n].id,
                executive_id=people[2 * n + 1].id,
                status=rng.choice(("active", "active", "active", "ended", "proposed")),
                started_at=started,
                cadence_days=rng.choice((7, 14, 28)),
            )
            db.session.add(pair)
            db.session.flush()
            for _ in range(rng.randint(0, 6)):
                meeting += 1
                db.session.add(
                    Meeting(
                        pair_id=pair.id,
                        uid=f"m{meeting}",
                        starts_at=now + timedelta(days=rng.uniform(-70, 20)),
                        status=rng.choice(("planned", "held", "cancelled", "cancelled")),
                    )
                )
        db.session.commit()
        pairs = select(Pair.id)
        counts, at_risk = count_levels(pairs, now, 1000)
        healths = get_health(list(db.session.scalars(pairs)), now)
        _, first_two = count_levels(pairs, now, 2)
    expected = Counter(h.level for h in healths.values())
    assert counts == dict(expected)
    assert at_risk == sorted(p for p, h in healths.items() if h.at_risk)
    assert first_two == at_risk[:2]
    assert len(expected) == 4  # every level turned up, so each rule was compared
