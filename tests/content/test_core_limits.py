"""Content that attacks the loader: links out of the folder, YAML bombs, huge and slow files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from content_helpers import get_problems, write_library

from upward.content import LibraryError, LibraryStore, load_library, render
from upward.content.files import MAX_TEXT_BYTES

# 284 bytes that PyYAML would expand into 9**7 strings (the one reported took 3 GB and 18 s).
BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdef", "bcdefg", strict=True)
        ),
    ]
)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the library, like instance/secret_key."""
    path = tmp_path / "instance" / "secret_key"
    path.parent.mkdir()
    path.write_text("0123456789abcdef")
    return path


def test_link_to_a_file_outside_is_an_error(tmp_path: Path, secret: Path) -> None:
    content, _ = write_library(tmp_path)
    (content / "k.png").symlink_to(secret)
    (content / "leak.md").symlink_to(secret)
    problems = get_problems(tmp_path)
    for name in ("k.png", "leak.md"):
        assert (
            f"content/{name}:1: error: this is a link to a file outside the content folder; "
            "it is never read or served: copy the file in instead"
        ) in problems
    assert not any("0123456789abcdef" in problem for problem in problems)


def test_link_out_of_the_pathways_folder_is_an_error(tmp_path: Path, secret: Path) -> None:
    _, pathways = write_library(tmp_path)
    (pathways / "q.yml").symlink_to(secret)
    problems = get_problems(tmp_path)
    assert any(p.startswith("pathways/q.yml:1: error: this is a link") for p in problems)


def test_image_behind_a_link_out_is_not_in_the_library(tmp_path: Path, secret: Path) -> None:
    content, pathways = write_library(
        tmp_path, {"content/a.md": "---\ntitle: A\n---\n![Key](k.png)\n"}
    )
    (content / "k.png").symlink_to(secret)
    with pytest.raises(LibraryError) as caught:
        load_library(content, pathways)
    messages = [str(p) for p in caught.value.problems]
    assert any("content/k.png:1: error: this is a link to a file outside" in m for m in messages)
    assert any(m.startswith("content/a.md:4: error:") and "k.png" in m for m in messages)


def test_links_inside_the_folder_are_followed(tmp_path: Path) -> None:
    content, pathways = write_library(
        tmp_path, {"content/a.md": "---\ntitle: A\n---\n![Logo](logo.png)\n"}
    )
    (content / "images").mkdir()
    (content / "images" / "logo.png").write_bytes(b"\x89PNG")
    (content / "logo.png").symlink_to(content / "images" / "logo.png")
    assert load_library(content, pathways).page("a") is not None


def test_linked_folders_are_not_entered(tmp_path: Path, secret: Path) -> None:
    content, pathways = write_library(tmp_path)
    (content / "instance").symlink_to(secret.parent, target_is_directory=True)
    assert get_problems(tmp_path) == []
    assert load_library(content, pathways).page("secret_key") is None


def test_a_live_edit_that_links_out_keeps_the_last_good_library(
    tmp_path: Path, secret: Path
) -> None:
    content, pathways = write_library(tmp_path)
    store = LibraryStore(content, pathways)
    good = store.library
    (content / "k.png").symlink_to(secret)
    assert store.reload() is False
    assert store.library is good
    assert any("k.png" in str(p) and "outside the content folder" in str(p) for p in store.problems)
    (content / "k.png").unlink()
    store.reload()
    assert store.problems == ()


def test_yaml_aliases_in_a_manifest_are_refused_at_once(tmp_path: Path) -> None:
    started = time.perf_counter()
    problems = get_problems(tmp_path, {"pathways/p.yml": BOMB + "\nsteps: [*g]\n"})
    assert time.perf_counter() - started < 2
    assert (
        "pathways/p.yml:2: error: YAML aliases (*a) are not allowed in content: "
        "write the value out in full"
    ) in problems


