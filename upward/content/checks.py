"""Cross-file checks: ids, manifests, references, links, anchors, images, prerequisites."""

from __future__ import annotations

import difflib
import posixpath
import re
import weakref
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import NamedTuple

from .files import MEDIA_SUFFIXES, is_media_file
from .pages import ManifestSource, PageSource
from .problems import Problem
from .render import Asset, Check, Rendered


def get_problems(
    pages: Mapping[str, PageSource],
    manifests: Mapping[str, ManifestSource],
    files: AbstractSet[str],
    content_name: str = "content",
) -> list[Problem]:
    """Run every cross-file check; pages are keyed by path under content/, manifests by name."""
    by_id = get_pages_by_id(pages)
    return [
        *check_ids(pages),
        *check_pathway_ids(manifests),
        *check_manifests(manifests, pages, content_name),
        *check_references(pages, by_id),
        *check_links(pages, manifests, files, content_name),
        *check_prerequisites(manifests),
        *check_unused(pages, manifests),
        *check_answer_patterns(pages, manifests),
    ]


def get_pages_by_id(pages: Mapping[str, PageSource]) -> dict[str, PageSource]:
    """Map ids to pages; with duplicates, the first path in sorted order wins."""
    by_id: dict[str, PageSource] = {}
    for rel in sorted(pages):
        by_id.setdefault(pages[rel].id, pages[rel])
    return by_id


@lru_cache(maxsize=65536)
def get_step_path(step: str) -> str:
    """Normalise a manifest step entry to a path under content/ (remembered: each load asks
    for every entry of every manifest four times)."""
    return posixpath.normpath(step.strip()).removeprefix("./")


def check_ids(pages: Mapping[str, PageSource]) -> Iterable[Problem]:
    """Report ids used by two files (ids are shared by all kinds)."""
    first: dict[str, PageSource] = {}
    for rel in sorted(pages):
        page = pages[rel]
        owner = first.setdefault(page.id, page)
        if owner is not page:
            yield Problem(
                page.path, page.id_line, f"id '{page.id}' is already used by {owner.path}"
            )


def check_pathway_ids(manifests: Mapping[str, ManifestSource]) -> Iterable[Problem]:
    """Report two manifests with the same stem (`a.yml` and `a.yaml`)."""
    first: dict[str, ManifestSource] = {}
    for name in sorted(manifests):
        source = manifests[name]
        owner = first.setdefault(source.id, source)
        if owner is not source:
            yield Problem(
                source.path, 1, f"pathway id '{source.id}' is already used by {owner.path}"
            )


def check_manifests(
    manifests: Mapping[str, ManifestSource], pages: Mapping[str, PageSource], content_name: str
) -> Iterable[Problem]:
    """Report steps that are missing, unreadable, not steps, or listed twice."""
    for name in sorted(manifests):
        source = manifests[name]
        seen: dict[str, int] = {}
        for index, step in enumerate(source.steps):
            if not step:
                continue  # not text: the schema check reports it
            line = source.lines.get(("steps", index), 1)
            message = _step_problem(step, seen, pages, content_name, line)
            if message:
                yield Problem(source.path, line, message)


def _step_problem(
    step: str, seen: dict[str, int], pages: Mapping[str, PageSource], content_name: str, line: int
) -> str | None:
    """Say what is wrong with one step entry of a manifest, if anything."""
    target = get_step_path(step)
    if target.startswith("../") or target == ".." or step.startswith("/"):
        return f"step '{step}' must be a path inside the {content_name} folder"
    if target in seen:
        return f"step '{step}' is listed twice in this pathway (first on line {seen[target]})"
    seen[target] = line
    page = pages.get(target)
    if page is None:
        return f"step file '{step}' does not exist in {content_name}/{_did_you_mean(target, pages)}"
    if not page.readable:
        return f"step file '{step}' cannot be read (see the problem reported for {page.path})"
    if page.kind_known and page.kind != "step":
        return f"'{step}' is a {page.kind}, not a step; only steps can be listed in a pathway"
    return None


def check_references(
    pages: Mapping[str, PageSource], by_id: Mapping[str, PageSource]
) -> Iterable[Problem]:
    """Report step `resources` and `templates` that name unknown ids or the wrong kind."""
    for rel in sorted(pages):
        page = pages[rel]
        if page.kind != "step":
            continue
        for field, kind in (("resources", "resource"), ("templates", "template")):
            for index, ref in enumerate(getattr(page, field)):
                message = _reference_problem(ref, kind, by_id) if ref else None
                if message:
                    line = page.lines.get((field, index), page.lines.get((field,), 1))
                    yield Problem(page.path, line, f"{field}: {message}")


