"""Benchmark matching: time to score and solve a whole cohort of N executives and N mentors.

Usage: python benchmarks/matching.py [--size 300] [--capacity 1] [--rounds 3]
People get three of 40 skill phrases, three of the ten weekly slots, one of four time zones and
one of six departments (kept apart), as a large company's cohort might.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from upward.matching import Candidate, suggest  # noqa: E402
from upward.vocabulary import SLOTS  # noqa: E402

TARGET_S = 2.0
"""A lead waits for the matching page; a whole 300 x 300 cohort should come back within this."""


def cohort(size: int, capacity: int, seed: int = 10) -> tuple[list[Candidate], list[Candidate]]:
    """Return a generated cohort's executives and mentors."""
    rng = random.Random(seed)
    skills = [f"{a} {b}" for a in ("social", "data", "video", "AI", "brand") for b in range(8)]
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Europe/Berlin"]
    depts = ["Sales", "IT", "Finance", "HR", "Legal", "Ops"]

    def someone(i: int, role: str) -> Candidate:
        return Candidate(
            i,
            f"{role.title()} {i}",
            f"{role}{i}@example.com",
            skills=rng.sample(skills, 3),
            department=rng.choice(depts),
            time_zone=rng.choice(zones),
            availability=rng.sample(list(SLOTS), 3),
            level_band="executive" if role == "exec" else "early-career",
            capacity=capacity,
        )

    return [someone(i, "exec") for i in range(size)], [
        someone(10_000 + i, "mentor") for i in range(size)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--capacity", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    execs, mentors = cohort(args.size, args.capacity)
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        result = suggest(execs, mentors, on=date(2026, 12, 1))
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    mean = statistics.mean(s.score for s in result.suggestions)
    print(
        f"{args.size} executives x {args.size} mentors (capacity {args.capacity}): "
        f"median {median:.2f} s over {args.rounds} rounds; {len(result.suggestions)} matched, "
        f"mean score {mean:.1f}; target {TARGET_S:.1f} s: {'ok' if median <= TARGET_S else 'SLOW'}"
    )


if __name__ == "__main__":
    main()
