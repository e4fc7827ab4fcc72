"""Cross-file checks, each reported at an exact path and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from content_helpers import get_problems, write_library

Problems = Callable[..., list[str]]

STEP_B = """\
    ---
    title: Step B
    ---
    ## Details

    Text.
    """


def manifest(*steps: str, extra: str = "") -> str:
    """Return a valid manifest listing steps."""
    listed = "".join(f"  - {s}\n" for s in steps)
    return f"title: P\naudience: mentor\nsummary: S.\n{extra}steps:\n{listed}"


def test_base_library_is_clean(tmp_path: Path) -> None:
    assert (
        get_problems(
            tmp_path,
        )
        == []
    )


def test_missing_step_file(tmp_path: Path) -> None:
    assert get_problems(tmp_path, {"pathways/p.yml": manifest("a.md", "nope.md")}) == [
        "pathways/p.yml:6: error: step file 'nope.md' does not exist in content/"
    ]


def test_unreadable_step_file(tmp_path: Path) -> None:
    content, _ = write_library(
        tmp_path,
    )
    (content / "a.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    assert get_problems(tmp_path, base=False) == [
        "content/a.md:1: error: this file is not UTF-8 text; save it with UTF-8 encoding",
        "pathways/p.yml:5: error: step file 'a.md' cannot be read "
        "(see the problem reported for content/a.md)",
    ]


def test_step_listed_twice(tmp_path: Path) -> None:
    assert get_problems(tmp_path, {"pathways/p.yml": manifest("a.md", "./a.md")}) == [
        "pathways/p.yml:6: error: step './a.md' is listed twice in this pathway (first on line 5)"
    ]


def test_manifest_step_must_be_a_step(tmp_path: Path) -> None:
    template = "---\ntitle: T\nkind: template\nfields:\n  - name: x\n    label: X\n---\n"
    assert get_problems(
        tmp_path, {"content/t.md": template, "pathways/p.yml": manifest("a.md", "t.md")}
    ) == [
        "pathways/p.yml:6: error: 't.md' is a template, not a step; "
        "only steps can be listed in a pathway"
    ]


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    other = "---\nid: a\ntitle: Other\n---\nText.\n"
    assert (
        get_problems(tmp_path, {"content/z/other.md": other})
        == [
            "content/z/other.md:2: error: id 'a' is already used by content/a.md",
            "content/z/other.md:1: warning: no pathway lists this step, "
            "so learners cannot reach it",
        ][::-1]
    )


def test_unused_step_is_a_warning(tmp_path: Path) -> None:
    assert get_problems(tmp_path, {"content/b.md": STEP_B}) == [
        "content/b.md:1: warning: no pathway lists this step, so learners cannot reach it"
    ]


def test_link_to_missing_page_and_anchor(tmp_path: Path) -> None:
    body = (
        "---\ntitle: A\n---\n## Intro\n\nSee [b](b.md#nowhere)\nand [c](c.md) and [me](#intro).\n"
    )
    problems = get_problems(
        tmp_path,
        {"content/a.md": body, "content/b.md": STEP_B, "pathways/p.yml": manifest("a.md", "b.md")},
    )
    assert problems == [
        "content/a.md:6: error: link 'b.md#nowhere': content/b.md has no heading with the "
        "anchor '#nowhere'",
        "content/a.md:7: error: link 'c.md': content/c.md does not exist (did you mean 'b.md'?)",
    ]


def test_bare_anchor_checked_in_same_page(tmp_path: Path) -> None:
    body = "---\ntitle: A\n---\n## Intro\n\n[x](#intor)\n"
    assert get_problems(tmp_path, {"content/a.md": body}) == [
        "content/a.md:6: error: link '#intor': this page has no heading with the anchor "
        "'#intor' (did you mean 'intro'?)"
    ]


def test_missing_image(tmp_path: Path) -> None:
    body = "---\ntitle: A\n---\nText.\n\n![alt](img/x.png)\n"
    assert get_problems(tmp_path, {"content/a.md": body}) == [
        "content/a.md:6: error: image 'img/x.png': content/img/x.png does not exist"
    ]


def test_link_outside_content(tmp_path: Path) -> None:
    body = "---\ntitle: A\n---\n[x](../../etc/passwd.md)\n"
    assert get_problems(tmp_path, {"content/a.md": body}) == [
        "content/a.md:4: error: link '../../etc/passwd.md' points outside the content folder"
    ]


def test_step_references(tmp_path: Path) -> None:
    front = "---\ntitle: A\nresources: [nope, b]\ntemplates:\n  - a\n---\nText.\n"
    problems = get_problems(
        tmp_path,
        {"content/a.md": front, "content/b.md": STEP_B, "pathways/p.yml": manifest("a.md", "b.md")},
    )
    assert problems == [
        "content/a.md:3: error: resources: 'b' is a step (content/b.md), not a resource",
        "content/a.md:3: error: resources: there is no resource with id 'nope'",
        "content/a.md:5: error: templates: 'a' is a step (content/a.md), not a template",
    ]


def test_prerequisites_unknown_and_cycle(tmp_path: Path) -> None:
    problems = get_problems(
        tmp_path,
        {
            "pathways/p.yml": manifest("a.md", extra="prerequisites: [q, ghost]\n"),
            "pathways/q.yml": manifest("a.md", extra="prerequisites:\n  - r\n"),
            "pathways/r.yml": manifest("a.md", extra="prerequisites: [p]\n"),
        },
    )
    assert problems == [
        "pathways/p.yml:4: error: prerequisites form a cycle: p -> q -> r -> p",
        "pathways/p.yml:4: error: prerequisites: there is no pathway with id 'ghost'",
    ]


def test_self_prerequisite_is_a_cycle(tmp_path: Path) -> None:
    assert get_problems(
        tmp_path, {"pathways/p.yml": manifest("a.md", extra="prerequisites: [p]\n")}
    ) == ["pathways/p.yml:4: error: prerequisites form a cycle: p -> p"]


def test_unknown_callout(tmp_path: Path) -> None:
    body = "---\ntitle: A\n---\nText.\n\n::: warn Careful\nBody.\n:::\n"
    assert get_problems(tmp_path, {"content/a.md": body}) == [
        "content/a.md:6: error: unknown callout kind 'warn' (did you mean 'warning'?); "
        "use one of tip, note, warning or example"
    ]


CHECK = """\
---
title: A
---
Text.