def test_yaml_aliases_in_front_matter_are_refused(tmp_path: Path) -> None:
    text = "---\ntitle: &t Step A\nsummary: *t\n---\nHello.\n"
    problems = get_problems(tmp_path, {"content/a.md": text})
    assert (
        "content/a.md:3: error: YAML aliases (*t) are not allowed in content: "
        "write the value out in full"
    ) in problems


def test_yaml_aliases_in_a_knowledge_check_are_refused(tmp_path: Path) -> None:
    check = (
        "```check\nquestion: &q Why?\noptions:\n"
        "  - {text: *q, correct: true, feedback: Yes}\n  - {text: B, feedback: No}\n```\n"
    )
    problems = get_problems(tmp_path, {"content/a.md": "---\ntitle: A\n---\n" + check})
    expected = "content/a.md:7: error: check block: YAML aliases (*q)"
    assert any(p.startswith(expected) for p in problems)


def test_ampersands_and_stars_in_text_are_fine(tmp_path: Path) -> None:
    text = "---\ntitle: Q&A for *everyone*\nsummary: 'R&D: *new* & *old*'\n---\nHello.\n"
    assert get_problems(tmp_path, {"content/a.md": text}) == []


def test_a_huge_file_is_refused_without_being_parsed(tmp_path: Path) -> None:
    body = "word " * (MAX_TEXT_BYTES // 5 + 10)
    problems = get_problems(tmp_path, {"content/a.md": "---\ntitle: A\n---\n" + body})
    assert problems[0] == (
        f"content/a.md:1: error: this file is 256 KB; a content file may be at most "
        f"{MAX_TEXT_BYTES // 1024} KB: split it into several steps"
    )
    assert problems[1:] == [
        "pathways/p.yml:5: error: step file 'a.md' cannot be read "
        "(see the problem reported for content/a.md)"
    ]


def test_a_huge_manifest_is_refused(tmp_path: Path) -> None:
    manifest = "title: P\naudience: mentor\nsummary: S.\nsteps:\n  - a.md\n" + "#" * MAX_TEXT_BYTES
    problems = get_problems(tmp_path, {"pathways/p.yml": manifest})
    assert any(p.startswith("pathways/p.yml:1: error: this file is ") for p in problems)


def test_a_file_at_the_limit_still_loads(tmp_path: Path) -> None:
    head = "---\ntitle: A\n---\n"
    body = ("Plain words. " * 8 + "\n\n") * 1000
    body = body[: MAX_TEXT_BYTES - len(head)]
    assert not any("error" in p for p in get_problems(tmp_path, {"content/a.md": head + body}))


def test_a_reference_used_thousands_of_times_is_refused_before_it_expands() -> None:
    text = "[a]: /" + "x" * 60_000 + "\n\n" + "[a] " * 20_000
    rendered = render.render_markdown(text, path="content/x.md", rel="x.md", first_line=4)
    assert rendered.blocks == ()
    assert [str(p) for p in rendered.problems] == [
        "content/x.md:4: error: this file would render to more than 4 MB of HTML "
        "(a link reference or footnote used many thousands of times?); shorten it"
    ]


def test_a_slow_file_stops_at_its_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "RENDER_SECONDS", 0.05)
    started = time.perf_counter()
    rendered = render.render_markdown("[" * 200_000, path="content/x.md", rel="x.md")
    assert time.perf_counter() - started < 1.5
    assert [str(p) for p in rendered.problems] == [
        "content/x.md:1: error: this file takes more than 0.05 s to render; "
        "simplify its Markdown or split it into several steps"
    ]


def test_ordinary_files_render_well_inside_the_budget() -> None:
    text = (Path(__file__).parents[2] / "content").rglob("*.md")
    for path in list(text)[:10]:
        rendered = render.render_markdown(path.read_text(), path="content/x.md", rel="x.md")
        assert not any("to render" in p.message for p in rendered.problems)
