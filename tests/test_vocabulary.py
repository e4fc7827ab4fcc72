"""The vocabulary names exactly the ids the content schema accepts, each with a label."""

from __future__ import annotations

import typing

from upward import vocabulary
from upward.content import schema


def ids(literal: object) -> set[str]:
    return set(typing.get_args(literal))


def test_audiences_are_the_schema_audiences():
    assert set(vocabulary.AUDIENCES) == ids(schema.Audience)


def test_roles_are_audiences_other_than_everyone():
    assert set(vocabulary.ROLES) == set(vocabulary.AUDIENCES) - {"all"}
    assert set(vocabulary.ROLE_BLURBS) == set(vocabulary.ROLES)


def test_themes_formats_and_kinds_are_the_schema_ones():
    assert set(vocabulary.THEMES) == ids(schema.Theme)
    assert set(vocabulary.FORMATS) == ids(schema.ResourceFormat)
    assert set(vocabulary.KINDS) == ids(schema.PageKind)


def test_every_label_is_a_readable_phrase():
    for table in (vocabulary.AUDIENCES, vocabulary.THEMES, vocabulary.FORMATS, vocabulary.KINDS):
        for key, label in table.items():
            assert label and label[0].isupper() and label != key
