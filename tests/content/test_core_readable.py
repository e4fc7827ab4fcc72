"""Readable text of a step and the differences between two versions of it."""

from __future__ import annotations

from upward.content.readable import get_changes, get_paragraphs

CHECK = """Intro paragraph.

```check
id: q
question: Which is **best**?
options:
  - text: Zebra answer
    correct: true
    feedback: Right, because of the secret reason.
  - text: Apple answer
    feedback: No.
```
"""


def test_paragraphs_are_plain_text_with_kinds():
    text = (
        "## A heading\n\nSome *emphasis* and a [link](x.md).\n\n- one\n- two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    kinds = [(p.kind, p.text) for p in get_paragraphs(text)]
    assert kinds == [
        ("heading", "A heading"),
        ("text", "Some emphasis and a link."),
        ("item", "one"),
        ("item", "two"),
        ("row", "a | b"),
        ("row", "1 | 2"),
    ]


def test_a_check_is_its_question_and_sorted_options_without_the_key():
    paragraphs = get_paragraphs(CHECK)
    assert [(p.kind, p.text) for p in paragraphs] == [
        ("text", "Intro paragraph."),
        ("check", "Which is best?"),
        ("option", "Apple answer"),
        ("option", "Zebra answer"),
    ]
    assert "secret" not in repr(paragraphs)


def test_callout_titles_and_footnotes_are_readable():
    text = "::: example Priya and Graham\nThey met.\n:::\n\nA claim.[^1]\n\n[^1]: The source.\n"
    texts = [p.text for p in get_paragraphs(text)]
    assert texts[:2] == ["Priya and Graham", "They met."]
    assert "The source." in texts


def test_an_edited_paragraph_shows_word_changes_in_context():
    old = "\n\n".join(f"Paragraph {n}." for n in range(10)) + "\n\nThe old wording here.\n"
    new = "\n\n".join(f"Paragraph {n}." for n in range(10)) + "\n\nThe new wording here.\n"
    changes = get_changes(old, new)
    assert [c.kind for c in changes] == ["gap", "same", "changed"]
    assert changes[0].skipped == 9
    pieces = [(p.kind, p.text) for p in changes[2].pieces]
    assert ("removed", "old") in pieces and ("added", "new") in pieces


def test_added_and_removed_paragraphs():
    changes = get_changes("Keep.\n\nGone away entirely.\n", "Keep.\n\nBrand new thought arrives.\n")
    assert [(c.kind, c.paragraph.text) for c in changes if c.paragraph] == [
        ("same", "Keep."),
        ("removed", "Gone away entirely."),
        ("added", "Brand new thought arrives."),
    ]


def test_moving_the_right_answer_or_changing_feedback_shows_no_change():
    moved = CHECK.replace("    correct: true\n", "").replace(
        "feedback: No.", "correct: true\n    feedback: Now this one."
    )
    assert all(c.kind in ("same", "gap") for c in get_changes(CHECK, moved))


def test_a_rewritten_sentence_is_one_removal_and_one_addition():
    old = "We met on Tuesday. The room was small and the coffee was cold. Then we talked."
    new = "We met on Tuesday. A big room, and the tea was hot. Then we talked."
    (change,) = [c for c in get_changes(old, new) if c.kind == "changed"]
    kinds = [p.kind for p in change.pieces]
    assert kinds.count("removed") == 1 and kinds.count("added") == 1
