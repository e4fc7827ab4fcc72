"""Load benchmark: Upward's step page and dashboard against a hello-world Flask route.

Both apps run under the same gunicorn settings on 127.0.0.1, and wrk drives each in turn,
interleaved over several rounds, so the ratio is measured side by side on the same machine.

    .venv/bin/python benchmarks/load.py [--rounds 3] [--seconds 10] [--connections 32]
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


def start_gunicorn(target: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1:port and wait until it answers."""
    cmd = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        target,
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn {target} did not start")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    wrk = ensure_wrk()

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "UPWARD_RATELIMIT": "0", "UPWARD_SECRET_KEY": "bench"}
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        apps = [
            start_gunicorn("app:app", 8701, env, args.workers),
            start_gunicorn("benchmarks.hello:app", 8702, env, args.workers),
        ]
        try:
            cookie = log_in("http://127.0.0.1:8701")
            step = first_step_url("http://127.0.0.1:8701", cookie)
            targets = {
                "hello world (Flask)": ("http://127.0.0.1:8702/", None),
                "step page": (f"http://127.0.0.1:8701{step}", cookie),
                "dashboard": ("http://127.0.0.1:8701/dashboard", cookie),
            }
            for url, cookie_header in targets.values():
                if cookie_header:
                    check_cookie_is_stable(url, cookie_header)
            results: dict[str, list[dict]] = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, (url, cookie_header) in targets.items():
                    results[name].append(
                        run_wrk(wrk, url, args.seconds, args.connections, cookie_header)
                    )
        finally:
            for proc in apps:
                proc.terminate()
                proc.wait()
    report(results, args)


def first_step_url(base: str, cookie: str) -> str:
    """Return the URL of the first step of the mentor pathway, as a learner reaches it."""
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
    request = urllib.request.Request(base + "/dashboard", headers=headers)
    html = urllib.request.urlopen(request).read().decode()
    return re.search(r'href="(/pathways/[^"/]+/steps/[^"]+)"', html).group(1)


def report(results: dict[str, list[dict]], args: argparse.Namespace) -> None:
    """Print medians over the rounds and each page's share of hello-world throughput."""
    baseline = statistics.median(r["rps"] for r in results["hello world (Flask)"])
    print(
        f"\ngunicorn --workers {args.workers}, wrk -t2 -c{args.connections} "
        f"-d{args.seconds}s, {args.rounds} interleaved rounds, medians"
    )
    print(f"{'page':<22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs hello':>10}")
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        print(f"{name:<22}{rps:>10.0f}{p50:>10.1f}{p99:>10.1f}{rps / baseline:>9.0%}")


if __name__ == "__main__":
    main()
