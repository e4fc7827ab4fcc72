"""Load benchmark: Upward's learner pages against a hello-world Flask route.

The hello-world baseline is always Flask on gunicorn sync workers; Upward runs under the
server chosen (gunicorn sync workers, as before, or granian, as production serves it). wrk
drives each in turn, every page run between two hello-world runs, over several rounds, so each
page's share is measured side by side with the baseline on the same machine at the same time.

    .venv/bin/python benchmarks/load.py [--server gunicorn|granian|both] [--rounds 3]
        [--seconds 10] [--connections 32] [--pages step,dashboard,pathway,resources,search,
        template,pair]

The issue's 50% pages are the step page, the dashboard and the pathway page; its 25% pages are
the resources list, search, a filled-in template and the pair page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EMAIL = "bench@example.com"
PASSWORD = "benchmark password 2026"
USER_AGENT = "upward-benchmark"
"""Sent by the login and by wrk alike: Flask-Login's session protection hashes the User-Agent,
so a different one under load would mark every session changed and re-sign its cookie."""


def ensure_wrk() -> str:
    """Return the path of wrk, installing Debian's package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def server_command(
    server: str, target: str, port: int, workers: int, threads: int = 1
) -> list[str]:
    """Return the command that serves target on 127.0.0.1:port with the given server.

    Upward under granian runs as the README tells production to run it: `python -m
    upward.serve`, the app loaded once before the workers fork."""
    if server == "granian" and target == "app:app":
        return [
            str(BIN / "python"),
            "-m",
            "upward.serve",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
    if server == "granian":
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-ws",
            target,
        ]
    return [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        target,
    ]


def start_server(
    server: str, target: str, port: int, env: dict[str, str], workers: int, threads: int = 1
) -> subprocess.Popen:
    """Start a server on 127.0.0.1:port and wait until it answers."""
    command = server_command(server, target, port, workers, threads)
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{server} {target} did not start")


def log_in(base: str) -> str:
    """Register (or log in) the benchmark user and return its session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    for path, data in (
        (
            "/account/register",
            {
                "name": "Bench",
                "email": EMAIL,
                "password": PASSWORD,
                "confirm": PASSWORD,
                "role": "mentor",
            },
        ),
        ("/account/login", {"email": EMAIL, "password": PASSWORD}),
    ):
        html = opener.open(base + path).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        if token is None:  # already logged in: the form redirected to the dashboard
            break
        body = urllib.parse.urlencode({"csrf_token": token.group(1), **data}).encode()
        opener.open(base + path, body)
    cookie = next(c for c in jar if c.name == "session")
    return f"session={cookie.value}"


def check_cookie_is_stable(url: str, cookie: str) -> None:
    """Refuse to measure if a page would re-sign the session cookie (an unfair extra cost)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    with urllib.request.urlopen(request) as response:
        if response.headers.get("Set-Cookie"):
            raise SystemExit(f"{url} re-signs the session cookie on every request")


def run_wrk(wrk: str, url: str, seconds: int, connections: int, cookie: str | None) -> dict:
    """Run wrk once and return requests/s and p50/p99 latency in milliseconds."""
    cmd = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    cmd[1:1] = ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": parse_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": parse_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
    }


def parse_ms(value: str) -> float:
    """Turn wrk's '1.23ms' / '456.00us' / '1.02s' into milliseconds."""
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


HELLO = "hello world (Flask, gunicorn)"
PAGES = ("step", "dashboard", "pathway", "resources", "search", "template", "pair")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("gunicorn", "granian", "both"), default="gunicorn")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--pages", default=",".join(PAGES), help=",".join(PAGES))
    parser.add_argument(
        "--granian-threads", type=int, default=1, help="blocking threads per granian worker"
    )
    parser.add_argument(
        "--people",
        type=int,
        default=0,
        help="first fill the database with this many people and a year of their program, "
        "and serve a 300-step library (benchmarks/reports.py's data); give it a scratch database",
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    servers = ("gunicorn", "granian") if args.server == "both" else (args.server,)
    pages = [p for p in args.pages.split(",") if p]

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "UPWARD_RATELIMIT": "0", "UPWARD_SECRET_KEY": "bench"}
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
        if args.people:
            from reports import write_library

            content, manifests = write_library(Path(tmp) / "library")
            env["UPWARD_CONTENT_DIR"], env["UPWARD_PATHWAYS_DIR"] = str(content), str(manifests)
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        if args.people:
            fill_program(env, args.people)
        ports = {server: 8711 + i for i, server in enumerate(servers)}
        apps = [start_server("gunicorn", "benchmarks.hello:app", 8702, env, args.workers)]
        apps += [
            start_server(server, "app:app", port, env, args.workers, args.granian_threads)
            for server, port in ports.items()
        ]
        try:
            base = f"http://127.0.0.1:{ports[servers[0]]}"
            cookie = log_in(base)
            paths = page_paths(base, cookie, env, pages)
            targets: dict[str, tuple[str, str | None]] = {}
            for server, port in ports.items():
                for page in pages:
                    url = f"http://127.0.0.1:{port}{paths[page]}"
                    check_cookie_is_stable(url, cookie)
                    targets[f"{page} ({server})"] = (url, cookie)
            results: dict[str, list[dict]] = {HELLO: [], **{name: [] for name in targets}}
            shares: dict[str, list[float]] = {name: [] for name in targets}
            hello = "http://127.0.0.1:8702/"
            for _ in range(args.rounds):
                before = run_wrk(wrk, hello, args.seconds, args.connections, None)
                results[HELLO].append(before)
                for name, (url, cookie_header) in targets.items():
                    run = run_wrk(wrk, url, args.seconds, args.connections, cookie_header)
                    after = run_wrk(wrk, hello, args.seconds, args.connections, None)
                    results[name].append(run)
                    results[HELLO].append(after)
                    shares[name].append(run["rps"] / ((before["rps"] + after["rps"]) / 2))
                    before = after
        finally:
            for proc in apps:
                proc.terminate()
                proc.wait()
    report(results, shares, args)


