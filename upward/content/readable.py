"""A step's text as a reader sees it, and readable differences between two versions.

Diffs are of what the page says, paragraph by paragraph, never of its Markdown source, and a
knowledge check appears as its question and its options in alphabetical order: which option is
right, and the feedback that would say so, are never part of the readable text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .frontmatter import YamlError, load_yaml

_MD = (
    MarkdownIt("commonmark", {"html": False, "typographer": True})
    .enable(["table", "strikethrough", "replacements", "smartquotes"])
    .use(footnote_plugin)
    .use(deflist_plugin)
)
_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+|[^\w\s]+|\s+")
_CONTAINER_RE = re.compile(r"^:::\s*(\w+)?\s*(.*)$")
CONTEXT = 1
"""Unchanged paragraphs shown on each side of a change."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One readable unit of a step: heading, text, item, row, check, option or reflection."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of words inside a changed paragraph: kind is same, added or removed."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Change:
    """One paragraph of a diff: same, added, removed, changed (with word pieces) or a gap."""

    kind: str
    paragraph: Paragraph | None
    pieces: tuple[Piece, ...] = ()
    skipped: int = 0
    """For a gap: how many unchanged paragraphs are not shown."""


def get_paragraphs(markdown: str) -> tuple[Paragraph, ...]:
    """Return a step body as the paragraphs a reader sees, in order."""
    paragraphs: list[Paragraph] = []
    lines = [_container_line(line) for line in markdown.split("\n")]
    tokens = _MD.parse("\n".join(lines))
    kind = "text"
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            paragraphs.append(Paragraph("row", " | ".join(row)))
            row = None
        elif token.type == "inline" and row is not None:
            row.append(_inline_text(token))
        elif token.type == "heading_open":
            kind = "heading"
        elif token.type == "list_item_open":
            kind = "item"
        elif token.type in ("heading_close", "list_item_close"):
            kind = "text"
        elif token.type == "inline":
            text = _inline_text(token)
            if text:
                paragraphs.append(Paragraph(kind, text))
            if tokens[index - 1].type == "heading_open":
                kind = "text"
        elif token.type == "fence":
            paragraphs.extend(_fence_paragraphs(token))
    return tuple(paragraphs)


def _container_line(line: str) -> str:
    """Turn a callout fence into a readable line: its title, or nothing."""
    match = _CONTAINER_RE.match(line.strip())
    if not match:
        return line
    return f"**{match.group(2)}**\n" if match.group(2) else ""


def _inline_text(token: Token) -> str:
    """Return the plain text of an inline token (links keep their words, not their address)."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return _SPACE_RE.sub(" ", "".join(parts)).strip()


def _plain(markdown: str) -> str:
    """Return Markdown text as plain text on one line."""
    tokens = _MD.parse(markdown)
    return " ".join(t for t in (_inline_text(x) for x in tokens if x.type == "inline") if t)


def _fence_paragraphs(token: Token) -> list[Paragraph]:
    """Return a check (question and sorted options, no key) or a reflection, or code as text."""
    name = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    if name not in ("check", "reflection"):
        return [Paragraph("text", line) for line in token.content.splitlines() if line.strip()]
    try:
        doc = load_yaml(token.content).data
    except YamlError:
        return []
    if not isinstance(doc, dict):
        return []
    if name == "reflection":
        return [Paragraph("reflection", _plain(str(doc.get("prompt", ""))))]
    found = [Paragraph("check", _plain(str(doc.get("question", ""))))]
    raw = doc.get("options")
    options: list[object] = raw if isinstance(raw, list) else []
    texts = sorted(_plain(str(o.get("text", ""))) for o in options if isinstance(o, dict))
    found.extend(Paragraph("option", text) for text in texts)
    return found


def get_changes(old: str, new: str, context: int = CONTEXT) -> list[Change]:
    """Return what changed between two step bodies, paragraph by paragraph, with context."""
    before, after = get_paragraphs(old), get_paragraphs(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.extend(Change("same", p) for p in before[i1:i2])
        elif tag == "replace":
            changes.extend(_replaced(before[i1:i2], after[j1:j2]))
        elif tag == "delete":
            changes.extend(Change("removed", p) for p in before[i1:i2])
        else:
            changes.extend(Change("added", p) for p in after[j1:j2])
    return _with_gaps(changes, context)


def _replaced(before: Sequence[Paragraph], after: Sequence[Paragraph]) -> list[Change]:
    """Pair replaced paragraphs of the same kind as word-level changes; the rest stay whole."""
    changes: list[Change] = []
    for index in range(max(len(before), len(after))):
        old = before[index] if index < len(before) else None
        new = after[index] if index < len(after) else None
        if old and new and old.kind == new.kind and _similar(old.text, new.text):
            changes.append(Change("changed", new, _word_pieces(old.text, new.text)))
            continue
        if old:
            changes.append(Change("removed", old))
        if new:
            changes.append(Change("added", new))
    return changes


def _similar(old: str, new: str) -> bool:
    """Tell whether two paragraphs are close enough to show as one edited paragraph."""
    return difflib.SequenceMatcher(a=old.split(), b=new.split()).ratio() >= 0.4


SHORT_RUN = 2
"""Unchanged runs of at most this many words between two changes are folded into the change,
so a rewritten sentence reads as one removal and one addition, not a confetti of words."""


def _word_pieces(old: str, new: str) -> tuple[Piece, ...]:
    """Return the word-level difference of two paragraphs."""
    a, b = _WORD_RE.findall(old), _WORD_RE.findall(new)
    ops: list[tuple[str, int, int, int, int]] = list(
        difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    )
    for index in range(1, len(ops) - 1):
        tag, i1, i2, j1, j2 = ops[index]
        words = sum(not token.isspace() for token in a[i1:i2])
        if (
            tag == "equal"
            and words <= SHORT_RUN
            and "equal" not in (ops[index - 1][0], ops[index + 1][0])
        ):
            ops[index] = ("replace", i1, i2, j1, j2)
    pieces: list[Piece] = []
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            pieces.extend(_flush(removed, added))
            pieces.append(Piece("same", "".join(a[i1:i2])))
        else:
            removed.extend(a[i1:i2])
            added.extend(b[j1:j2])
    pieces.extend(_flush(removed, added))
    return tuple(pieces)


def _flush(removed: list[str], added: list[str]) -> list[Piece]:
    """Return the pending removal and addition as pieces, and clear them."""
    pieces = [
        Piece(kind, "".join(words))
        for kind, words in (("removed", removed), ("added", added))
        if words
    ]
    removed.clear()
    added.clear()
    return pieces


def _kind(change: Change) -> str:
    """Return the kind of paragraph a change is about."""
    return change.paragraph.kind if change.paragraph else ""


def _with_gaps(changes: list[Change], context: int) -> list[Change]:
    """Keep unchanged paragraphs near a change; fold the others into gaps."""
    near: set[int] = set()
    for index, change in enumerate(changes):
        if change.kind != "same":
            near.update(range(index - context, index + context + 1))
    for index in sorted(near):  # a check near a change is shown with all its options
        if 0 <= index < len(changes) and _kind(changes[index]) == "check":
            following = index + 1
            while following < len(changes) and _kind(changes[following]) == "option":
                near.add(following)
                following += 1
    kept: list[Change] = []
    skipped = 0
    for index, change in enumerate(changes):
        if change.kind != "same" or index in near:
            if skipped:
                kept.append(Change("gap", None, skipped=skipped))
                skipped = 0
            kept.append(change)
        else:
            skipped += 1
    if skipped:
        kept.append(Change("gap", None, skipped=skipped))
    return kept