```check
{body}
```
"""


def check_problems(tmp_path: Path, body: str) -> list[str]:
    """Return the problems of step a.md holding one check block."""
    return get_problems(tmp_path, {"content/a.md": CHECK.format(body=body)})


def test_check_bad_yaml(tmp_path: Path) -> None:
    assert check_problems(tmp_path, "question: [oops\noptions: []") == [
        "content/a.md:8: error: check block: the YAML is not valid: did not find expected "
        "',' or ']' (while parsing a flow sequence)"
    ]


def test_check_needs_two_options(tmp_path: Path) -> None:
    body = "question: Q\noptions:\n  - text: A\n    correct: true\n    feedback: F"
    assert check_problems(tmp_path, body) == [
        "content/a.md:8: error: check block: options must list at least 2 options, got 1"
    ]


def test_check_needs_exactly_one_correct(tmp_path: Path) -> None:
    body = "question: Q\noptions:\n  - text: A\n    feedback: F\n  - text: B\n    feedback: G"
    assert check_problems(tmp_path, body) == [
        "content/a.md:6: error: check block: exactly one option must be correct: true, found 0"
    ]


def test_check_option_without_feedback(tmp_path: Path) -> None:
    body = "question: Q\noptions:\n  - text: A\n    correct: true\n  - text: B\n    feedback: G"
    assert check_problems(tmp_path, body) == [
        "content/a.md:9: error: check block: options item 1: feedback is required"
    ]


def test_duplicate_block_ids(tmp_path: Path) -> None:
    body = (
        "---\ntitle: A\n---\n```reflection\nid: same\nprompt: One?\n```\n\n"
        "```reflection\nid: same\nprompt: Two?\n```\n"
    )
    assert get_problems(tmp_path, {"content/a.md": body}) == [
        "content/a.md:9: error: duplicate block id 'same': the block on line 4 uses it too"
    ]


def test_problems_from_every_file_are_collected(tmp_path: Path) -> None:
    problems = get_problems(
        tmp_path,
        {
            "content/a.md": "---\ntitle: A\nminutes: ten\n---\n[x](#gone)\n",
            "content/b.md": "---\ntitle: B\nminuts: 3\n---\nText.\n",
            "pathways/p.yml": manifest("a.md", "b.md", "c.md"),
        },
    )
    assert problems == [
        "content/a.md:3: error: minutes must be a whole number, got 'ten'",
        "content/a.md:5: error: link '#gone': this page has no heading with the anchor '#gone'",
        "content/b.md:3: error: unknown field 'minuts' (did you mean 'minutes'?)",
        "pathways/p.yml:7: error: step file 'c.md' does not exist in content/ "
        "(did you mean 'b.md'?)",
    ]


def test_link_to_a_document_cannot_be_served(tmp_path: Path) -> None:
    body = (
        "---\ntitle: A\n---\nGet [the handout](files/handout.pdf).\n\n![Chart](files/chart.PNG)\n"
    )
    content, _ = write_library(tmp_path, {"content/a.md": body})
    (content / "files").mkdir()
    (content / "files" / "handout.pdf").write_bytes(b"%PDF")
    (content / "files" / "chart.PNG").write_bytes(b"png")
    assert get_problems(tmp_path, {"content/a.md": body}) == [
        "content/a.md:4: error: link 'files/handout.pdf': content/files/handout.pdf can't be "
        "served: only images (.png, .jpg, .jpeg, .gif, .webp, .svg) and other content pages "
        "can be linked; put documents on your intranet and link with https://"
    ]


def test_broken_front_matter_causes_no_follow_on_errors(tmp_path: Path) -> None:
    broken_resource = (
        "---\ntitle: Mindset: the book\nkind: resource\nid: mind\n---\n## Why read it\n"
    )
    step = (
        "---\ntitle: A\nresources: [mind]\n---\n## Intro\n\nRead [the notes](r.md#why-read-it).\n"
    )
    broken_step = "---\ntitle: B\n\tminutes: 3\n---\nText.\n"
    problems = get_problems(
        tmp_path,
        {"content/a.md": step, "content/r.md": broken_resource, "content/b.md": broken_step},
    )
    # Only the YAML errors themselves (their wording depends on the YAML library installed).
    assert [p.partition(": the YAML is not valid: ")[0] for p in problems] == [
        "content/b.md:3: error",
        "content/r.md:2: error",
    ]


def test_duplicate_key_in_a_block(tmp_path: Path) -> None:
    body = "id: q\nquestion: Q\noptions:\n  - text: A\n    correct: true\n    feedback: F\n"
    body += "  - text: B\n    feedback: G\nquestion: Again?"
    assert check_problems(tmp_path, body) == [
        "content/a.md:15: error: check block: 'question' is written twice; keep only one"
    ]


def test_block_id_clashing_with_a_heading_anchor(tmp_path: Path) -> None:
    body = "---\ntitle: A\n---\n## Exercise\n\n```reflection\nid: exercise\nprompt: Why?\n```\n"
    assert get_problems(tmp_path, {"content/a.md": body}) == [
        "content/a.md:6: error: the reflection id 'exercise' is the same as the anchor of the "
        "heading on line 4; change one of them so links to either land in the right place"
    ]


def check_step(title: str, options: list[tuple[str, bool]]) -> str:
    """Return a step with one knowledge check whose options are (text, correct)."""
    lines = "".join(
        f"          - text: {text}\n"
        + ("            correct: true\n" if right else "")
        + "            feedback: Because.\n"
        for text, right in options
    )
    return (
        f"    ---\n    title: {title}\n    ---\n    Body.\n\n    ```check\n"
        f"    id: q\n    question: Which?\n    options:\n{lines.replace('          ', '      ')}"
        "    ```\n"
    )


def pattern_problems(tmp_path: Path, steps: list[list[tuple[str, bool]]]) -> list[str]:
    files = {f"content/s{n}.md": check_step(f"S{n}", opts) for n, opts in enumerate(steps)}
    names = [f"s{n}.md" for n in range(len(steps))]
    return get_problems(tmp_path, {**files, "pathways/p.yml": manifest(*names)}, base=False)


def test_right_answer_in_the_same_position_everywhere_is_a_warning(tmp_path: Path) -> None:
    same = [("Alpha answer", True), ("Beta answer", False), ("Gamma answer", False)]
    assert pattern_problems(tmp_path, [same, same, same]) == [
        "pathways/p.yml:4: warning: the right answer is option 1 in all 3 knowledge checks of"
        " this pathway; vary its position"
    ]


def test_right_answer_usually_longest_is_a_warning(tmp_path: Path) -> None:
    first = [("The longer right one", True), ("A somewhat shorter", False)]
    second = [("A somewhat shorter", False), ("The longer right one", True)]
    problems = pattern_problems(tmp_path, [first, second, first])
    assert problems == [
        "pathways/p.yml:4: warning: the right answer is the longest option in 3 of 3 knowledge"
        " checks of this pathway; make the wrong answers as detailed as the right one"
    ]


def test_a_right_answer_far_longer_than_the_rest_is_a_warning(tmp_path: Path) -> None:
    problems = pattern_problems(
        tmp_path, [[("A long and detailed right answer", True), ("Nope", False)]]
    )
    assert problems == [
        "content/s0.md:6: warning: the right answer of check 'q' is much longer than the other"
        " options, which gives it away; shorten it or give the others the same detail"
    ]


def test_balanced_checks_in_varied_positions_pass(tmp_path: Path) -> None:
    a = [("Right answer one", True), ("Wrong answer one", False)]
    b = [("Wrong answer two", False), ("Right answer two", True)]
    c = [("Wrong answer three, longer", False), ("Right answer three", True)]
    assert pattern_problems(tmp_path, [a, b, c]) == []
