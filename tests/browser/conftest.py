"""Browser fixtures: the real app under gunicorn on 127.0.0.1, Debian's Chromium, and axe-core.

One live server and one browser serve the whole session. Each test module makes its own
contexts (one per person), so a person logs in once and their cookies carry across tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.helpers import DRAFT_PATH, PHONE, require

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "a quiet lake at dawn in autumn"
DESKTOP = {"width": 1280, "height": 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Landmarks, headings and the skip link are best practice in axe, not WCAG rules: ask for them too.
AXE_EXTRA_RULES = [
    "region",
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "page-has-heading-one",
    "heading-order",
    "skip-link",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright waits this long for an element or a page; the site answers in milliseconds.
expect.set_options(timeout=10_000)


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """The app served by gunicorn, and the settings to run its CLI against the same database."""

    url: str
    env: dict[str, str]
    database: Path
    """The SQLite file the server uses, for arranging states no form can reach."""

    def flask(self, *args: str) -> str:
        """Run a `flask` command against the live server's database and return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (
            f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
        )
        return result.stdout


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll the server until it answers, or fail with its log."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own URL)
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while workers boot
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer at {url} within 30 s:\n{log.read_text()}")


def copy_with_draft_step(folder: Path) -> tuple[Path, Path]:
    """Copy the shipped library and add one draft step to the program pathway, for authors."""
    content, pathways = folder / "content", folder / "pathways"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "pathways", pathways)
    (content / DRAFT_PATH).write_text(
        "---\ntitle: A step still being written\nid: program-draft-for-authors\n"
        "audience: [program]\ndraft: true\n---\n\nOnly authors see this step until it is "
        "published.\n\n```reflection\nid: draft-note\nprompt: What should this step say?\n```\n"
    )
    manifest = pathways / "program.yml"
    manifest.write_text(manifest.read_text().rstrip("\n") + f"\n  - {DRAFT_PATH}\n")
    return content, pathways


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the shipped content from a freshly migrated SQLite database under gunicorn."""
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("gunicorn is not installed in this virtualenv")
    folder = tmp_path_factory.mktemp("live")
    content, pathways = copy_with_draft_step(folder)
    env = {
        **os.environ,
        "FLASK_APP": "app",
        "DATABASE_URL": f"sqlite:///{folder / 'upward.db'}",
        "UPWARD_CONTENT_DIR": str(content),
        "UPWARD_PATHWAYS_DIR": str(pathways),
        "UPWARD_SECRET_KEY": "browser-tests",
        "UPWARD_RATELIMIT": "0",
        "UPWARD_WATCH": "0",
        "UPWARD_HTTPS": "0",
    }
    port = free_port()
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env, database=folder / "upward.db")
    server.flask("db", "upgrade")
    log = folder / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
                "app:app",
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(server.url + "/", process, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Launch Debian's Chromium: Playwright's own browser download doesn't work here."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium package")
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def axe_source() -> str:
    """Return axe-core's source, installed by `npm ci`."""
    require(AXE.exists(), f"{AXE.relative_to(ROOT)} is missing: run `npm ci`")
    return AXE.read_text()


@dataclass
class Site:
    """Open contexts on the live server and act as a person would."""

    browser: Browser
    server: LiveServer
    contexts: list[BrowserContext]
    password = PASSWORD

    @property
    def url(self) -> str:
        return self.server.url

    def context(self, *, phone: bool = False, **options: Any) -> BrowserContext:
        """Open a browser context (a fresh cookie jar) at desktop or phone size."""
        if phone:
            options = {"viewport": PHONE, "is_mobile": True, "has_touch": True, **options}
        else:
            options = {"viewport": DESKTOP, **options}
        context = self.browser.new_context(base_url=self.url, **options)
        self.contexts.append(context)
        return context

    def register(self, page: Page, name: str, email: str, role: str) -> None:
        """Create an account through the form and land on the dashboard."""
        page.goto("/account/register")
        page.get_by_label("Your name").fill(name)
        page.get_by_label("Work email").fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        page.locator(f"input[name=role][value={role}]").check()
        page.get_by_role("button", name="Create account").click()
        expect(page).to_have_url(self.url + "/dashboard")

    def login(self, page: Page, email: str) -> None:
        """Log in through the form and land on the dashboard."""
        page.goto("/account/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(self.url + "/dashboard")

    def create_author(self, email: str, name: str) -> None:
        """Make an admin and author with the CLI, as the README tells an operator to."""
        self.server.flask(
            "users", "create-admin", "--email", email, "--name", name, "--password", PASSWORD
        )


@pytest.fixture(scope="module")
def site(browser: Browser, live_server: LiveServer) -> Iterator[Site]:
    """Give a test module the live site; its contexts close when the module ends."""
    contexts: list[BrowserContext] = []
    yield Site(browser, live_server, contexts)
    for context in contexts:
        context.close()


class Axe:
    """Run axe-core in a page and describe what it finds."""

    def __init__(self, source: str) -> None:
        self.source = source

    def violations(self, page: Page) -> list[dict[str, Any]]:
        """Run axe-core on the page (WCAG 2.1 A and AA, and landmarks) and return the violations."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated over the DevTools protocol: the site's CSP (no inline script) stays on.
            page.evaluate(self.source)
        return page.evaluate(
            """async ([tags, extra]) => {
                const rules = Object.fromEntries(extra.map(id => [id, {enabled: true}]));
                const runOnly = {type: 'tag', values: tags};
                const result = await axe.run(document, {runOnly, rules});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                              html: n.html.slice(0, 240),
                                              summary: n.failureSummary})),
                }));
            }""",
            [AXE_TAGS, AXE_EXTRA_RULES],
        )

    def assert_clean(self, page: Page, what: str) -> None:
        """Fail with a readable list when axe finds any violation."""
        violations = self.violations(page)
        assert not violations, f"axe found violations on {what} ({page.url}):\n" + describe(
            violations
        )


def describe(violations: list[dict[str, Any]]) -> str:
    """Format axe violations so a failing test says what to fix and where."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"][:8]:
            lines.append(f"    at {node['target']}\n      {node['html']}")
            lines.extend(f"      | {line}" for line in (node["summary"] or "").splitlines())
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe(axe_source: str) -> Axe:
    return Axe(axe_source)


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], Path]:
    """Return a function that saves a full-page screenshot as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
