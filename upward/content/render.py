"""Render Markdown to safe HTML: plugins, callouts, checks, reflections, link rewriting."""

from __future__ import annotations

import difflib
import logging
import posixpath
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Union
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .frontmatter import YamlError, load_yaml
from .problems import Problem
from .schema import CheckSpec, ReflectionSpec, one_of, validate

log = logging.getLogger(__name__)

CALLOUTS = ("tip", "note", "warning", "example")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# NUL never survives markdown-it's normalize step (it becomes U+FFFD), so authors can't forge these.
BLOCK_RE = re.compile("\x00block(\\d+)\x00")
LINK_RE = re.compile("\x00link(\\d+)\x00")
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]+")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_ABSOLUTE_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*:|/)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")

RENDER_SECONDS = 2.0
"""CPU seconds one file may take to render (the shipped ones take about 2 ms): past it the file
is an error, so a pathological one can't hold every worker that loads the library."""
MAX_HTML_CHARS = 4_000_000
"""The most HTML one file may render to: a link reference used a hundred thousand times would
otherwise expand a small file into gigabytes."""
BUDGET_EVERY = 512
"""Look at the clock once every this many parser steps (reading it costs a system call)."""


class RenderLimit(Exception):
    """A file took more time or would make more HTML than one file may."""


@dataclass(frozen=True)
class UrlScheme:
    """Format strings for the site's URLs, so the core rewrites links without a web framework."""

    step: str = "/steps/{id}"
    template: str = "/templates/{id}"
    resource: str = "/resources/{id}"
    media: str = "/media/{path}"

    def page_url(self, kind: str, page_id: str, anchor: str = "") -> str:
        """Return the URL of a page of a kind, with an optional #anchor."""
        url = getattr(self, kind).format(id=quote(page_id, safe=""))
        return f"{url}#{quote(anchor, safe='')}" if anchor else url

    def media_url(self, path: str) -> str:
        """Return the URL of a file under the content folder."""
        return self.media.format(path=quote(path))


@dataclass(frozen=True)
class Heading:
    """A level 2 or 3 heading, for the outline."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Html:
    """Rendered HTML, safe to output as is."""

    html: str


@dataclass(frozen=True)
class Option:
    """One answer of a knowledge check."""

    text_html: str
    correct: bool
    feedback_html: str


@dataclass(frozen=True)
class Check:
    """A knowledge check: a question with options, exactly one of them correct."""

    id: str
    question_html: str
    options: tuple[Option, ...]
    line: int = 0
    """The line of the file the check starts on, for the checker's warnings."""


@dataclass(frozen=True)
class Reflection:
    """A reflection prompt the learner answers in a private note."""

    id: str
    prompt_html: str


Block = Union[Html, Check, Reflection]  # noqa: UP007 -- a runtime alias usable with isinstance


@dataclass(frozen=True)
class Link:
    """A relative link to a content page (target) or to an anchor in the same page (target "")."""

    target: str
    anchor: str
    line: int
    written: str


@dataclass(frozen=True)
class Asset:
    """A relative image or file the page uses, as a path under the content folder."""

    target: str
    line: int
    written: str
    is_image: bool


@dataclass(frozen=True)
class Rendered:
    """Everything rendering one Markdown text produced."""

    blocks: tuple[Block, ...]
    headings: tuple[Heading, ...]
    anchors: frozenset[str]
    links: tuple[Link, ...]
    """Page links; link n is written as a placeholder that `resolve_links` replaces."""
    assets: tuple[Asset, ...]
    problems: tuple[Problem, ...]
    plain_text: str


@dataclass
class _Context:
    """Collects what a render finds; lives in markdown-it's env for one file."""

    path: str
    rel: str
    first_line: int
    urls: UrlScheme
    links: list[Link] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    block_lines: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    headings: list[Heading] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    anchor_lines: dict[str, int] = field(default_factory=dict)
    plain: list[str] = field(default_factory=list)
    deadline: float = 0.0
    """time.thread_time() past which rendering stops."""
    steps: int = 0

    def problem(self, line: int, message: str) -> None:
        """Record an error at a file line."""
        self.problems.append(Problem(self.path, line, message))


def is_safe_url(url: str) -> bool:
    """Allow only http, https, mailto and relative URLs, whatever tricks hide the scheme."""
    cleaned = _INVISIBLE_RE.sub("", unquote(url)).lower()
    match = _SCHEME_RE.match(cleaned)
    if match:
        return match.group(1) in SAFE_SCHEMES
    # A colon before the path could still read as a scheme to some browser: refuse it.
    return ":" not in re.split(r"[/?#]", cleaned, maxsplit=1)[0]


