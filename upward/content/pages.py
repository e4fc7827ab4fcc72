"""Read and render one file: a content page or a pathway manifest (cached until it changes)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .files import OutsideFolder, TooLarge, read_inside
from .frontmatter import Location, YamlDoc, YamlError, load_yaml, split_front_matter
from .problems import Problem
from .render import Html, Rendered, UrlScheme, render_markdown
from .schema import (
    ID_RE,
    ID_RULE,
    KINDS,
    META_BY_KIND,
    Manifest,
    PageMeta,
    TemplateMeta,
    one_of,
    validate,
)

log = logging.getLogger(__name__)

_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n\s*")
_RAW_ID_RE = re.compile(r"""^id:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9_-]*)["']?[ \t]*$""", re.MULTILINE)


@dataclass(frozen=True)
class PageSource:
    """One content file after parsing and rendering, before cross-file checks."""

    rel: str
    """Path under the content folder (`mentor/sbi.md`)."""
    path: str
    """Path relative to the content folder's parent (`content/mentor/sbi.md`)."""
    id: str
    kind: str
    id_line: int
    meta: PageMeta | None
    """The validated front matter, or None when it has errors."""
    lines: Mapping[Location, int]
    rendered: Rendered
    problems: tuple[Problem, ...]
    version: str
    text: str
    readable: bool = True
    kind_known: bool = True
    """False when the front matter could not be read: `kind` is then only a guess, so checks
    that depend on it are skipped rather than reported as follow-on errors."""
    resources: tuple[str, ...] = ()
    """The ids the front matter names, read even when the front matter has other errors."""
    templates: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManifestSource:
    """One pathway manifest after parsing, before cross-file checks."""

    id: str
    path: str
    manifest: Manifest | None
    lines: Mapping[Location, int]
    intro: Rendered | None
    problems: tuple[Problem, ...]
    steps: tuple[str, ...] = ()
    """The step paths listed, read even when the manifest has other errors."""
    prerequisites: tuple[str, ...] = ()


def get_text(body: str) -> str:
    """Normalise a body for readable diffs: no trailing spaces, single blank lines."""
    lines = "\n".join(line.rstrip() for line in body.strip("\n").split("\n"))
    return _BLANK_LINES_RE.sub("\n\n", lines).strip() + "\n"


def get_version(title: str, body: str) -> str:
    """Hash what learners read: the title and the body, ignoring whitespace-only edits.

    Whitespace runs (re-wrapped lines, indentation, trailing spaces, extra blank lines) are
    collapsed, so they keep the version. Front matter is left out, including `minutes`: learners
    do see the estimate, but correcting it does not change what they learned, so it must not mark
    the step "updated since you completed it". The summary is left out for the same reason.
    """
    paragraphs = re.split(r"\n[ \t]*\n", body.strip())
    canonical = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    source = f"{' '.join(title.split())}\n\n{canonical}"
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def parse_page(content_dir: Path, rel: str, urls: UrlScheme) -> PageSource:
    """Read, validate and render one content file, collecting every problem in it."""
    path = f"{content_dir.name}/{rel}"
    stem = Path(rel).stem
    try:
        text = read_inside(content_dir, rel)
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem(path, 1, _unreadable(error))
        return _unreadable_page(rel, path, stem, problem)
    split = split_front_matter(text)
    problems: list[Problem] = []
    parsed = _front_matter(split.front_matter, split.unclosed, path, problems)
    doc = parsed or YamlDoc({}, {}, 2)
    data = doc.data if isinstance(doc.data, dict) else {}
    meta = _meta(doc, data, path, problems) if parsed else None
    raw_id = None if parsed else _raw_id(split.front_matter)
    page_id = raw_id or _page_id(meta, data, stem, doc, path, problems)
    kind = meta.kind if meta else data.get("kind", "step")
    rendered = render_markdown(
        split.body, path=path, rel=rel, first_line=split.body_line, urls=urls
    )
    problems.extend(rendered.problems)
    title = meta.title if meta else str(data.get("title") or "")
    return PageSource(
        rel=rel,
        path=path,
        id=page_id,
        kind=kind if kind in KINDS else "step",
        kind_known=parsed is not None and isinstance(doc.data, dict) and kind in KINDS,
        id_line=doc.lines.get(("id",), 1),
        meta=meta,
        lines=doc.lines,
        rendered=rendered,
        problems=tuple(problems),
        version=get_version(title, split.body),
        text=get_text(split.body),
        resources=get_strings(data, "resources"),
        templates=get_strings(data, "templates"),
    )


def _raw_id(front: str | None) -> str | None:
    """Find an `id:` line in front matter YAML could not parse, so links by id still resolve."""
    match = _RAW_ID_RE.search(front or "")
    return match.group(1) if match else None


