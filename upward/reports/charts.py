"""Charts drawn on the server as SVG geometry: no script, no CDN, nothing for the CSP to block.

These functions only do arithmetic; templates/reports/_charts.html draws the shapes, and every
chart on a page sits next to a table of the same numbers for people who do not see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upward.reports.dashboard import Dashboard
    from upward.reports.surveys import Group

WIDTH = 640
LABEL_WIDTH = 200
BAR_HEIGHT = 22
GAP = 8


@dataclass(frozen=True, slots=True)
class Bar:
    """One rectangle: where it goes, its value, and the CSS class that colours it."""

    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    css: str


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart: its size, bars, and the labels along its axis."""

    width: int
    height: float
    bars: tuple[Bar, ...]
    labels: tuple[tuple[str, float, float], ...] = ()
    """Text and where it goes (x, y): row labels or month names."""
    legend: tuple[tuple[str, str], ...] = ()
    """(label, css class) of each series of a stacked chart."""


def horizontal(rows: Sequence[tuple[str, float, str]], css: str | Sequence[str] = "bar") -> Chart:
    """Return a bar per row (label, value, the value as text), longest for the largest."""
    top = max((value for _, value, _ in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    bars = []
    labels = []
    for i, (label, value, text) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        width = room * value / top
        colour = css if isinstance(css, str) else css[i % len(css)]
        bars.append(Bar(label, value, text, LABEL_WIDTH, y, width, BAR_HEIGHT, colour))
        labels.append((label, LABEL_WIDTH - 8, y + BAR_HEIGHT * 0.7))
    height = max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return Chart(WIDTH, height, tuple(bars), tuple(labels))


def stacked_columns(
    columns: Sequence[tuple[str, Sequence[float]]], series: Sequence[tuple[str, str]]
) -> Chart:
    """Return stacked columns: each column (label, a value per series) on one axis."""
    height, axis = 220.0, 24.0
    top = max((sum(values) for _, values in columns), default=0) or 1
    step = (WIDTH - 20) / max(len(columns), 1)
    width = min(step * 0.7, 48)
    bars = []
    labels = []
    for i, (label, values) in enumerate(columns):
        x = 10 + i * step + (step - width) / 2
        base = height - axis
        for (name, css), value in zip(series, values, strict=True):
            h = (height - axis - 10) * value / top
            base -= h
            if value:
                bars.append(Bar(f"{label}: {name}", value, f"{value:g}", x, base, width, h, css))
        labels.append((label, x + width / 2, height - 6))
    return Chart(WIDTH, height, tuple(bars), tuple(labels), tuple(series))


def percent(part: float, whole: float) -> str:
    """Return a share as a whole percentage ('—' when there is nothing to share)."""
    return f"{round(100 * part / whole)}%" if whole else "—"


def dashboard_charts(report: Dashboard) -> dict[str, Chart]:
    """Return the dashboard's charts, drawn from the same numbers as its tables."""
    from upward.vocabulary import HEALTH, PARTICIPANT_ROLES

    months = report.sessions.months
    cancellers = {"executive": "Executives", "mentor": "Mentors", "other": "Someone else"}
    found: dict[str, Chart] = {
        "health": horizontal(
            [(HEALTH[k], v, str(v)) for k, v in report.pairs.by_health.items()],
            [f"bar-{k}" for k in report.pairs.by_health],
        ),
        "sessions": stacked_columns(
            [(m.label, (m.held, m.cancelled, m.planned)) for m in months],
            (("Held", "bar-held"), ("Cancelled", "bar-cancelled"), ("Planned", "bar-planned")),
        ),
        "cancelled_by": horizontal(
            [(cancellers[k], v, str(v)) for k, v in report.sessions.cancelled_by.items()],
            "bar-cancelled",
        ),
        "pathways": horizontal(
            [
                (
                    f"{row.pathway.title} ({PARTICIPANT_ROLES[row.role]}s)",
                    row.finished_percent,
                    f"{row.finished_percent}%",
                )
                for row in report.pathways
            ],
            "bar-held",
        ),
    }
    if report.funnel:
        size = report.funnel.audience_size
        found["funnel"] = horizontal(
            [
                (f"{s.number}. {s.title}", s.completed, percent(s.completed, size))
                for s in report.funnel.steps
            ],
            "bar-held",
        )
    return found


def usefulness_chart(group: Group) -> Chart:
    """Return a bar per usefulness rating of one survey point."""
    return horizontal([(f"{k} of 5", v, str(v)) for k, v in group.usefulness.items()], "bar-held")
