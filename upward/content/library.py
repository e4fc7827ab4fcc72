"""The library: immutable pages and pathways, built from parsed files after cross-file checks."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .checks import get_pages_by_id, get_problems, get_step_path
from .files import is_manifest_file, is_page_file, scan_folder
from .pages import ManifestSource, PageSource, parse_files
from .problems import LibraryError, Problem, has_errors
from .render import Block, Heading, Html, Link, UrlScheme, map_block, resolve_links
from .schema import ResourceMeta, StepMeta, TemplateMeta
from .search import Found, Hit, SearchIndex, SearchRow

log = logging.getLogger(__name__)

EVERYONE = "all"


@dataclass(frozen=True)
class FormField:
    """One field of a template's form."""

    name: str
    label: str
    help: str
    kind: str
    """short | long | date | choice | rating"""
    choices: tuple[str, ...]
    required: bool
    low: str | None = None
    """Rating fields: what 1 means, or None for the site's generic scale."""
    high: str | None = None
    """Rating fields: what 5 means, or None for the site's generic scale."""


@dataclass(frozen=True, eq=False)
class Page:
    """One content file, rendered once when the library loads."""

    id: str
    kind: str
    """step | template | resource"""
    title: str
    summary: str
    path: str
    """Path relative to the content folder's parent (`content/mentor/sbi.md`)."""
    draft: bool
    audience: tuple[str, ...]
    """The front matter audience; see Library.audience_of for a step's pathways' audiences."""
    minutes: int | None
    """Steps: the time estimate (default 5); resources: optional; templates: None."""
    blocks: tuple[Block, ...]
    """Html, Check and Reflection blocks, to be output in order and without wrappers."""
    headings: tuple[Heading, ...]
    toc: bool
    version: str
    """Hash of the title and body, whitespace-insensitive (see pages.get_version)."""
    text: str
    """The body as normalised Markdown, for diffs between versions."""
    plain_text: str
    resources: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    fields: tuple[FormField, ...] = ()
    practice: int = 0
    """Templates: how many earlier knowledge checks to bring back for practice."""
    url: str = ""
    format: str = ""
    themes: tuple[str, ...] = ()
    creator: str = ""
    year: int | None = None
    length: str = ""

    @property
    def html(self) -> str:
        """Return the HTML of the Html blocks only (for pages without checks or reflections)."""
        return "".join(block.html for block in self.blocks if isinstance(block, Html))


