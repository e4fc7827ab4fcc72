"""Measure search quality: the share of learner queries with a right page in the top three.

Usage: python benchmarks/search_quality.py [--content content] [--pathways pathways] [-v]
The queries and their right pages are in tests/fixtures/search_queries.yml. Only the
public `Library.search(query, limit=3)` is used, so the same script measures older versions.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "fixtures" / "search_queries.yml"


def load_queries(path: Path = QUERIES) -> list[dict]:
    """Return the query set."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def measure(library: object, queries: list[dict]) -> list[tuple[dict, list[str], bool]]:
    """Return each query with its top three page ids and whether a right one is among them."""
    outcome = []
    for item in queries:
        top = [hit.id for hit in library.search(item["query"], limit=3)]
        outcome.append((item, top, bool(set(top) & set(item["expect"]))))
    return outcome


def main() -> None:
    """Print the share per kind of query and overall."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--pathways", default=str(ROOT / "pathways"))
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd()))
    from upward.content import load_library

    library = load_library(args.content, args.pathways)
    outcome = measure(library, load_queries())
    total, right = Counter(), Counter()
    for item, top, ok in outcome:
        total[item["kind"]] += 1
        right[item["kind"]] += ok
        if args.verbose and not ok:
            print(f"miss: {item['query']!r} -> {top}")
    for kind in sorted(total):
        print(f"{kind:10} {right[kind]:3}/{total[kind]:<3} {right[kind] / total[kind]:6.0%}")
    hits, count = sum(right.values()), sum(total.values())
    print(f"{'all':10} {hits:3}/{count:<3} {hits / count:6.0%}")


if __name__ == "__main__":
    main()