def _reference_problem(ref: str, kind: str, by_id: Mapping[str, PageSource]) -> str | None:
    """Say what is wrong with a reference to a page of a kind, if anything."""
    target = by_id.get(ref)
    if target is None:
        same_kind = [page_id for page_id, page in by_id.items() if page.kind == kind]
        return f"there is no {kind} with id '{ref}'{_did_you_mean(ref, same_kind)}"
    if target.kind_known and target.kind != kind:
        return f"'{ref}' is a {target.kind} ({target.path}), not a {kind}"
    return None


def check_links(
    pages: Mapping[str, PageSource],
    manifests: Mapping[str, ManifestSource],
    files: AbstractSet[str],
    content_name: str,
) -> Iterable[Problem]:
    """Report links to missing pages or anchors, and missing images and files."""
    rendered: list[tuple[str, Rendered]] = [
        (pages[rel].path, pages[rel].rendered) for rel in sorted(pages)
    ]
    rendered += [(m.path, m.intro) for _, m in sorted(manifests.items()) if m.intro is not None]
    for path, result in rendered:
        for link in result.links:
            message = _link_problem(link.target, link.anchor, result, pages, content_name)
            if message:
                yield Problem(path, link.line, f"link '{link.written}': {message}")
        for asset in result.assets:
            message = _asset_problem(asset, files, content_name)
            if message:
                what = "image" if asset.is_image else "link"
                yield Problem(path, asset.line, f"{what} '{asset.written}': {message}")


def _link_problem(
    target: str, anchor: str, own: Rendered, pages: Mapping[str, PageSource], content_name: str
) -> str | None:
    """Say what is wrong with one link, if anything."""
    if not target:
        if anchor in own.anchors:
            return None
        hint = _did_you_mean(anchor, own.anchors)
        return f"this page has no heading with the anchor '#{anchor}'{hint}"
    page = pages.get(target)
    if page is None:
        return f"{content_name}/{target} does not exist{_did_you_mean(target, pages)}"
    anchors = page.rendered.anchors
    if anchor and anchor not in anchors:
        hint = _did_you_mean(anchor, anchors)
        return f"{page.path} has no heading with the anchor '#{anchor}'{hint}"
    return None


def _asset_problem(asset: Asset, files: AbstractSet[str], content_name: str) -> str | None:
    """Say what is wrong with a relative image or file link, if anything."""
    target = f"{content_name}/{asset.target}"
    if not is_media_file(asset.target):
        allowed = ", ".join(MEDIA_SUFFIXES)
        return (
            f"{target} can't be served: only images ({allowed}) and other content pages can be "
            "linked; put documents on your intranet and link with https://"
        )
    if asset.target not in files:
        return f"{target} does not exist"
    return None


def check_prerequisites(manifests: Mapping[str, ManifestSource]) -> Iterable[Problem]:
    """Report prerequisites naming unknown pathways, and prerequisite cycles."""
    by_id = {m.id: m for _, m in sorted(manifests.items())}
    graph: dict[str, list[str]] = {}
    for pathway_id, source in by_id.items():
        graph[pathway_id] = []
        for index, pre in enumerate(source.prerequisites):
            if not pre:
                continue
            if pre in by_id:
                graph[pathway_id].append(pre)
                continue
            line = source.lines.get(("prerequisites", index), 1)
            hint = _did_you_mean(pre, by_id)
            yield Problem(
                source.path, line, f"prerequisites: there is no pathway with id '{pre}'{hint}"
            )
    for cycle in get_cycles(graph):
        source = by_id[cycle[0]]
        index = source.prerequisites.index(cycle[1])
        line = source.lines.get(("prerequisites", index), 1)
        yield Problem(source.path, line, f"prerequisites form a cycle: {' -> '.join(cycle)}")


def get_cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """Return each cycle once, starting at its smallest id and ending where it began."""
    cycles: set[tuple[str, ...]] = set()
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        for nxt in graph.get(node, ()):
            if nxt in stack:
                loop = stack[stack.index(nxt) :]
                start = loop.index(min(loop))
                cycles.add(tuple(loop[start:] + loop[:start]))
            elif nxt not in done:
                visit(nxt, [*stack, nxt])
        done.add(node)

    for node in sorted(graph):
        if node not in done:
            visit(node, [node])
    return [[*cycle, cycle[0]] for cycle in sorted(cycles)]


