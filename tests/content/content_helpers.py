"""Helpers for the content-core tests: write small libraries on disk and read their problems.

Not a conftest.py: the suite imports `from conftest import ...`, which a second conftest shadows.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from upward.content import check_library

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"

BASE = {
    "content/a.md": """\
        ---
        title: Step A
        ---
        ## Intro

        Hello.
        """,
    "pathways/p.yml": """\
        title: Pathway P
        audience: mentor
        summary: A pathway.
        steps:
          - a.md
        """,
}


def write_tree(root: Path, files: dict[str, str | None]) -> tuple[Path, Path]:
    """Write files (dedented) under root; a None value deletes a file. Return both folders."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    (root / "pathways").mkdir(exist_ok=True)
    return root / "content", root / "pathways"


def write_library(
    root: Path, files: dict[str, str | None] | None = None, base: bool = True
) -> tuple[Path, Path]:
    """Write the base library plus overrides under root; return (content_dir, pathways_dir)."""
    return write_tree(root, {**(BASE if base else {}), **(files or {})})


def get_problems(
    root: Path, files: dict[str, str | None] | None = None, base: bool = True
) -> list[str]:
    """Write a library and return its problems as 'path:line: severity: message' strings."""
    return [str(p) for p in check_library(*write_library(root, files, base))]


def in_child(work: Callable[[], object]) -> object:
    """Run work in a forked child and return what it returned (as JSON)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "w") as out:
                json.dump(work(), out)
            code = 0
        finally:
            sys.stdout.flush()
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as source:
        text = source.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child failed"
    return json.loads(text)