def get_markdown() -> MarkdownIt:
    """Build the Markdown engine: safe preset, plugins, our fences, callouts and link rules."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin).use(deflist_plugin).use(tasklists_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3)
    md.use(container_plugin, "callout", validate=_is_container, render=_render_callout)
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.add_render_rule("fence", _render_fence)
    md.block.ruler.before("table", "upward_budget", _spend_block)
    md.inline.ruler.before("text", "upward_budget", _spend_inline)
    md.core.ruler.push("upward_size", _check_size)
    md.core.ruler.push("upward", _collect)
    md.core.ruler.push("table_labels", _label_table_cells)
    md.add_render_rule("td_open", _render_td_open)
    return md


def render_markdown(
    text: str, *, path: str, rel: str, first_line: int = 1, urls: UrlScheme | None = None
) -> Rendered:
    """Render a Markdown body of the file `rel` (under content/) whose first line is first_line."""
    ctx = _Context(path, rel, first_line, urls or UrlScheme())
    ctx.deadline = time.thread_time() + RENDER_SECONDS
    try:
        html = MD.render(text, {"ctx": ctx})
    except RenderLimit as error:
        empty = Rendered((), (), frozenset(), (), (), (), "")
        return replace(empty, problems=(Problem(path, first_line, str(error)),))
    return Rendered(
        blocks=_split_blocks(html, ctx.blocks),
        headings=tuple(ctx.headings),
        anchors=frozenset(ctx.anchors),
        links=tuple(ctx.links),
        assets=tuple(ctx.assets),
        problems=tuple(ctx.problems),
        plain_text=_plain(ctx.plain),
    )


def resolve_links(html: str, urls: Sequence[str]) -> str:
    """Replace link placeholders with final URLs (escaped for an attribute)."""
    if "\x00" not in html:
        return html
    return LINK_RE.sub(lambda m: escapeHtml(urls[int(m.group(1))]), html)


def map_block(block: Block, change: Callable[[str], str]) -> Block:
    """Return a block with change applied to each of its HTML strings."""
    if isinstance(block, Html):
        return Html(change(block.html))
    if isinstance(block, Reflection):
        return Reflection(block.id, change(block.prompt_html))
    options = tuple(
        Option(change(o.text_html), o.correct, change(o.feedback_html)) for o in block.options
    )
    return Check(block.id, change(block.question_html), options, block.line)


def _split_blocks(html: str, found: list[Block]) -> tuple[Block, ...]:
    """Cut rendered HTML at block markers into Html, Check and Reflection blocks."""
    blocks: list[Block] = []
    for index, part in enumerate(BLOCK_RE.split(html)):
        if index % 2:
            blocks.append(found[int(part)])
        elif part.strip():
            blocks.append(Html(part))
    return tuple(blocks)


def _plain(parts: list[str]) -> str:
    """Join text for search, without control characters (they mark search snippets)."""
    return _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", " ".join(parts))).strip()


def _spend(ctx: _Context | None) -> None:
    """Count a parser step; stop the render once the file has used up its time."""
    if ctx is None:
        return
    ctx.steps += 1
    if ctx.steps % BUDGET_EVERY == 0 and time.thread_time() > ctx.deadline:
        raise RenderLimit(
            f"this file takes more than {RENDER_SECONDS:g} s to render; "
            "simplify its Markdown or split it into several steps"
        )


def _spend_block(state: Any, *args: Any) -> bool:
    """A block rule that never matches: it only counts the step."""
    _spend(state.env.get("ctx"))
    return False


def _spend_inline(state: Any, silent: bool) -> bool:
    """An inline rule that never matches: it only counts the step."""
    _spend(state.env.get("ctx"))
    return False


def _check_size(state: StateCore) -> None:
    """Refuse a file whose HTML would be larger than MAX_HTML_CHARS, before it is made."""
    if state.env.get("ctx") is None:
        return
    total = 0
    for token in _walk(state.tokens):
        total += len(token.content) + sum(len(str(value)) for value in token.attrs.values())
        if total > MAX_HTML_CHARS:
            raise RenderLimit(
                f"this file would render to more than {MAX_HTML_CHARS // 1_000_000} MB of HTML "
                "(a link reference or footnote used many thousands of times?); shorten it"
            )


def _is_container(params: str, *args: Any) -> bool:
    """Accept every `::: name` so unknown callout kinds can be reported, not ignored."""
    return bool(params.strip())


def _render_callout(self: RendererHTML, tokens: Sequence[Token], idx: int, *args: Any) -> str:
    """Render a callout as an aside with an escaped title; unknown kinds as a plain div."""
    token = tokens[idx]
    kind = token.meta.get("kind")
    if token.nesting == -1:
        return "</aside>\n" if kind else "</div>\n"
    if not kind:
        return '<div class="callout">\n'
    title = token.meta.get("title", "")
    head = f'<p class="callout-title">{escapeHtml(title)}</p>\n' if title else ""
    return f'<aside class="callout callout-{kind}" role="note">\n{head}'


def _render_fence(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    """Turn ```check and ```reflection fences into block markers; render other fences as code."""
    token = tokens[idx]
    name = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
    ctx = env.get("ctx")
    if ctx is not None and "line" not in env and name in ("check", "reflection"):
        return _add_block(ctx, name, token)
    return RendererHTML.fence(self, tokens, idx, options, env)


def _add_block(ctx: _Context, name: str, token: Token) -> str:
    """Parse a check or reflection fence, record it, and return its marker."""
    line = ctx.first_line + (token.map[0] if token.map else 0)
    ctx.counts[name] = number = ctx.counts.get(name, 0) + 1
    try:
        doc = load_yaml(token.content, first_line=line + 1)
    except YamlError as error:
        ctx.problem(error.line, f"{name} block: {error.message}")
        return ""
    for key, key_line in doc.duplicates:
        ctx.problem(key_line, f"{name} block: '{key}' is written twice; keep only one")
    model: type[CheckSpec] | type[ReflectionSpec] = CheckSpec if name == "check" else ReflectionSpec
    spec, problems = validate(model, doc, ctx.path, what=f"a {name} block")
    for problem in problems:
        ctx.problem(problem.line, f"{name} block: {problem.message}")
    if spec is None:
        return ""
    block_id = spec.id or f"{name}-{number}"
    _claim_id(ctx, name, block_id, line)
    block = (
        _build_check(ctx, spec, block_id, line)
        if name == "check"
        else _build_reflection(ctx, spec, block_id, line)
    )
    ctx.blocks.append(block)
    return f"\x00block{len(ctx.blocks) - 1}\x00\n"


def _claim_id(ctx: _Context, name: str, block_id: str, line: int) -> None:
    """Report a check or reflection id used twice in one page, or also used by a heading."""
    first = ctx.block_lines.setdefault(block_id, line)
    if first != line:
        ctx.problem(line, f"duplicate block id '{block_id}': the block on line {first} uses it too")
    heading = ctx.anchor_lines.get(block_id)
    if heading is not None:
        ctx.problem(
            line,
            f"the {name} id '{block_id}' is the same as the anchor of the heading on line "
            f"{heading}; change one of them so links to either land in the right place",
        )


def _build_check(ctx: _Context, spec: Any, block_id: str, line: int) -> Check:
    """Render a validated check, reporting a wrong number of correct options."""
    correct = sum(option.correct for option in spec.options)
    if correct != 1:
        ctx.problem(line, f"check block: exactly one option must be correct: true, found {correct}")
    env = {"ctx": ctx, "line": line}
    options = tuple(
        Option(MD.renderInline(o.text, env), o.correct, MD.render(o.feedback, env))
        for o in spec.options
    )
    return Check(block_id, MD.render(spec.question, env), options, line)


def _build_reflection(ctx: _Context, spec: Any, block_id: str, line: int) -> Reflection:
    """Render a validated reflection prompt."""
    return Reflection(block_id, MD.renderInline(spec.prompt, {"ctx": ctx, "line": line}))


def _collect(state: StateCore) -> None:
    """Core rule: record headings, check callouts, rewrite links and images, gather text."""
    ctx: _Context | None = state.env.get("ctx")
    nested_line: int | None = state.env.get("line")
    line = nested_line or (ctx.first_line if ctx else 1)
    callouts: list[Token] = []
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.map and nested_line is None and ctx:
            line = ctx.first_line + token.map[0]
        if token.type == "container_callout_open":
            _open_callout(ctx, token, line)
            callouts.append(token)
        elif token.type == "container_callout_close" and callouts:
            token.meta = dict(callouts.pop().meta)
        elif ctx is None:
            continue
        elif token.type == "heading_open" and nested_line is None:
            _add_heading(ctx, token, tokens[index + 1], line)
        elif token.type == "inline":
            _collect_inline(ctx, token, line)
        elif token.type in ("fence", "code_block") and token.info.strip() not in (
            "check",
            "reflection",
        ):
            ctx.plain.append(token.content)


def _label_table_cells(state: StateCore) -> None:
    """Core rule: give each body cell its column's heading, so a phone can stack the rows."""
    headings: list[str] = []
    column = 0
    for index, token in enumerate(state.tokens):
        if token.type == "thead_open":
            headings = []
        elif token.type == "th_open":
            inline = state.tokens[index + 1]
            headings.append("".join(c.content for c in inline.children or () if c.content))
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            label = headings[column] if column < len(headings) else ""
            if label.strip() and state.tokens[index + 1].content.strip():
                token.meta["label"] = label.strip()
            column += 1


