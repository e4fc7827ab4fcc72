"""Benchmark search: median time of one search over a generated library of 2,000 files.

Usage: python benchmarks/search.py [--files 2000] [--rounds 5]
The files are about 3 KB each, written from the shipped library's own words (a Zipf-like mix,
plus invented words so the vocabulary is as large as a real library's), with headings. The
queries are the learner queries of tests/fixtures/search_queries.yml and a few prefixes, run as
the search page runs them: every match counted per kind and audience, the best 20 returned, and
once more with 40 of a person's own notes joining the search.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.search_quality import load_queries  # noqa: E402
from upward.content import SearchRow, load_library  # noqa: E402
from upward.content.words import get_words  # noqa: E402

TARGET_MS = 20.0
PREFIXES = ["feedb", "psych", "cancell", "retro", "mentori", "sit"]


def get_vocabulary(rng: random.Random) -> list[str]:
    """Return the words to write with: the shipped library's, then invented ones."""
    words = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        words += get_words(path.read_text(encoding="utf-8"), joined=False)
    known = sorted(set(words), key=lambda w: -words.count(w))
    letters = "abcdefghijklmnopqrstuvwxyz"
    invented = {
        "".join(rng.choice(letters) for _ in range(rng.randint(4, 11))) for _ in range(8000)
    }
    return known + sorted(invented)


def sentence(rng: random.Random, vocabulary: list[str], words: int) -> str:
    """Return a sentence whose words follow a Zipf-like distribution."""
    picks = (vocabulary[int(len(vocabulary) * rng.random() ** 3)] for _ in range(words))
    return " ".join(picks).capitalize() + "."


def generate(root: Path, count: int) -> tuple[Path, Path]:
    """Write count steps of about 3 KB in pathways of 20, and return both folders."""
    rng = random.Random(count)
    vocabulary = get_vocabulary(rng)
    content, pathways = root / "content", root / "pathways"
    content.mkdir()
    pathways.mkdir()
    for index in range(count):
        parts = [
            "---",
            f"title: {sentence(rng, vocabulary, 5)[:-1]}",
            f"summary: {sentence(rng, vocabulary, 14)}",
            "---",
        ]
        for _ in range(4):
            parts += ["", f"## {sentence(rng, vocabulary, 3)[:-1]}", ""]
            parts.append(" ".join(sentence(rng, vocabulary, 14) for _ in range(4)))
        (content / f"step-{index:05d}.md").write_text("\n".join(parts) + "\n")
    for start in range(0, count, 20):
        steps = "".join(f"  - step-{i:05d}.md\n" for i in range(start, min(start + 20, count)))
        audience = ("mentor", "executive", "program")[start // 20 % 3]
        (pathways / f"p{start:05d}.yml").write_text(
            f"title: Pathway {start}\naudience: {audience}\nsummary: S.\nsteps:\n{steps}"
        )
    return content, pathways


def main() -> None:
    """Generate a library, run every query several rounds, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    queries = [item["query"] for item in load_queries()] + PREFIXES
    notes = [
        SearchRow(
            f"note-{i}", "note", f"Your note {i}", "", text["query"] * 3, True, frozenset({"all"})
        )
        for i, text in enumerate(load_queries()[:40])
    ]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        library = load_library(*generate(Path(tmp), args.files))
        print(
            f"{len(library.pages)} files, {len(library.index.vocabulary.frequency)} words; "
            f"generated and loaded in {time.perf_counter() - started:.1f} s"
        )
        plain, personal = [], []
        for _ in range(args.rounds):
            for query in queries:
                for timings, extra in ((plain, ()), (personal, notes)):
                    started = time.perf_counter()
                    library.find(query, limit=20, extra=extra)
                    timings.append((time.perf_counter() - started) * 1000)
    slowest = sorted(zip(plain, queries * args.rounds, strict=True), reverse=True)[:3]
    print("slowest:", ", ".join(f"{q!r} {t:.1f} ms" for t, q in slowest))
    for name, timings in (("library", plain), ("library + 40 own notes", personal)):
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{name:24} median {median:6.2f} ms   p95 {p95:6.2f} ms   max {max(timings):6.2f} ms")
    verdict = "meets" if statistics.median(plain) < TARGET_MS else "MISSES"
    print(f"target: median under {TARGET_MS:.0f} ms over {args.files} files: {verdict}")


if __name__ == "__main__":
    main()