def check_unused(
    pages: Mapping[str, PageSource], manifests: Mapping[str, ManifestSource]
) -> Iterable[Problem]:
    """Warn about steps that no pathway lists (not pages whose kind could not be read)."""
    used = {get_step_path(step) for source in manifests.values() for step in source.steps if step}
    for rel in sorted(pages):
        page = pages[rel]
        if page.kind == "step" and page.kind_known and rel not in used:
            message = "no pathway lists this step, so learners cannot reach it"
            yield Problem(page.path, 1, message, "warning")


LENGTH_RATIO = 1.5
"""A right answer this many times longer than every other option gives itself away."""
PATTERN_MIN_CHECKS = 3
"""Position and length patterns are reported for pathways with at least this many checks."""
_TAG_RE = re.compile(r"<[^>]+>")


def check_answer_patterns(
    pages: Mapping[str, PageSource], manifests: Mapping[str, ManifestSource]
) -> Iterable[Problem]:
    """Warn when knowledge checks can be answered without reading them.

    One check: the right answer is far longer than every other option. A pathway: the right
    answer sits in the same position in every check, or is the longest in most of them.
    """
    for rel in sorted(pages):
        for check in _facts(pages[rel]):
            if check.has_others and check.right > LENGTH_RATIO * check.others:
                yield Problem(
                    pages[rel].path,
                    check.line or 1,
                    f"the right answer of check '{check.id}' is much longer than the other options,"
                    " which gives it away; shorten it or give the others the same detail",
                    "warning",
                )
    for name in sorted(manifests):
        source = manifests[name]
        checks = [
            c for step in source.steps if step for c in _facts(pages.get(get_step_path(step)))
        ]
        if len(checks) < PATTERN_MIN_CHECKS:
            continue
        positions = {c.position for c in checks}
        if len(positions) == 1:
            yield Problem(
                source.path,
                source.lines.get(("steps",), 1),
                f"the right answer is option {positions.pop() + 1} in all {len(checks)} knowledge"
                " checks of this pathway; vary its position",
                "warning",
            )
        longest = sum(c.has_others and c.right > c.others for c in checks)
        if longest * 2 > len(checks):
            yield Problem(
                source.path,
                source.lines.get(("steps",), 1),
                f"the right answer is the longest option in {longest} of {len(checks)} knowledge"
                " checks of this pathway; make the wrong answers as detailed as the right one",
                "warning",
            )


class CheckFacts(NamedTuple):
    """What the answer-pattern checks need of one knowledge check."""

    id: str
    line: int | None
    position: int
    """Where the right answer is."""
    right: int
    """The visible length of the right answer."""
    others: int
    """The visible length of the longest other option (0 without any)."""
    has_others: bool


_FACTS: dict[int, tuple[weakref.ref[PageSource], tuple[CheckFacts, ...]]] = {}
"""The facts of each parsed file, by identity: a reload works out those of changed files only."""


def _facts(page: PageSource | None) -> tuple[CheckFacts, ...]:
    """Return the facts of a step's knowledge checks with exactly one right answer."""
    if page is None or page.kind != "step":
        return ()
    key = id(page)
    found = _FACTS.get(key)
    if found is not None and found[0]() is page:
        return found[1]
    facts = []
    for check in _checks(page):
        right = _right_index(check)
        sizes = [len(_TAG_RE.sub("", o.text_html).strip()) for o in check.options]
        others = sizes[:right] + sizes[right + 1 :]
        facts.append(
            CheckFacts(
                check.id, check.line, right, sizes[right], max(others, default=0), bool(others)
            )
        )

    def forget(_: object) -> None:
        _FACTS.pop(key, None)

    _FACTS[key] = (weakref.ref(page, forget), tuple(facts))
    return _FACTS[key][1]


def _checks(page: PageSource | None) -> list[Check]:
    """Return the knowledge checks of a step with exactly one right answer."""
    if page is None or page.kind != "step":
        return []
    return [
        b
        for b in page.rendered.blocks
        if isinstance(b, Check) and sum(o.correct for o in b.options) == 1
    ]


def _right_index(check: Check) -> int:
    return next(i for i, o in enumerate(check.options) if o.correct)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Suggest the closest choice, as ' (did you mean 'x'?)', or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
