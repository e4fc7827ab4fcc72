"""Full-text search over every page with SQLite FTS5 (in memory, built with the library)."""

from __future__ import annotations

import html
import logging
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 10.0, 4.0, 1.0
MAX_TERMS = 16
_TERM_RE = re.compile(r"\w+")
_OPEN, _CLOSE = "\x02", "\x03"
_SCHEMA = """
CREATE VIRTUAL TABLE pages USING fts5(
    title, summary, body, page_id UNINDEXED, kind UNINDEXED, public UNINDEXED,
    audience UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
)
"""
_RANK = f"bm25(pages, {TITLE_WEIGHT}, {SUMMARY_WEIGHT}, {BODY_WEIGHT})"


@dataclass(frozen=True)
class SearchRow:
    """What the index stores for one page."""

    page_id: str
    kind: str
    title: str
    summary: str
    body: str
    public: bool
    audience: frozenset[str]


@dataclass(frozen=True)
class Hit:
    """One search result; snippet_html is escaped text with <mark> around matches."""

    kind: str
    id: str
    title: str
    snippet_html: str
    score: float
    """Higher is better."""


def get_match_query(text: str) -> str | None:
    """Turn any user text into a safe FTS5 query: quoted terms, the last one a prefix."""
    terms = _TERM_RE.findall(text)[:MAX_TERMS]
    if not terms:
        return None
    quoted = [f'"{term}"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


class SearchIndex:
    """An in-memory FTS5 index; one connection shared by threads behind a lock."""

    def __init__(self, rows: Iterable[SearchRow]) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(_SCHEMA)
            self._db.executemany(
                "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (r.title, r.summary, r.body, r.page_id, r.kind, int(r.public), _audience(r))
                    for r in rows
                ),
            )

    def search(
        self,
        query: str,
        *,
        include_drafts: bool = False,
        audiences: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Return the best matches for a query; odd input gives no hits, never an error."""
        match = get_match_query(query or "")
        if match is None or limit <= 0:
            return []
        sql, params = _get_sql(match, include_drafts, audiences, kinds, limit)
        try:
            with self._lock:
                rows = self._db.execute(sql, params).fetchall()
        except sqlite3.Error:
            log.warning("search failed for %r", query, exc_info=True)
            return []
        return [
            Hit(kind, page_id, title, _marked(_best_snippet(body, summary)), -rank)
            for page_id, kind, title, body, summary, rank in rows
        ]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def _audience(row: SearchRow) -> str:
    """Store audiences space-delimited so one can be found with instr()."""
    return f" {' '.join(sorted(row.audience))} "


def _get_sql(
    match: str,
    include_drafts: bool,
    audiences: Iterable[str] | None,
    kinds: Iterable[str] | None,
    limit: int,
) -> tuple[str, list[object]]:
    """Build the search statement and its parameters."""
    where = ["pages MATCH ?"]
    params: list[object] = [_OPEN, _CLOSE, _OPEN, _CLOSE, match]
    if not include_drafts:
        where.append("public = 1")
    if audiences is not None:
        wanted = ["all", *audiences]
        where.append("(" + " OR ".join("instr(audience, ?) > 0" for _ in wanted) + ")")
        params += [f" {a} " for a in wanted]
    if kinds is not None:
        kinds = list(kinds)
        where.append(f"kind IN ({', '.join('?' for _ in kinds)})" if kinds else "0")
        params += kinds
    params.append(limit)
    # Only fixed SQL fragments are interpolated; every value is a bound parameter.
    sql = (
        "SELECT page_id, kind, title, snippet(pages, 2, ?, ?, '…', 24), "  # noqa: S608
        f"snippet(pages, 1, ?, ?, '…', 24), {_RANK} AS rank "
        f"FROM pages WHERE {' AND '.join(where)} ORDER BY rank LIMIT ?"
    )
    return sql, params


def _best_snippet(body: str, summary: str) -> str:
    """Prefer the body's snippet; when only the title or summary matched, show the summary."""
    if _OPEN in body or not summary:
        return body
    return summary


def _marked(snippet: str) -> str:
    """Escape a snippet and turn the match markers into <mark> tags."""
    escaped = html.escape(snippet.replace("\x00", ""), quote=True)
    return escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