def _render_td_open(self: RendererHTML, tokens: Sequence[Token], idx: int, *args: Any) -> str:
    """Open a body cell with its column's heading, shown only where rows are stacked."""
    opening = self.renderToken(tokens, idx, *args)
    label = tokens[idx].meta.get("label")
    if not label:
        return opening
    return f'{opening}<span class="cell-label">{escapeHtml(label)}</span>'


def _open_callout(ctx: _Context | None, token: Token, line: int) -> None:
    """Read a callout's kind and title, reporting unknown kinds."""
    kind, _, title = token.info.strip().partition(" ")
    if kind.lower() in CALLOUTS:
        token.meta = {"kind": kind.lower(), "title": title.strip()}
        return
    if ctx is not None:
        close = difflib.get_close_matches(kind.lower(), CALLOUTS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        ctx.problem(line, f"unknown callout kind '{kind}'{hint}; use one of {one_of(CALLOUTS)}")


def _add_heading(ctx: _Context, token: Token, inline: Token, line: int) -> None:
    """Record a heading's anchor and line, and level 2-3 headings for the outline."""
    anchor = token.attrGet("id")
    if not anchor:
        return
    text = "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))
    ctx.anchors.add(str(anchor))
    ctx.anchor_lines.setdefault(str(anchor), line)
    if token.tag in ("h2", "h3"):
        ctx.headings.append(Heading(int(token.tag[1]), text, str(anchor)))


def _collect_inline(ctx: _Context, inline: Token, line: int) -> None:
    """Rewrite links and images in an inline token and gather its text."""
    cursor = [0]
    for child in _walk(inline.children or ()):
        if child.type in ("text", "code_inline"):
            ctx.plain.append(child.content)
        elif child.type in ("link_open", "image"):
            attr = "href" if child.type == "link_open" else "src"
            href = str(child.attrGet(attr) or "")
            at = _line_in(inline, href, line, cursor)
            child.attrSet(attr, _rewrite(ctx, href, at, child.type == "image"))


def _walk(tokens: Sequence[Token]) -> list[Token]:
    """Flatten inline tokens, including an image's alt-text children."""
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        if token.children:
            flat.extend(_walk(token.children))
    return flat


def _line_in(inline: Token, href: str, line: int, cursor: list[int]) -> int:
    """Find the line of a link inside a multi-line paragraph (fall back to its first line)."""
    if inline.map is None or not href:
        return line
    for needle in (href, unquote(href)):
        position = inline.content.find(needle, cursor[0])
        if position >= 0:
            cursor[0] = position + len(needle)
            return line + inline.content.count("\n", 0, position)
    return line


def _rewrite(ctx: _Context, href: str, line: int, is_image: bool) -> str:
    """Return the URL to output for a link or image, recording what must be checked."""
    if not href or _ABSOLUTE_RE.match(href):
        return href
    if href.startswith("#"):
        ctx.links.append(Link("", unquote(href[1:]), line, href))
        return href
    path, _, anchor = href.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        return href
    target = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.rel), path))
    if target == ".." or target.startswith("../"):
        ctx.problem(line, f"link '{unquote(href)}' points outside the content folder")
        return "#"
    if is_image or not target.endswith(".md"):
        ctx.assets.append(Asset(target, line, unquote(href), is_image))
        return ctx.urls.media_url(target)
    ctx.links.append(Link(target, unquote(anchor), line, unquote(href)))
    return f"\x00link{len(ctx.links) - 1}\x00"


MD = get_markdown()
