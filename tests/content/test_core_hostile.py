"""Hostile Markdown must come out inert: no scripts, handlers or dangerous URLs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from upward.content.render import Check, Html, Reflection, render_markdown

HERE = Path(__file__).parent
OWN_CORPUS = HERE.parent / "fixtures" / "hostile" / "payloads.txt"
SHARED_CORPUS = HERE.parents[1] / ".." / "shared" / "corpora" / "markdown-xss-payloads.txt"
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "meta", "svg", "math", "base"}
BAD_URL = re.compile(r"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster"}
SAFE_ATTRIBUTES = {
    "href",
    "src",
    "alt",
    "title",
    "id",
    "class",
    "role",
    "type",
    "checked",
    "disabled",
}


class Audit(HTMLParser):
    """Collect every dangerous thing in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if re.fullmatch(r"on\w+", name) or name not in SAFE_ATTRIBUTES:
                self.found.append(f"attribute {name}={value!r} on <{tag}>")
            cleaned = re.sub(r"[\x00-\x20]+", "", value or "")
            if name in URL_ATTRIBUTES and BAD_URL.match(cleaned):
                self.found.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def get_html(markdown: str) -> str:
    """Render a payload and return all the HTML it produced, blocks included."""
    parts: list[str] = []
    for block in render_markdown(markdown, path="content/x.md", rel="x.md").blocks:
        if isinstance(block, Html):
            parts.append(block.html)
        elif isinstance(block, Reflection):
            parts += [block.id, block.prompt_html]
        elif isinstance(block, Check):
            parts += [block.id, block.question_html]
            parts += [o.text_html + o.feedback_html for o in block.options]
    return "".join(parts)


def get_dangers(html: str) -> list[str]:
    """Return what is dangerous in some HTML."""
    audit = Audit()
    audit.feed(html)
    audit.close()
    return audit.found


def read_payloads(path: Path) -> list[str]:
    """Read one payload per line; a literal \\n in our own corpus stands for a newline."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path == OWN_CORPUS:
        lines = [line.replace("\\n", "\n").replace("\\x01", "\x01") for line in lines]
    return [line for line in lines if line.strip()]


def test_own_corpus_is_big_enough() -> None:
    assert len(read_payloads(OWN_CORPUS)) >= 40


def test_audit_catches_danger() -> None:
    """The checker itself must be able to fail."""
    assert get_dangers('<a href=" JavaScript:x">') == ["href=' JavaScript:x' on <a>"]
    assert get_dangers("<img src=x onerror=alert(1)>") == ["attribute onerror='alert(1)' on <img>"]
    assert get_dangers("<script>x</script>") == ["<script>"]


@pytest.mark.parametrize("payload", read_payloads(OWN_CORPUS))
def test_own_payload_is_inert(payload: str) -> None:
    html = get_html(payload)
    assert get_dangers(html) == [], html
    assert "<script" not in html.lower()


@pytest.mark.skipif(
    not SHARED_CORPUS.exists(), reason=f"shared corpus not present at {SHARED_CORPUS}"
)
def test_shared_corpus_is_inert() -> None:
    failures = {}
    for payload in read_payloads(SHARED_CORPUS):
        html = get_html(payload)
        dangers = get_dangers(html)
        if dangers or "<script" in html.lower():
            failures[payload] = dangers
    assert failures == {}
