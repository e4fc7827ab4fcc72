"""Split YAML front matter from a Markdown body and parse YAML keeping each key's line."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

log = logging.getLogger(__name__)

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Location = tuple[str | int, ...]
"""Where a value sits in a YAML document: keys and list indexes, as pydantic reports them."""


class YamlError(Exception):
    """YAML that cannot be parsed, at a 1-based line of the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML plus the file line of every key and list item."""

    data: Any
    lines: Mapping[Location, int]
    first_line: int
    """The file line of the document's first line."""
    duplicates: tuple[tuple[str, int], ...] = ()
    """Keys written twice in one mapping, with the line of the repeat."""

    def line_of(self, location: Location) -> int:
        """Return the line of the deepest known part of a location."""
        for end in range(len(location), 0, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return self.first_line


@dataclass(frozen=True)
class SplitText:
    """A content file cut into front matter and body."""

    front_matter: str | None
    """The YAML between the `---` lines, or None when the file has none."""
    body: str
    body_line: int
    """The file line of the body's first line."""
    unclosed: bool = False


def split_front_matter(text: str) -> SplitText:
    """Cut `---` front matter from the top of a file, keeping line numbers."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return SplitText(None, text, 1)
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            front = "".join(lines[1:number])
            return SplitText(front, "".join(lines[number + 1 :]), number + 2)
    return SplitText("".join(lines[1:]), "", len(lines) + 1, unclosed=True)


def load_yaml(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; raise YamlError at the file line YAML reports."""
    _refuse_aliases(text, first_line)
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, text, first_line) from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, f"the YAML is not valid: {error}") from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    duplicates: list[tuple[str, int]] = []
    if node is not None:
        _walk(node, (), first_line - 1, lines, duplicates)
    return YamlDoc(data, lines, first_line, tuple(duplicates))


def _refuse_aliases(text: str, first_line: int) -> None:
    """Refuse YAML aliases (`*name`): nested ones expand a few hundred bytes into gigabytes.

    Content never needs them (write the value out), so one is an error wherever it appears.
    """
    if "&" not in text or "*" not in text:
        return  # an alias needs an anchor; without one YAML reports the undefined alias itself
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.AliasEvent):
                line = first_line + (event.start_mark.line if event.start_mark else 0)
                raise YamlError(
                    line,
                    f"YAML aliases (*{event.anchor}) are not allowed in content: "
                    "write the value out in full",
                )
    except yaml.YAMLError:
        return  # not valid YAML: the parse that follows reports it with its line


def _yaml_error(error: yaml.MarkedYAMLError, text: str, first_line: int) -> YamlError:
    """Turn a PyYAML error into plain words at a file line."""
    mark = error.problem_mark or error.context_mark
    index = mark.line if mark else 0
    problem = error.problem or "it cannot be read"
    context = f" ({error.context})" if error.context else ""
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = "; put text that contains ': ' in quotes"
    elif _has_tab_indent(text, index):
        hint = "; indent with spaces, not tabs"
    return YamlError(first_line + index, f"the YAML is not valid: {problem}{context}{hint}")


def _has_tab_indent(text: str, index: int) -> bool:
    """Return True if the 0-based line, or the one before it, is indented with a tab.

    PyYAML and libyaml word tab errors differently, so look at the text, not the message.
    """
    lines = text.split("\n")
    near = lines[max(index - 1, 0) : index + 1]
    return any("\t" in line[: len(line) - len(line.lstrip())] for line in near)


def _walk(
    node: Node,
    location: Location,
    offset: int,
    lines: dict[Location, int],
    duplicates: list[tuple[str, int]],
) -> None:
    """Record the line of every key and list item under a node."""
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key, line = key_node.value, key_node.start_mark.line + 1 + offset
            if key in seen:
                duplicates.append((key, line))
            seen.add(key)
            lines.setdefault((*location, key), line)
            _walk(value_node, (*location, key), offset, lines, duplicates)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*location, index)] = item.start_mark.line + 1 + offset
            _walk(item, (*location, index), offset, lines, duplicates)


__all__ = ["Location", "SplitText", "YamlDoc", "YamlError", "load_yaml", "split_front_matter"]