def get_strings(data: Any, key: str) -> tuple[str, ...]:
    """Read a list of names from raw YAML, keeping positions, so checks run despite other errors."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        return ()
    return tuple(item if isinstance(item, str) else "" for item in value)


def _unreadable(error: Exception) -> str:
    """Explain why a file could not be read."""
    if isinstance(error, UnicodeDecodeError):
        return "this file is not UTF-8 text; save it with UTF-8 encoding"
    if isinstance(error, (TooLarge, OutsideFolder)):
        return str(error)
    return f"cannot read this file: {getattr(error, 'strerror', None) or error}"


def _unreadable_page(rel: str, path: str, stem: str, problem: Problem) -> PageSource:
    """Stand in for a file that could not be read, so other checks can still name it."""
    empty = Rendered((), (), frozenset(), (), (), (), "")
    return PageSource(
        rel, path, stem, "step", 1, None, {}, empty, (problem,), "", "", False, kind_known=False
    )


def _front_matter(
    front: str | None, unclosed: bool, path: str, problems: list[Problem]
) -> YamlDoc | None:
    """Parse the front matter, reporting a missing, unclosed or broken block (then None)."""
    if front is None:
        problems.append(
            Problem(
                path,
                1,
                "the file must begin with front matter: a '---' line, "
                "'title: ...', then another '---' line",
            )
        )
        return None
    if unclosed:
        problems.append(
            Problem(path, 1, "the front matter is not closed: add a '---' line after it")
        )
    try:
        doc = load_yaml(front, first_line=2)
    except YamlError as error:
        problems.append(Problem(path, error.line, error.message))
        return None
    problems.extend(_duplicates(doc, path))
    return doc


def _duplicates(doc: YamlDoc, path: str) -> list[Problem]:
    """Report keys written twice (YAML would silently keep the last one)."""
    return [
        Problem(path, line, f"'{key}' is written twice; keep only one")
        for key, line in doc.duplicates
    ]


def _meta(
    doc: YamlDoc, data: dict[str, Any], path: str, problems: list[Problem]
) -> PageMeta | None:
    """Validate front matter against the model for its kind."""
    kind = data.get("kind", "step")
    if kind not in KINDS:
        line = doc.lines.get(("kind",), doc.first_line)
        problems.append(Problem(path, line, f"kind must be one of {one_of(KINDS)}, got '{kind}'"))
        return None
    meta, found = validate(META_BY_KIND[kind], doc, path)
    problems.extend(found)
    if isinstance(meta, TemplateMeta):
        problems.extend(_duplicate_fields(meta, doc, path))
    return meta


def _duplicate_fields(meta: TemplateMeta, doc: YamlDoc, path: str) -> list[Problem]:
    """Report template fields that share a name."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for index, item in enumerate(meta.fields):
        if item.name in first:
            line = doc.line_of(("fields", index, "name"))
            message = (
                f"fields item {index + 1}: name '{item.name}' is already used by "
                f"fields item {first[item.name] + 1}"
            )
            problems.append(Problem(path, line, message))
        first.setdefault(item.name, index)
    return problems


def _page_id(
    meta: PageMeta | None,
    data: dict[str, Any],
    stem: str,
    doc: YamlDoc,
    path: str,
    problems: list[Problem],
) -> str:
    """Return the page id (front matter id, else the file stem), checking a stem-made id."""
    given = meta.id if meta else data.get("id")
    if isinstance(given, str) and given:
        return given
    if not ID_RE.match(stem):
        message = f"the file name gives the id '{stem}', which {ID_RULE}; rename the file or set id"
        problems.append(Problem(path, 1, message))
    return stem


def parse_manifest(pathways_dir: Path, name: str, urls: UrlScheme) -> ManifestSource:
    """Read and validate one pathway manifest, rendering its intro."""
    path = f"{pathways_dir.name}/{name}"
    stem = Path(name).stem
    problems: list[Problem] = []
    if not ID_RE.match(stem):
        problems.append(
            Problem(path, 1, f"the file name gives the pathway id '{stem}', which {ID_RULE}")
        )
    try:
        doc = load_yaml(read_inside(pathways_dir, name))
    except (OSError, UnicodeDecodeError) as error:
        return ManifestSource(
            stem, path, None, {}, None, (*problems, Problem(path, 1, _unreadable(error)))
        )
    except YamlError as error:
        return ManifestSource(
            stem, path, None, {}, None, (*problems, Problem(path, error.line, error.message))
        )
    problems.extend(_duplicates(doc, path))
    manifest, found = validate(Manifest, doc, path, what="a pathway manifest")
    problems.extend(found)
    intro = _intro(manifest, doc, path, urls, problems)
    steps, prerequisites = get_strings(doc.data, "steps"), get_strings(doc.data, "prerequisites")
    return ManifestSource(
        stem, path, manifest, doc.lines, intro, tuple(problems), steps, prerequisites
    )


def _intro(
    manifest: Manifest | None, doc: YamlDoc, path: str, urls: UrlScheme, problems: list[Problem]
) -> Rendered | None:
    """Render a pathway intro; its links are relative to the content folder."""
    if manifest is None or not manifest.intro:
        return None
    line = doc.lines.get(("intro",), 1)
    rendered = render_markdown(manifest.intro, path=path, rel="", first_line=line + 1, urls=urls)
    problems.extend(rendered.problems)
    if any(not isinstance(block, Html) for block in rendered.blocks):
        problems.append(
            Problem(path, line, "checks and reflections belong in steps, not in a pathway intro")
        )
    return rendered


def parse_files(
    content_dir: Path,
    pathways_dir: Path,
    page_rels: Sequence[str],
    manifest_names: Sequence[str],
    urls: UrlScheme,
) -> tuple[dict[str, PageSource], dict[str, ManifestSource]]:
    """Parse content files and manifests (serially: 2,000 files take about 3 s on one core)."""
    pages = {rel: parse_page(content_dir, rel, urls) for rel in page_rels}
    manifests = {name: parse_manifest(pathways_dir, name, urls) for name in manifest_names}
    return pages, manifests
