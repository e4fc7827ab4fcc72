"""Publishing as L&D meets it: versions and diffs, live reload, broken edits, the checker CLI."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select

from tests.helpers import AuthActions, build_app, edit
from upward.extensions import db
from upward.models import Completion, StepVersion, User
from upward.publishing import get_store
from upward.publishing.cli import content_cli

STEP = "/pathways/mentoring/steps/sbi"


def reload(app) -> bool:
    with app.app_context():
        return get_store().reload()


def complete_sbi(auth: AuthActions):
    return auth.post("/steps/sbi/complete", {"pathway": "mentoring"}, page=STEP)


def test_changed_step_is_marked_and_diffed_without_losing_completion(live):
    app, client, auth, site = live
    complete_sbi(auth)
    edit(site / "content/mentor/two.md", "and its **impact**.", "and its **impact** on the team.")
    assert reload(app)
    pathway = client.get("/pathways/mentoring").get_data(as_text=True)
    assert "Updated since you completed it" in pathway
    assert "3 of 3" not in pathway and "1 of 3 steps" in pathway
    step = client.get(STEP).get_data(as_text=True)
    assert "See what changed" in step
    diff = client.get("/steps/sbi/changes").get_data(as_text=True)
    assert "Describe the situation, the behaviour and its impact" in diff
    assert "**" not in diff
    assert '<ins class="diff-added"> on the team</ins>' in diff
    auth.post("/steps/sbi/acknowledge", {"pathway": "mentoring"}, page="/steps/sbi/changes")
    assert "Updated since you completed it" not in client.get("/pathways/mentoring").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 1


def test_changes_show_rendered_text_and_never_the_answer_key(live):
    app, client, auth, site = live
    auth.post("/steps/why-upward/complete", {"pathway": "mentoring"}, page=STEP)
    one = site / "content/mentor/one.md"
    edit(one, "Who holds the expertise", "Who holds the most expertise")
    edit(one, "Yes. That is why the roles are reversed.", "Right, the roles are reversed.")
    edit(one, "holds formal power; the mentor", "holds formal power, while the mentor")
    assert reload(app)
    diff = client.get("/steps/why-upward/changes").get_data(as_text=True)
    assert any(f'<ins class="diff-added">{w}</ins>' in diff for w in ("most ", " most"))
    assert "Knowledge check: " in diff
    assert "Answer option: The executive" in diff and "Answer option: The junior mentor" in diff
    assert diff.index("The executive</p>") < diff.index("The junior mentor</p>")  # alphabetical
    for secret in ("correct", "roles are reversed", "Not here.", "```", "options:"):
        assert secret not in diff
    assert '<del class="diff-removed">;</del>' in diff
    assert "unchanged paragraph" not in diff or "…" in diff


def test_a_feedback_only_change_says_so_without_showing_it(live):
    app, client, auth, site = live
    auth.post("/steps/why-upward/complete", {"pathway": "mentoring"}, page=STEP)
    edit(site / "content/mentor/one.md", "That is why the roles", "That is exactly why the roles")
    assert reload(app)
    diff = client.get("/steps/why-upward/changes").get_data(as_text=True)
    assert "The wording is the same" in diff
    assert "exactly why" not in diff


def test_a_step_published_after_finishing_is_announced_as_new(live):
    app, client, auth, site = live
    for step in ("why-upward", "sbi", "keep-going"):
        auth.post(f"/steps/{step}/complete", {"pathway": "mentoring"}, page=STEP)
    assert "You have completed this pathway." in client.get("/pathways/mentoring").get_data(
        as_text=True
    )
    (site / "content/mentor/four.md").write_text(
        "---\ntitle: Closing well\nid: closing\n---\nEnd with a retrospective.\n"
    )
    edit(
        site / "pathways/mentoring.yml",
        "  - mentor/three.md",
        "  - mentor/three.md\n  - mentor/four.md",
    )
    assert reload(app)
    pathway = client.get("/pathways/mentoring").get_data(as_text=True)
    assert "You finished this pathway. 1 new step since you finished: “Closing well”." in pathway
    assert "New since you finished" in pathway
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "1 new step since you finished" in dashboard


def test_a_step_left_undone_is_not_called_new(live):
    app, client, auth, site = live
    auth.post("/steps/why-upward/complete", {"pathway": "mentoring"}, page=STEP)
    (site / "content/mentor/four.md").write_text(
        "---\ntitle: Closing well\nid: closing\n---\nEnd with a retrospective.\n"
    )
    edit(
        site / "pathways/mentoring.yml",
        "  - mentor/three.md",
        "  - mentor/three.md\n  - mentor/four.md",
    )
    assert reload(app)
    assert "since you finished" not in client.get("/pathways/mentoring").get_data(as_text=True)


def test_whitespace_and_hidden_front_matter_edits_do_not_count(live):
    app, client, auth, site = live
    complete_sbi(auth)
    edit(site / "content/mentor/two.md", "Describe the", "Describe   the")
    edit(site / "content/mentor/two.md", "minutes: 10", "minutes: 10\ndraft: false")
    reload(app)
    assert "Updated since you completed it" not in client.get("/pathways/mentoring").get_data(
        as_text=True
    )


def test_broken_edit_keeps_the_last_good_library_and_tells_authors(live):
    app, client, auth, site = live
    edit(site / "content/mentor/two.md", "minutes: 10", "minutes: ten")
    assert not reload(app)
    assert client.get(STEP).status_code == 200
    assert "Situation, behaviour, impact" in client.get(STEP).get_data(as_text=True)
    assert client.get("/authors/").status_code == 404  # not an author yet
    with app.app_context():
        db.session.execute(User.__table__.update().values(is_author=True))
        db.session.commit()
    page = client.get("/authors/").get_data(as_text=True)
    assert "still serving the last good library" in page
    assert "content/mentor/two.md:4" in page
    edit(site / "content/mentor/two.md", "minutes: ten", "minutes: 11")
    assert reload(app)
    assert "No errors: the latest content is live." in client.get("/authors/").get_data(
        as_text=True
    )
    assert "11 min" in client.get("/pathways/mentoring").get_data(as_text=True)


def test_watcher_picks_up_a_change_without_restart(tmp_path, site):
    gen = build_app(
        tmp_path,
        UPWARD_CONTENT_DIR=str(site / "content"),
        UPWARD_PATHWAYS_DIR=str(site / "pathways"),
        UPWARD_WATCH=True,
    )
    app = next(gen)
    client = app.test_client()
    with app.app_context():
        get_store().watch()
    edit(site / "content/mentor/three.md", "title: Keeping it going", "title: Keeping it alive")
    deadline = time.monotonic() + 10
    while "Keeping it alive" not in client.get("/pathways/mentoring").get_data(as_text=True):
        assert time.monotonic() < deadline, "the change was not picked up"
        time.sleep(0.1)
    gen.close()


def test_removed_step_keeps_records_and_progress_counts_current_steps(live):
    app, client, auth, site = live
    complete_sbi(auth)
    edit(site / "pathways/mentoring.yml", "  - mentor/two.md\n", "")
    edit(site / "content/mentor/two.md", "minutes: 10", "minutes: 10")  # still a valid file
    reload(app)
    html = client.get("/pathways/mentoring").get_data(as_text=True)
    assert "0 of 2 steps" in html
    with app.app_context():
        assert db.session.scalar(select(Completion.step_id)) == "sbi"


def test_versions_are_recorded_when_the_library_loads_not_when_it_is_read(live):
    app, client, auth, site = live
    complete_sbi(auth)
    edit(site / "content/mentor/two.md", "and its **impact**.", "and its **impact** today.")
    assert reload(app)
    with app.app_context():
        versions = db.session.scalar(
            select(func.count()).select_from(StepVersion).where(StepVersion.step_id == "sbi")
        )
    assert versions == 2  # recorded by the load, before anyone asked for a page
    writes: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith("SELECT"):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for url in ("/", "/dashboard", "/pathways/mentoring", STEP, "/steps/sbi/changes"):
            assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert writes == []


def test_content_check_cli_reports_every_problem_with_file_and_line(site):
    runner = CliRunner()
    args = ["--content-dir", str(site / "content"), "--pathways-dir", str(site / "pathways")]
    clean = runner.invoke(content_cli, ["check", *args])
    assert clean.exit_code == 0, clean.output
    assert "0 error(s)" in clean.output
    edit(site / "content/mentor/two.md", "minutes: 10", "minuts: 10")
    edit(site / "pathways/leading.yml", "  - exec/listen.md", "  - exec/missing.md")
    broken = runner.invoke(content_cli, ["check", *args])
    assert broken.exit_code == 1
    assert "content/mentor/two.md:4: error:" in broken.output
    assert "did you mean 'minutes'" in broken.output
    assert "pathways/leading.yml:" in broken.output and "missing.md" in broken.output
    assert "2 error(s)" in broken.output


def test_site_refuses_to_start_on_a_broken_library(tmp_path, site):
    edit(site / "content/mentor/one.md", "title: Why mentoring upward works\n", "")
    with pytest.raises(SystemExit, match=r"content/mentor/one.md:\d+: error: .*title"):
        next(
            build_app(
                tmp_path,
                UPWARD_CONTENT_DIR=str(site / "content"),
                UPWARD_PATHWAYS_DIR=str(site / "pathways"),
            )
        )
