"""Rendering: plugins, callouts, blocks, safe links, link rewriting."""

from __future__ import annotations

from pathlib import Path

from upward.content import Check, Html, Reflection, UrlScheme, load_library
from upward.content.render import is_safe_url, render_markdown

FIXTURES = Path(__file__).parents[1] / "fixtures" / "library"

GOOD = FIXTURES / "good"


def render(text: str) -> str:
    """Render a body and return the HTML of its Html blocks."""
    result = render_markdown(text, path="content/x.md", rel="x.md")
    return "".join(b.html for b in result.blocks if isinstance(b, Html))


def test_table() -> None:
    assert "<table>" in render("| a | b |\n|---|---|\n| 1 | 2 |\n")


def test_strikethrough_and_typographer() -> None:
    assert render('~~old~~ "quoted"') == "<p><s>old</s> “quoted”</p>\n"


def test_heading_anchors_levels_two_and_three() -> None:
    result = render_markdown(
        "# Top\n\n## Two words\n\n### Three\n\n#### Four\n", path="p", rel="x.md"
    )
    html = result.blocks[0].html  # type: ignore[union-attr]
    assert "<h1>Top</h1>" in html
    assert '<h2 id="two-words">' in html
    assert '<h3 id="three">' in html
    assert "<h4>Four</h4>" in html
    assert [(h.level, h.text, h.anchor) for h in result.headings] == [
        (2, "Two words", "two-words"),
        (3, "Three", "three"),
    ]


def test_callout_with_escaped_title() -> None:
    assert render("::: warning Mind <the> gap\nText.\n:::\n") == (
        '<aside class="callout callout-warning" role="note">\n'
        '<p class="callout-title">Mind &lt;the&gt; gap</p>\n<p>Text.</p>\n</aside>\n'
    )


def test_callout_without_title() -> None:
    assert render("::: note\nText.\n:::\n") == (
        '<aside class="callout callout-note" role="note">\n<p>Text.</p>\n</aside>\n'
    )


def test_footnotes() -> None:
    html = render("Claim[^1].\n\n[^1]: Source.\n")
    assert '<a href="#fn1" id="fnref1">' in html
    assert '<li id="fn1" class="footnote-item">' in html


def test_definition_list() -> None:
    assert render("Term\n: Meaning\n") == "<dl>\n<dt>Term</dt>\n<dd>Meaning</dd>\n</dl>\n"


def test_task_list() -> None:
    html = render("- [ ] Open\n- [x] Done\n")
    assert 'class="contains-task-list"' in html
    assert 'checked="checked" disabled="disabled" type="checkbox"> Done' in html


def test_raw_html_is_escaped() -> None:
    assert render("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_blocks_split_html_checks_and_reflections() -> None:
    text = (
        "Before.\n\n```check\nquestion: Which *one*?\noptions:\n"
        "  - text: '**A**'\n    correct: true\n    feedback: Yes.\n"
        "  - text: B\n    feedback: No.\n```\n\nMiddle.\n\n"
        "```reflection\nprompt: Why _now_?\n```\n\nAfter.\n"
    )
    blocks = render_markdown(text, path="p", rel="x.md").blocks
    assert [type(b).__name__ for b in blocks] == ["Html", "Check", "Html", "Reflection", "Html"]
    check, reflection = blocks[1], blocks[3]
    assert isinstance(check, Check) and isinstance(reflection, Reflection)
    assert check.id == "check-1"
    assert check.question_html == "<p>Which <em>one</em>?</p>\n"
    assert [(o.text_html, o.correct, o.feedback_html) for o in check.options] == [
        ("<strong>A</strong>", True, "<p>Yes.</p>\n"),
        ("B", False, "<p>No.</p>\n"),
    ]
    assert reflection.id == "reflection-1"
    assert reflection.prompt_html == "Why <em>now</em>?"


def test_other_fences_stay_code() -> None:
    html = render('```python\nprint("<x>")\n```\n')
    assert (
        html == '<pre><code class="language-python">print(&quot;&lt;x&gt;&quot;)\n</code></pre>\n'
    )


def test_marker_cannot_be_forged() -> None:
    text = "A \x00block0\x00 B\n\n```reflection\nprompt: P\n```\n"
    blocks = render_markdown(text, path="p", rel="x.md").blocks
    assert [type(b).__name__ for b in blocks] == ["Html", "Reflection"]
    assert "\ufffd" in blocks[0].html  # type: ignore[union-attr]


def test_links_rewritten_by_kind_and_anchor() -> None:
    urls = UrlScheme(step="/s/{id}", template="/t/{id}", resource="/r/{id}", media="/m/{path}")
    library = load_library(GOOD / "content", GOOD / "pathways", urls=urls)
    html = library.pages["sbi"].html
    assert '<a href="/s/asking#when-to-ask">asking first</a>' in html
    assert '<a href="/t/checkin">check-in template</a>' in html
    assert '<img src="/m/mentor/images/sbi.png" alt="The SBI model" />' in html
    assert library.pathways["candid-feedback"].intro_html == (
        '<p>Start with <a href="/s/asking">asking permission</a>.</p>\n'
    )


def test_external_and_mail_links_kept() -> None:
    html = render("[a](https://example.com/x?y=1) [b](mailto:a@example.com) [c](/dashboard)")
    assert 'href="https://example.com/x?y=1"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'href="/dashboard"' in html


def test_is_safe_url() -> None:
    assert is_safe_url("https://example.com")
    assert is_safe_url("../a.md#x")
    assert is_safe_url("MAILTO:a@b.c")
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java%0Ascript:alert(1)",
        "java%09script:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "jav\u200bascript:alert(1)",
        "weird:thing",
    ):
        assert not is_safe_url(bad), bad
