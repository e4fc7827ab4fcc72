"""SQL pieces the two databases spell differently: days between times, months, medians."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    Float,
    Select,
    String,
    cast,
    func,
    literal_column,
    select,
)

from upward.extensions import db


def dialect() -> str:
    """Return the name of the database the session talks to ('sqlite' or 'postgresql')."""
    return db.session.get_bind().dialect.name


def days_between(start: Any, end: Any) -> ColumnElement[Any]:
    """Return the days from one timestamp to another, with fractions."""
    if dialect() == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return cast(func.julianday(end) - func.julianday(start), Float)


def month_of(moment: Any) -> ColumnElement[str]:
    """Return a timestamp's month in UTC as 'YYYY-MM'."""
    if dialect() == "postgresql":
        return func.to_char(func.timezone("UTC", moment), "YYYY-MM")
    return cast(func.strftime("%Y-%m", moment), String)


def rows(stmt: Executable) -> list[tuple[Any, ...]]:
    """Return a statement's rows as plain tuples (aggregates: a few rows, whatever the data)."""
    return [tuple(row) for row in db.session.execute(stmt)]


def medians(query: Select, value: str, group: str | None = None) -> dict[Any, float]:
    """Return the median of one column of a query, per group (or under the key None).

    Done in the database with window functions (both databases have them), so no list of
    values comes back: only one number per group.
    """
    sub = query.subquery()
    column = sub.c[value]
    partition = [sub.c[group]] if group else []
    ranked = select(
        (sub.c[group] if group else literal_column("0")).label("g"),
        column.label("v"),
        func.row_number().over(partition_by=partition, order_by=column).label("n"),
        func.count().over(partition_by=partition).label("c"),
    ).subquery()
    middle = (ranked.c.n == (ranked.c.c + 1) / 2) | (ranked.c.n == (ranked.c.c + 2) / 2)
    stmt = select(ranked.c.g, func.avg(ranked.c.v)).where(middle).group_by(ranked.c.g)
    found = {key: float(median) for key, median in rows(stmt)}
    return found if group else {None: found[0]} if found else {}
