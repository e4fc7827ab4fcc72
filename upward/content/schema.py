"""Pydantic models for front matter, manifests and blocks, with errors in plain words."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .frontmatter import Location, YamlDoc
from .problems import Problem

Audience = Literal["mentor", "executive", "program", "all"]
PageKind = Literal["step", "template", "resource"]
FieldKind = Literal["short", "long", "date", "choice", "rating"]
ResourceFormat = Literal["article", "book", "talk", "video", "podcast", "tool", "research", "guide"]
Theme = Literal[
    "new-technology",
    "marketing-social-media",
    "workplace-culture",
    "diversity-inclusion",
    "feedback-skills",
    "psychological-safety",
    "leadership",
    "program-design",
]
KINDS: tuple[str, ...] = typing.get_args(PageKind)
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
ID_RULE = "may only use letters, digits, '-' and '_', and must start with a letter or digit"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
M = TypeVar("M", bound=BaseModel)


def one_of(words: Sequence[str]) -> str:
    """List allowed values as authors read them elsewhere: 'a, b or c'."""
    return " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _as_list(value: Any) -> Any:
    """Accept a single value where a list is expected (`audience: mentor`)."""
    return [value] if isinstance(value, str | int) else value


def at_least(count: int, noun: str) -> BeforeValidator:
    """Refuse a list shorter than count, in words (pydantic would also count invalid items)."""

    def check(value: Any) -> Any:
        value = _as_list(value)
        if isinstance(value, list | tuple) and len(value) < count:
            raise ValueError(f"must list at least {count} {noun}, got {len(value)}")
        return value

    return BeforeValidator(check)


def _stripped(value: Any) -> Any:
    """Strip surrounding whitespace from text so blank text counts as empty."""
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]
RequiredText = Annotated[str, BeforeValidator(_stripped), Field(min_length=1)]
ScaleLabel = Annotated[str, BeforeValidator(_stripped), Field(min_length=1, max_length=40)]


class Model(BaseModel):
    """Base: unknown keys are errors, numbers are accepted as text, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def _check_id(value: str | None) -> str | None:
    """Refuse ids that would make broken URLs."""
    if value is not None and not ID_RE.match(value):
        raise ValueError(ID_RULE)
    return value


class PageMeta(Model):
    """Front matter fields every content file may have."""

    title: RequiredText
    id: Text | None = None
    kind: PageKind = "step"
    summary: Text = ""
    draft: bool = False
    audience: Annotated[tuple[Audience, ...], BeforeValidator(_as_list)] = ("all",)

    _id = field_validator("id")(_check_id)


IdList = Annotated[tuple[RequiredText, ...], BeforeValidator(_as_list)]


class StepMeta(PageMeta):
    """Front matter of a step (`kind: step`, the default)."""

    kind: Literal["step"] = "step"
    minutes: int = Field(5, ge=1)
    resources: IdList = ()
    templates: IdList = ()
    toc: bool | None = None


class TemplateField(Model):
    """One field of a template's form."""

    name: Text
    label: RequiredText
    help: Text = ""
    kind: FieldKind = "short"
    choices: Annotated[tuple[RequiredText, ...], BeforeValidator(_as_list)] | None = None
    required: bool = False
    low: ScaleLabel | None = None
    """Rating fields: what 1 means ("Not at all nervous")."""
    high: ScaleLabel | None = None
    """Rating fields: what 5 means ("Very nervous")."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_RE.match(value):
            raise ValueError(
                "must start with a lowercase letter and use only lowercase letters, digits and '_'"
            )
        return value

    @model_validator(mode="after")
    def _choices(self) -> TemplateField:
        if self.kind == "choice" and not self.choices:
            raise ValueError("needs a list of choices because its kind is choice")
        if self.kind != "choice" and self.choices is not None:
            raise ValueError(
                f"has choices but its kind is {self.kind}; only choice fields take choices"
            )
        return self

    @model_validator(mode="after")
    def _scale(self) -> TemplateField:
        given = (self.low is not None) + (self.high is not None)
        if given and self.kind != "rating":
            raise ValueError(
                f"has low or high but its kind is {self.kind}; only rating fields take them"
            )
        if given == 1:
            raise ValueError("needs both low and high (what 1 and 5 mean), or neither")
        return self


class TemplateMeta(PageMeta):
    """Front matter of a template (`kind: template`)."""

    kind: Literal["template"]
    fields: Annotated[tuple[TemplateField, ...], at_least(1, "field")]
    practice: int = Field(0, ge=0, le=5)
    """How many knowledge checks from steps the person completed come back on this template's
    page for practice (the bi-weekly check-in brings back two)."""


class ResourceMeta(PageMeta):
    """Front matter of a resource (`kind: resource`)."""

    kind: Literal["resource"]
    url: RequiredText
    format: ResourceFormat
    themes: Annotated[tuple[Theme, ...], at_least(1, "theme")]
    creator: Text = ""
    year: int | None = None
    length: Text = ""
    minutes: int | None = Field(None, ge=1)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
            raise ValueError("must be a web address starting with http:// or https://")
        return value


class Manifest(Model):
    """A pathway manifest (`pathways/<id>.yml`)."""

    title: RequiredText
    audience: Audience
    summary: RequiredText
    intro: Text = ""
    prerequisites: IdList = ()
    order: int = 100
    draft: bool = False
    steps: Annotated[tuple[RequiredText, ...], at_least(1, "step")]


class OptionSpec(Model):
    """One answer of a knowledge check."""

    text: RequiredText
    correct: bool = False
    feedback: RequiredText


class CheckSpec(Model):
    """The YAML body of a ```check block."""

    id: Text | None = None
    question: RequiredText
    options: Annotated[tuple[OptionSpec, ...], at_least(2, "options")]

    _id = field_validator("id")(_check_id)


class ReflectionSpec(Model):
    """The YAML body of a ```reflection block."""

    id: Text | None = None
    prompt: RequiredText

    _id = field_validator("id")(_check_id)


META_BY_KIND: dict[str, type[PageMeta]] = {
    "step": StepMeta,
    "template": TemplateMeta,
    "resource": ResourceMeta,
}


def validate(
    model: type[M], doc: YamlDoc, path: str, what: str = "the front matter"
) -> tuple[M | None, list[Problem]]:
    """Validate parsed YAML against a model; return it or every problem in plain words."""
    if not isinstance(doc.data, dict):
        got = "nothing" if doc.data is None else _show(doc.data)
        message = f"{what} must be a set of 'key: value' lines, got {got}"
        return None, [Problem(path, doc.first_line, message)]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as error:
        problems = [_problem(model, item, doc, path) for item in error.errors(include_url=False)]
        return None, problems


def _problem(model: type[BaseModel], error: Any, doc: YamlDoc, path: str) -> Problem:
    """Turn one pydantic error into a Problem at the line of the key."""
    location: Location = tuple(error["loc"])
    return Problem(path, doc.line_of(location), describe_error(model, error))


def describe_error(model: type[BaseModel], error: Any) -> str:
    """Say what is wrong with one value, for an author rather than a programmer."""
    location, kind = tuple(error["loc"]), error["type"]
    if kind == "extra_forbidden":
        return _unknown_field(model, location)
    label, value, ctx = _label(location), error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"{label} is required"
    if value is None:
        return f"{label} is empty; give it a value"
    if kind == "string_type" and isinstance(value, bool):
        return (
            f"{label} must be text, got {_show(value)} (YAML reads yes, no, on, off, true and "
            "false as true or false: put the text in quotes)"
        )
    describe = MESSAGES.get(kind)
    if describe is not None:
        return f"{label} {describe(value, ctx)}"
    return f"{label}: {error['msg']}"


def _choices(ctx: dict[str, Any]) -> str:
    """Turn pydantic's "'a', 'b' or 'c'" into the plain list an author can copy from."""
    return ctx.get("expected", "").replace("'", "")


