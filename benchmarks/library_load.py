"""Benchmark the content core: cold load time, peak memory and single-file reload time.

Usage: python benchmarks/library_load.py [--sizes 10 2000] [--runs 5]
Each size runs in its own subprocess so peak RSS is measured per size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = tuple(
    [
        "feedback",
        "mentor",
        "executive",
        "session",
        "trust",
        "candid",
        "impact",
        "behaviour",
        "situation",
        "culture",
        "team",
        "technology",
        "social",
        "media",
        "listen",
        "question",
        "permission",
        "example",
        "goal",
        "review",
        "learn",
        "practice",
        "meeting",
        "moment",
        "agree",
        "notice",
        "respond",
        "action",
        "change",
        "signal",
        "respect",
        "curious",
        "honest",
    ]
)
STEPS_PER_PATHWAY = 20


def sentence(rng: random.Random, words: int = 14) -> str:
    """Return one random sentence."""
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def step_text(rng: random.Random, index: int, total: int) -> str:
    """Return a realistic ~3 KB step: headings, lists, links, a callout, a table and a check."""
    other = f"step-{(index + 1) % total:05d}.md"
    parts = [
        "---",
        f"title: Step {index} - {sentence(rng, 5)}",
        f"summary: {sentence(rng, 12)}",
        f"minutes: {rng.randint(3, 15)}",
        "resources: [resource-00000]",
        "templates: [template-00000]",
        "---",
        "",
        "## Why it matters",
        "",
        " ".join(sentence(rng) for _ in range(5)),
        "",
        f"See [the next step]({other}#the-technique) and [a source](https://example.com/{index}).",
        "",
        "## The technique",
        "",
        *(f"- **{rng.choice(WORDS)}**: {sentence(rng, 10)}" for _ in range(5)),
        "",
        "::: tip A small habit",
        sentence(rng, 20),
        ":::",
        "",
        "## Worked example",
        "",
        " ".join(sentence(rng) for _ in range(6)),
        "",
        "| Situation | Behaviour | Impact |",
        "|---|---|---|",
        *(f"| {sentence(rng, 3)} | {sentence(rng, 3)} | {sentence(rng, 3)} |" for _ in range(3)),
        "",
        "## Check your understanding",
        "",
        "```check",
        f"question: {sentence(rng, 12)}",
        "options:",
        f"  - text: {sentence(rng, 6)}",
        "    correct: true",
        f"    feedback: {sentence(rng, 10)}",
        f"  - text: {sentence(rng, 6)}",
        f"    feedback: {sentence(rng, 10)}",
        "```",
        "",
        " ".join(sentence(rng) for _ in range(4)),
        "",
    ]
    return "\n".join(parts)


def generate(root: Path, count: int) -> tuple[Path, Path]:
    """Write count content files (steps plus one template and one resource) and manifests."""
    rng = random.Random(count)
    content, pathways = root / "content", root / "pathways"
    (content / "steps").mkdir(parents=True)
    pathways.mkdir()
    (content / "template-00000.md").write_text(
        "---\ntitle: A template\nkind: template\nfields:\n  - name: notes\n    label: Notes\n---\n"
        "Guidance.\n"
    )
    (content / "resource-00000.md").write_text(
        "---\ntitle: A resource\nkind: resource\nurl: https://example.com\nformat: article\n"
        "themes: [leadership]\n---\nWhy it is worth it.\n"
    )
    steps = max(count - 2, 1)
    for index in range(steps):
        (content / "steps" / f"step-{index:05d}.md").write_text(step_text(rng, index, steps))
    for start in range(0, steps, STEPS_PER_PATHWAY):
        names = [
            f"steps/step-{i:05d}.md" for i in range(start, min(start + STEPS_PER_PATHWAY, steps))
        ]
        manifest = [f"title: Pathway {start}", "audience: mentor", "summary: A pathway.", "steps:"]
        manifest += [f"  - {name}" for name in names]
        (pathways / f"p{start:05d}.yml").write_text("\n".join(manifest) + "\n")
    return content, pathways


def measure(count: int, runs: int) -> dict[str, float]:
    """Generate a library and time cold loads and single-file reloads (in this process)."""
    from upward.content import LibraryStore, load_library

    with tempfile.TemporaryDirectory() as tmp:
        content, pathways = generate(Path(tmp), count)
        started = time.perf_counter()
        library = load_library(content, pathways)
        loads = [time.perf_counter() - started]
        cold_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        del library
        for _ in range(runs - 1):
            started = time.perf_counter()
            library = load_library(content, pathways)
            loads.append(time.perf_counter() - started)
            assert len(library.pages) == count
            del library
        store = LibraryStore(content, pathways)
        target = next((content / "steps").iterdir())
        reloads = []
        for run in range(runs):
            target.write_text(target.read_text() + f"\nOne more sentence {run}.\n")
            started = time.perf_counter()
            assert store.reload(), store.problems
            reloads.append(time.perf_counter() - started)
            assert store.parsed == [target.relative_to(content).as_posix()]
        searches = time_searches(store.library)
        self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "files": count,
        "cold_load_median_s": statistics.median(loads),
        "cold_load_min_s": min(loads),
        "reload_median_s": statistics.median(reloads),
        "reload_max_s": max(reloads),
        "peak_rss_cold_load_mb": cold_kb / 1024,
        "peak_rss_mb": self_kb / 1024,
        "search_median_ms": statistics.median(searches) * 1000,
        "search_max_ms": max(searches) * 1000,
    }


QUERIES = [
    "feedback",
    "executive",
    "session",
    "listen",
    "impact",
    "goals",
    "pathway",
    "mentor",
    "technology",
    "quick brown",
    "nothing-matches-this",
    "the",
    "a",
    "check*",
]


def time_searches(library: object) -> list[float]:
    """Time every query a few times against a loaded library's full-text index."""
    timings = []
    for _ in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            library.search(query)
            timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    """Run each size in a subprocess and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 2000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.runs)))
        return
    print(f"cpus: {os.cpu_count()}  python: {sys.version.split()[0]}")
    print(
        f"{'files':>6} {'cold load (median)':>19} {'RSS, 1 load':>12} {'RSS, whole run':>15}"
        f" {'reload (median/max)':>21} {'search (median/max)':>21}"
    )
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{r['files']:>6} {r['cold_load_median_s']:>17.3f} s"
            f" {r['peak_rss_cold_load_mb']:>9.1f} MB"
            f" {r['peak_rss_mb']:>12.1f} MB"
            f" {r['reload_median_s']:>11.3f} / {r['reload_max_s']:.3f} s"
            f" {r['search_median_ms']:>11.2f} / {r['search_max_ms']:.2f} ms"
        )


if __name__ == "__main__":
    main()