@dataclass(frozen=True, eq=False)
class Pathway:
    """An ordered list of steps for an audience, from `pathways/<id>.yml`."""

    id: str
    title: str
    audience: str
    summary: str
    intro_html: str
    prerequisites: tuple[str, ...]
    order: int
    draft: bool
    path: str
    step_ids: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Library:
    """Every page and pathway; immutable, so a reload swaps in a new one."""

    pages: Mapping[str, Page]
    pathways: Mapping[str, Pathway]
    """Sorted by order, then title."""
    warnings: tuple[Problem, ...]
    audiences: Mapping[str, frozenset[str]]
    """Page id -> who it is for: its front matter audience plus its pathways' audiences."""
    by_step: Mapping[str, tuple[str, ...]]
    """Step id -> ids of the pathways that list it."""
    index: SearchIndex | None = None
    media: Mapping[str, tuple[Page | Pathway, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Path under the content folder -> the pages and pathway intros that use that file."""

    def media_owners(self, path: str) -> tuple[Page | Pathway, ...]:
        """Return what uses a file of the content folder (empty: the site must not serve it)."""
        return self.media.get(path, ())

    def page(self, page_id: str) -> Page | None:
        """Return the page with this id, or None."""
        return self.pages.get(page_id)

    def pathway(self, pathway_id: str) -> Pathway | None:
        """Return the pathway with this id, or None."""
        return self.pathways.get(pathway_id)

    def visible_pathways(self, include_drafts: bool = False) -> list[Pathway]:
        """Return pathways in display order, drafts only when asked."""
        return [p for p in self.pathways.values() if include_drafts or not p.draft]

    def steps(self, pathway: Pathway | str, include_drafts: bool = False) -> list[Page]:
        """Return a pathway's steps in order, skipping draft steps unless asked."""
        found = pathway if isinstance(pathway, Pathway) else self.pathways.get(pathway)
        if found is None:
            return []
        pages = (self.pages[step_id] for step_id in found.step_ids)
        return [page for page in pages if include_drafts or not page.draft]

    def pathways_with(self, step_id: str, include_drafts: bool = True) -> list[Pathway]:
        """Return the pathways that list a step, in display order."""
        pathways = (self.pathways[p] for p in self.by_step.get(step_id, ()))
        return [p for p in pathways if include_drafts or not p.draft]

    def linked(self, ids: Iterable[str], kind: str, include_drafts: bool = False) -> list[Page]:
        """Return the pages of one kind among these ids, in order (a step's resources, say)."""
        pages = (self.pages.get(page_id) for page_id in ids)
        return [p for p in pages if p and p.kind == kind and (include_drafts or not p.draft)]

    def templates(self, include_drafts: bool = False) -> list[Page]:
        """Return templates sorted by title."""
        return self._of_kind("template", include_drafts)

    def resources(self, include_drafts: bool = False) -> list[Page]:
        """Return resources sorted by title."""
        return self._of_kind("resource", include_drafts)

    def audience_of(self, page_id: str) -> frozenset[str]:
        """Return who a page is for ('all' means everyone)."""
        return self.audiences.get(page_id, frozenset({EVERYONE}))

    def is_for(self, page_id: str, audience: str) -> bool:
        """Return True if a page is meant for an audience."""
        wanted = self.audience_of(page_id)
        return EVERYONE in wanted or audience in wanted or audience == EVERYONE

    def is_public(self, page: Page) -> bool:
        """Return True if learners may find a page: not a draft; steps need a published pathway."""
        if page.draft:
            return False
        if page.kind != "step":
            return True
        return any(not self.pathways[p].draft for p in self.by_step.get(page.id, ()))

    def search(
        self,
        query: str,
        *,
        include_drafts: bool = False,
        audiences: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Search titles, headings, summaries and text; never raises on odd queries."""
        found = self.find(
            query, include_drafts=include_drafts, audiences=audiences, kinds=kinds, limit=limit
        )
        return list(found.hits)

    def find(
        self,
        query: str,
        *,
        include_drafts: bool = False,
        audiences: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
        limit: int = 20,
        extra: Sequence[SearchRow] = (),
    ) -> Found:
        """Search the library, and extra rows for this search only; counts and suggestion too."""
        if self.index is None:
            return Found()
        return self.index.find(
            query,
            include_drafts=include_drafts,
            audiences=audiences,
            kinds=kinds,
            limit=limit,
            extra=extra,
        )

    def _of_kind(self, kind: str, include_drafts: bool) -> list[Page]:
        """Return pages of a kind, sorted by title."""
        found = [
            p for p in self.pages.values() if p.kind == kind and (include_drafts or not p.draft)
        ]
        return sorted(found, key=lambda page: page.title.lower())


def build_library(
    pages: Mapping[str, PageSource],
    manifests: Mapping[str, ManifestSource],
    files: AbstractSet[str],
    urls: UrlScheme,
    *,
    content_name: str = "content",
    with_index: bool = True,
    scan_problems: Iterable[Problem] = (),
    built: dict[str, tuple[PageSource, tuple, Page]] | None = None,
    previous_index: SearchIndex | None = None,
) -> tuple[Library | None, list[Problem]]:
    """Check parsed files together; return the library (None if there are errors) and problems.

    `scan_problems` are those found while listing the folders (links that leave them).
    `built` carries the pages of the previous build: a page whose source and link targets are
    unchanged is reused, so a reload resolves the links of the changed files only.
    `previous_index`, the last library's search index, is copied and only its changed rows
    re-read.
    """
    problems = list(scan_problems)
    problems += [p for source in pages.values() for p in source.problems]
    problems += [p for source in manifests.values() for p in source.problems]
    problems += get_problems(pages, manifests, files, content_name)
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    if has_errors(problems):
        return None, problems
    warnings = tuple(p for p in problems if not p.is_error)
    return assemble(pages, manifests, urls, warnings, with_index, built, previous_index), problems


def assemble(
    sources: Mapping[str, PageSource],
    manifests: Mapping[str, ManifestSource],
    urls: UrlScheme,
    warnings: tuple[Problem, ...],
    with_index: bool = True,
    built: dict[str, tuple[PageSource, tuple, Page]] | None = None,
    previous_index: SearchIndex | None = None,
) -> Library:
    """Build the immutable library from checked sources (reusing `built` pages where it can)."""
    by_id = get_pages_by_id(sources)
    pathways = _get_pathways(manifests, sources, urls)
    by_step: dict[str, list[str]] = {}
    for pathway in pathways.values():
        for step_id in pathway.step_ids:
            by_step.setdefault(step_id, []).append(pathway.id)
    previous = dict(built or {})
    if built is not None:
        built.clear()  # refilled below with this build's pages only
    pages = {
        page_id: _get_page_reusing(source, sources, urls, previous, built)
        for page_id, source in sorted(by_id.items())
    }
    audiences = {
        page_id: get_audience(by_id[page_id], [pathways[p] for p in by_step.get(page_id, ())])
        for page_id in pages
    }
    library = Library(
        pages=MappingProxyType(pages),
        pathways=MappingProxyType(pathways),
        warnings=warnings,
        audiences=MappingProxyType(audiences),
        by_step=MappingProxyType({k: tuple(v) for k, v in by_step.items()}),
        media=MappingProxyType(_get_media(sources, manifests, pages, pathways)),
    )
    if with_index:
        index = SearchIndex(_search_rows(library), previous_index)
        object.__setattr__(library, "index", index)
    return library


def _get_media(
    sources: Mapping[str, PageSource],
    manifests: Mapping[str, ManifestSource],
    pages: Mapping[str, Page],
    pathways: Mapping[str, Pathway],
) -> dict[str, tuple[Page | Pathway, ...]]:
    """Map each file that pages and pathway intros use to its users."""
    owners: dict[str, list[Page | Pathway]] = {}
    for source in sources.values():
        for asset in source.rendered.assets:
            owners.setdefault(asset.target, []).append(pages[source.id])
    for manifest in manifests.values():
        for asset in manifest.intro.assets if manifest.intro else ():
            owners.setdefault(asset.target, []).append(pathways[manifest.id])
    return {path: tuple(found) for path, found in owners.items()}


def get_audience(source: PageSource, pathways: list[Pathway]) -> frozenset[str]:
    """Return who a page is for: its pathways' audiences plus the audience it sets itself.

    A step that leaves `audience` at its default ([all]) is for its pathways' audiences only;
    otherwise every step would match everyone.
    """
    meta = source.meta
    assert meta is not None
    own = set(meta.audience) if "audience" in meta.model_fields_set or not pathways else set()
    return frozenset(own.union(p.audience for p in pathways))


def _get_pathways(
    manifests: Mapping[str, ManifestSource],
    sources: Mapping[str, PageSource],
    urls: UrlScheme,
) -> dict[str, Pathway]:
    """Build pathways sorted by order, then title."""
    pathways: list[Pathway] = []
    for name in sorted(manifests):
        source = manifests[name]
        manifest = source.manifest
        assert manifest is not None
        intro = ""
        if source.intro is not None:
            links = _link_urls(source.intro.links, sources, urls)
            intro = "".join(
                resolve_links(b.html, links) for b in source.intro.blocks if isinstance(b, Html)
            )
        steps = tuple(sources[get_step_path(step)].id for step in manifest.steps)
        pathways.append(
            Pathway(
                id=source.id,
                title=manifest.title,
                audience=manifest.audience,
                summary=manifest.summary,
                intro_html=intro,
                prerequisites=manifest.prerequisites,
                order=manifest.order,
                draft=manifest.draft,
                path=source.path,
                step_ids=steps,
            )
        )
    pathways.sort(key=lambda p: (p.order, p.title.lower(), p.id))
    return {p.id: p for p in pathways}


def _link_urls(
    links: Iterable[Link], sources: Mapping[str, PageSource], urls: UrlScheme
) -> list[str]:
    """Return the final URL of each link placeholder."""
    found: list[str] = []
    for link in links:
        target = sources.get(link.target)
        if target is None:
            found.append(link.written if not link.target else "#")
        else:
            found.append(urls.page_url(target.kind, target.id, link.anchor))
    return found


def _get_page_reusing(
    source: PageSource,
    sources: Mapping[str, PageSource],
    urls: UrlScheme,
    previous: Mapping[str, tuple[PageSource, tuple, Page]],
    built: dict[str, tuple[PageSource, tuple, Page]] | None,
) -> Page:
    """Return the page built last time if its source and link targets are the same objects."""
    targets = tuple(sources.get(link.target) for link in source.rendered.links if link.target)
    signature = tuple((t.kind, t.id) if t is not None else None for t in targets)
    last = previous.get(source.rel)
    if last is not None and last[0] is source and last[1] == signature:
        page = last[2]
    else:
        page = _get_page(source, sources, urls)
    if built is not None:
        built[source.rel] = (source, signature, page)
    return page


def _get_page(source: PageSource, sources: Mapping[str, PageSource], urls: UrlScheme) -> Page:
    """Build a Page from a checked source, resolving its links."""
    # Resolved here, not at render time: a target's id can change while this file does not.
    rendered = source.rendered
    blocks = rendered.blocks
    if any(link.target for link in rendered.links):
        links = _link_urls(rendered.links, sources, urls)
        blocks = tuple(
            map_block(block, lambda html: resolve_links(html, links)) for block in blocks
        )
    meta = source.meta
    assert meta is not None
    headings = rendered.headings
    common: dict[str, Any] = {
        "id": source.id,
        "kind": meta.kind,
        "title": meta.title,
        "summary": meta.summary,
        "path": source.path,
        "draft": meta.draft,
        "audience": meta.audience,
        "minutes": None,
        "blocks": blocks,
        "headings": headings,
        "toc": False,
        "version": source.version,
        "text": source.text,
        "plain_text": rendered.plain_text,
    }
    return Page(**(common | _kind_fields(meta, headings)))


def _kind_fields(meta: Any, headings: tuple[Heading, ...]) -> dict[str, Any]:
    """Return the Page fields particular to a step, template or resource."""
    if isinstance(meta, StepMeta):
        sections = sum(h.level == 2 for h in headings)
        # The contents box lists ## headings only, so without any it would be empty.
        toc = sections >= 3 if meta.toc is None else meta.toc and sections > 0
        return {
            "minutes": meta.minutes,
            "resources": meta.resources,
            "templates": meta.templates,
            "toc": toc,
        }
    if isinstance(meta, TemplateMeta):
        fields = tuple(
            FormField(f.name, f.label, f.help, f.kind, f.choices or (), f.required, f.low, f.high)
            for f in meta.fields
        )
        return {"fields": fields, "practice": meta.practice}
    assert isinstance(meta, ResourceMeta)
    return {
        "minutes": meta.minutes,
        "url": meta.url,
        "format": meta.format,
        "themes": meta.themes,
        "creator": meta.creator,
        "year": meta.year,
        "length": meta.length,
    }


def _search_rows(library: Library) -> list[SearchRow]:
    """Return one search row per page."""
    return [
        SearchRow(
            page_id=page.id,
            kind=page.kind,
            title=page.title,
            summary=page.summary,
            body=page.plain_text,
            headings="\n".join(heading.text for heading in page.headings),
            public=library.is_public(page),
            audience=library.audience_of(page.id),
        )
        for page in library.pages.values()
    ]


def read_sources(
    content_dir: Path, pathways_dir: Path, urls: UrlScheme, scan_problems: list[Problem]
) -> tuple[dict[str, PageSource], dict[str, ManifestSource], frozenset[str]]:
    """Parse every content file and manifest, adding folder-listing problems to scan_problems."""
    files = scan_folder(content_dir, scan_problems)
    found = scan_folder(pathways_dir, scan_problems)
    manifests = [name for name in found if is_manifest_file(name)]
    pages, parsed_manifests = parse_files(
        content_dir, pathways_dir, [rel for rel in files if is_page_file(rel)], manifests, urls
    )
    return pages, parsed_manifests, frozenset(files)


def load_library(
    content_dir: str | Path, pathways_dir: str | Path, *, urls: UrlScheme | None = None
) -> Library:
    """Load and check the whole library; raise LibraryError (every problem) if any is an error."""
    content, pathways = Path(content_dir), Path(pathways_dir)
    urls = urls or UrlScheme()
    missing = get_folder_problems(content, pathways)
    if missing:
        raise LibraryError(missing)
    scanned: list[Problem] = []
    pages, manifests, files = read_sources(content, pathways, urls, scanned)
    library, problems = build_library(
        pages, manifests, files, urls, content_name=content.name, scan_problems=scanned
    )
    if library is None:
        raise LibraryError(problems)
    for problem in library.warnings:
        log.warning("%s", problem)
    return library


def get_folder_problems(content: Path, pathways: Path) -> list[Problem]:
    """Report a content or pathways folder that does not exist."""
    return [
        Problem(folder.name, 1, f"the folder {folder} does not exist")
        for folder in (content, pathways)
        if not folder.is_dir()
    ]


def check_library(content_dir: str | Path, pathways_dir: str | Path) -> list[Problem]:
    """Return every problem (errors and warnings) in a library; never raises."""
    content, pathways = Path(content_dir), Path(pathways_dir)
    try:
        problems = get_folder_problems(content, pathways)
        scanned: list[Problem] = []
        pages, manifests, files = read_sources(content, pathways, UrlScheme(), scanned)
        _, found = build_library(
            pages,
            manifests,
            files,
            UrlScheme(),
            content_name=content.name,
            with_index=False,
            scan_problems=scanned,
        )
        return problems + found
    except Exception as error:  # the checker must report, never crash
        log.exception("checking the library failed")
        return [Problem(content.name, 1, f"the checker failed unexpectedly: {error!r}")]
