"""Find the files of a library and read them as text."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .problems import Problem

Stamp = tuple[int, int]
"""(mtime_ns, size): a file is re-parsed only when this changes."""

MANIFEST_SUFFIXES = (".yml", ".yaml")
MEDIA_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
"""The only files the site serves from the content folder (under /media/)."""
MAX_TEXT_BYTES = 256 * 1024
"""The largest Markdown file or manifest read (the shipped ones are under 12 KB): a bigger one
is an error, never parsed, so one pasted dump can't stall every worker that loads the library."""


def scan_folder(folder: Path, problems: list[Problem] | None = None) -> dict[str, Stamp]:
    """Return every file under a folder (posix path relative to it) with its stamp.

    A symbolic link whose target lies outside the folder is left out (so it is never read or
    served) and reported in `problems`: a link to the instance folder would publish its secrets.
    Linked folders are not followed at all.
    """
    found: dict[str, Stamp] = {}
    if not folder.is_dir():
        return found
    real_folder = os.path.realpath(folder)
    for root, dirs, names in os.walk(folder):
        # Hidden folders (.git, editor caches) are never content.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root).relative_to(folder).as_posix()
        for name in names:
            if name.startswith("."):
                continue
            full = os.path.join(root, name)
            rel = name if base == "." else f"{base}/{name}"
            try:
                info = os.lstat(full)
                if stat.S_ISLNK(info.st_mode):
                    if not is_inside(real_folder, full):
                        if problems is not None:
                            problems.append(link_out_problem(folder, rel))
                        continue
                    info = os.stat(full)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found[rel] = (info.st_mtime_ns, info.st_size)
    return found


def is_inside(real_folder: str, path: str) -> bool:
    """Return True if a path, links resolved, lies inside a folder (given as its real path)."""
    return os.path.realpath(path).startswith(real_folder.rstrip(os.sep) + os.sep)


def link_out_problem(folder: Path, rel: str) -> Problem:
    """Explain why a link to a file outside the folder is refused."""
    return Problem(
        f"{folder.name}/{rel}",
        1,
        f"this is a link to a file outside the {folder.name} folder; it is never read or "
        "served: copy the file in instead",
    )


def is_page_file(rel: str) -> bool:
    """Return True for a Markdown content file."""
    return rel.endswith(".md")


def is_manifest_file(rel: str) -> bool:
    """Return True for a pathway manifest at the top of the pathways folder."""
    return "/" not in rel and rel.endswith(MANIFEST_SUFFIXES)


def is_media_file(rel: str) -> bool:
    """Return True for a file the site can serve from the content folder."""
    return rel.lower().endswith(MEDIA_SUFFIXES)


def read_inside(folder: Path, rel: str) -> str:
    """Read a text file of a folder, refusing one that has become a link out of it."""
    path = folder / rel
    if not is_inside(os.path.realpath(folder), str(path)):
        raise OutsideFolder(link_out_problem(folder, rel).message)
    return read_text(path)


class OutsideFolder(OSError):
    """A file whose real path is outside its content folder."""


class TooLarge(OSError):
    """A text file over MAX_TEXT_BYTES."""


def read_text(path: Path) -> str:
    """Read a UTF-8 file with newlines normalised; raise OSError or UnicodeDecodeError.

    The size is checked on the open file, so a file swapped for a bigger one is still refused.
    """
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        data = file.read(MAX_TEXT_BYTES + 1)
    if size > MAX_TEXT_BYTES or len(data) > MAX_TEXT_BYTES:
        raise TooLarge(
            f"this file is {max(size, len(data)) / 1024:,.0f} KB; a content file may be at most "
            f"{MAX_TEXT_BYTES // 1024} KB: split it into several steps"
        )
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")