def _too_long(value: Any, ctx: dict[str, Any]) -> str:
    """Say how long text may be (pydantic calls it a string or, inside a union, a sequence)."""
    most = ctx.get("max_length")
    if not isinstance(value, str):
        return f"must list at most {most}, got {ctx.get('actual_length')}"
    return f"must be at most {most} characters, got {len(value)}; keep it short"


MESSAGES: dict[str, Callable[[Any, dict[str, Any]], str]] = {
    "int_type": lambda v, c: f"must be a whole number, got {_show(v)}",
    "int_parsing": lambda v, c: f"must be a whole number, got {_show(v)}",
    "int_from_float": lambda v, c: f"must be a whole number, got {_show(v)}",
    "bool_type": lambda v, c: f"must be true or false, got {_show(v)}",
    "bool_parsing": lambda v, c: f"must be true or false, got {_show(v)}",
    "string_type": lambda v, c: f"must be text, got {_show(v)}",
    "string_too_short": lambda v, c: "must not be empty",
    "string_too_long": lambda v, c: _too_long(v, c),
    "too_long": lambda v, c: _too_long(v, c),
    "too_short": lambda v, c: (
        "must not be empty"
        if isinstance(v, str)
        else f"must list at least {c.get('min_length')}, got {c.get('actual_length')}"
    ),
    "tuple_type": lambda v, c: f"must be a list, got {_show(v)}",
    "list_type": lambda v, c: f"must be a list, got {_show(v)}",
    "literal_error": lambda v, c: f"must be one of {_choices(c)}, got {_show(v)}",
    "model_type": lambda v, c: f"must be a set of 'key: value' lines, got {_show(v)}",
    "dict_type": lambda v, c: f"must be a set of 'key: value' lines, got {_show(v)}",
    "greater_than_equal": lambda v, c: f"must be at least {c.get('ge')}, got {_show(v)}",
    "value_error": lambda v, c: str(c.get("error", "is not valid")),
}


def _label(location: Location) -> str:
    """Name a value by where it is: `minutes`, `audience item 2`, `fields item 1: kind`."""
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else 'item'} item {part + 1}"]
        else:
            parts.append(part)
    return ": ".join(parts) or "this"


def _unknown_field(model: type[BaseModel], location: Location) -> str:
    """Name an unknown key and suggest the closest known one."""
    name = str(location[-1])
    known = _known_fields(model, location[:-1])
    where = f" in {_label(location[:-1])}" if location[:-1] else ""
    message = f"unknown field '{name}'{where}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"{message} (did you mean '{close[0]}'?)"
    return f"{message}; the fields allowed here are: {', '.join(known)}"


def _known_fields(model: type[BaseModel], location: Location) -> list[str]:
    """Return the field names of the (nested) model at a location."""
    current: type[BaseModel] | None = model
    for part in location:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        current = _inner_model(info.annotation) if info else None
    return list(current.model_fields) if current else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """Find the model class inside an annotation such as tuple[TemplateField, ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _show(value: Any) -> str:
    """Show an author's value briefly, as they wrote it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value[:60]}'"
    if isinstance(value, dict):
        return "a set of 'key: value' lines"
    if isinstance(value, list | tuple):
        return "a list"
    return str(value)
