"""Problems found in content files, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an author should fix, at a line of a file."""

    path: str
    """The file, relative to its folder's parent (`content/mentor/sbi.md`)."""
    line: int
    """1-based line in the file (front matter included)."""
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        """Return True when this problem blocks loading the library."""
        return self.severity == "error"


class LibraryError(Exception):
    """The library has errors; `problems` lists every problem found (errors and warnings)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = sum(p.is_error for p in self.problems)
        super().__init__(f"the content library has {errors} error(s)")

    def __str__(self) -> str:
        lines = [super().__str__(), *(str(p) for p in self.problems)]
        return "\n".join(lines)


def has_errors(problems: Iterable[Problem]) -> bool:
    """Return True if any problem is an error."""
    return any(p.is_error for p in problems)