def page_paths(base: str, cookie: str, env: dict[str, str], pages: list[str]) -> dict[str, str]:
    """Return each page's URL as the benchmark's mentor reaches it."""
    step = first_step_url(base, cookie)
    pathway = step.split("/steps/")[0]
    # A filled-in template and a pair only when asked for (the generated library has no
    # templates to fill in).
    entry, pair = add_entry_and_pair_in(env) if {"template", "pair"} & set(pages) else ("", "")
    return {
        "step": step,
        "dashboard": "/dashboard",
        "pathway": pathway,
        "resources": "/resources/",
        "search": "/search?q=feedback",
        "template": entry,
        "pair": pair,
    }


def fill_program(env: dict[str, str], people: int) -> None:
    """Fill the servers' database with benchmarks/reports.py's program of this many people."""
    from reports import generate

    app = bench_app(env)
    from upward.auth.services import register_user, set_lead
    from upward.extensions import db

    with app.app_context():
        lead = register_user("Lead", "lead@example.com", PASSWORD, "mentor")
        set_lead(lead, True)
        started = time.perf_counter()
        counts = generate(db, people, lead.id)
        print(f"filled in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
        if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum would gather
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")


def bench_app(env: dict[str, str]):
    """Return the app as the servers run it, on their database, without CSRF for set-up."""
    sys.path.insert(0, str(ROOT))
    from upward import create_app

    return create_app(
        {
            "SECRET_KEY": env["UPWARD_SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "UPWARD_CONTENT_DIR": env.get("UPWARD_CONTENT_DIR", str(ROOT / "content")),
            "UPWARD_PATHWAYS_DIR": env.get("UPWARD_PATHWAYS_DIR", str(ROOT / "pathways")),
            "UPWARD_WATCH": False,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )


def add_entry_and_pair_in(env: dict[str, str]) -> tuple[str, str]:
    """Fill in a template as the benchmark's mentor and pair them, in the servers' database."""
    from inprocess import add_entry_and_pair

    app = bench_app(env)
    client = app.test_client()
    logged_in = client.post("/account/login", data={"email": EMAIL, "password": PASSWORD})
    assert logged_in.status_code == 302, logged_in.status_code
    return add_entry_and_pair(app, client)


def first_step_url(base: str, cookie: str) -> str:
    """Return the URL of the first step of the mentor pathway, as a learner reaches it."""
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
    request = urllib.request.Request(base + "/dashboard", headers=headers)
    html = urllib.request.urlopen(request).read().decode()
    return re.search(r'href="(/pathways/[^"/]+/steps/[^"]+)"', html).group(1)


def report(
    results: dict[str, list[dict]], shares: dict[str, list[float]], args: argparse.Namespace
) -> None:
    """Print medians over the rounds; a page's share is the median of its per-round shares.

    Each round's share divides the page's requests/s by the mean of the hello-world runs just
    before and just after it, so a change in what else the machine does moves both alike.
    """
    print(
        f"\n--workers {args.workers}, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{args.rounds} rounds, each page between two hello-world runs; medians"
    )
    print(f"{'page':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs hello':>10}  per round")
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        if name == HELLO:
            print(f"{name:<34}{rps:>9.0f}{p50:>9.1f}{p99:>9.1f}{'100%':>10}")
            continue
        share = statistics.median(shares[name])
        rounds = " ".join(f"{s:.0%}" for s in shares[name])
        print(f"{name:<34}{rps:>9.0f}{p50:>9.1f}{p99:>9.1f}{share:>9.0%}  {rounds}")


if __name__ == "__main__":
    main()
