"""Start-up and reload of a large library the way production runs it: several worker processes.

For a generated library (benchmarks/library_load.py writes the files) it reports, per server:
- the time from starting the server until the first answer of the app (its home page), and
  until every worker has answered (a cheap path of the benchmark's wrapper names the worker);
- the CPU time the server's processes used until then (wall-clock time moves with whatever
  else the machine runs; CPU time hardly does);
- memory per worker once all have answered: RSS, PSS and what is its own (private pages);
- a one-file reload, the library of that size loaded: of the store alone, and in the app
  (with what the app does when a library loads: recording step versions), wall and CPU time.

Servers: `gunicorn` (each worker loads the app), `gunicorn-preload` (gunicorn --preload: the
app loads once, then the workers fork), `granian` (granian's own command: each worker loads
the app) and `serve` (python -m upward.serve: granian, the app loaded before the fork).
`--before DIR` runs the same rows with the code of another checkout (say `git archive main`),
side by side in one run.

    .venv/bin/python benchmarks/library_start.py [--files 10000] [--workers 5] [--reloads 5]
        [--before DIR] [--rounds 3] [--rows gunicorn:none,gunicorn:warm,serve:warm]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # last: a child measuring another checkout imports its code
BIN = Path(sys.executable).parent

from benchmarks.library_load import generate  # noqa: E402

PID_APP = '''
"""The app, and /__worker: the process id of a worker whose app has loaded, answered cheaply
(so that asking every worker does not take the CPU the others are loading with)."""
import os
from app import app as upward_app

def app(environ, start_response):
    if environ["PATH_INFO"] == "/__worker":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]
    return upward_app(environ, start_response)
'''
SERVERS = ("gunicorn", "gunicorn-preload", "granian", "serve")
CACHES = ("none", "cold", "warm")
"""none: UPWARD_PARSE_CACHE=0; cold: the cache on, its file removed first; warm: as left."""
DEFAULT_ROWS = "gunicorn:none,gunicorn:cold,gunicorn:warm,granian:warm,serve:none,serve:warm"


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(server: str, workers: int, port: int) -> list[str]:
    """Return the command line that serves the benchmark app on a port."""
    if server.startswith("gunicorn"):
        preload = ["--preload"] if server == "gunicorn-preload" else []
        return [str(BIN / "gunicorn"), "--workers", str(workers), *preload, "--timeout", "600"] + [
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "pid_app:app",
        ]
    if server == "granian":
        return [str(BIN / "granian"), "--interface", "wsgi", "--workers", str(workers)] + [
            "--blocking-threads",
            "1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "pid_app:app",
        ]
    return [sys.executable, "-m", "upward.serve", "--workers", str(workers)] + [
        "--port",
        str(port),
        "pid_app:app",
    ]


def ask(port: int, path: str) -> str | None:
    """Return the body of an answer, or None without one."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.read().decode()
    except OSError:
        return None


def start(server: str, env: dict[str, str], root: Path, workers: int) -> dict[str, object]:
    """Start a server; time its first answer and the first answer of every worker; stop it."""
    port = free_port()
    log = open(Path(env["BENCH_TMP"]) / f"{server}.log", "ab")  # noqa: SIM115
    started = time.monotonic()
    proc = subprocess.Popen(
        command(server, workers, port), cwd=root, env=env, stdout=log, stderr=log
    )
    seen: dict[int, float] = {}
    first: list[float] = []
    done = threading.Event()

    def ask_home() -> None:
        while not first and proc.poll() is None and not done.is_set():
            if ask(port, "/") is not None:
                first.append(time.monotonic() - started)
            else:
                time.sleep(0.05)

    def ask_workers() -> None:
        while not done.is_set() and proc.poll() is None:
            pid = ask(port, "/__worker")
            if pid is not None:
                seen.setdefault(int(pid), time.monotonic() - started)
                if len(seen) >= workers and first:
                    done.set()
            time.sleep(0.05)

    askers = [threading.Thread(target=ask_home)]
    askers += [threading.Thread(target=ask_workers) for _ in range(2 * workers)]
    try:
        for asker in askers:
            asker.start()
        if not done.wait(900):
            raise SystemExit(f"{server} did not answer from {workers} workers in 15 minutes")
        for asker in askers:
            asker.join()
        memory = [process_memory(pid) for pid in seen]
        cpu = cpu_seconds([proc.pid, *children(proc.pid)])
    finally:
        done.set()
        proc.terminate()
        proc.wait()
        log.close()
    if proc.returncode not in (0, -15) and len(seen) < workers:
        raise SystemExit(f"{server} stopped with {proc.returncode}")
    return {"first": first[0], "all": max(seen.values()), "memory": memory, "cpu": cpu}


def children(parent: int) -> list[int]:
    """Return the ids of a process's children."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU time (user and system) processes have used so far.

    Unlike wall-clock time it hardly moves with what else the machine is doing.
    """
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def process_memory(pid: int) -> tuple[float, float, float]:
    """Return (RSS, PSS, private) of a process in MB."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    values = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
    private = values["Private_Clean"] + values["Private_Dirty"]
    return values["Rss"] / 1024, values["Pss"] / 1024, private / 1024


def reloads(content: Path, pathways: Path, runs: int) -> dict[str, list[float]]:
    """Time one-file reloads of a loaded store, and of the app's store (with its callbacks)."""
    import logging

    from upward import create_app
    from upward.content import LibraryStore
    from upward.publishing import URLS, get_store

    logging.disable(logging.WARNING)  # the generated library's warnings, logged every load
    target = next((content / "steps").iterdir())
    timings: dict[str, list[float]] = {"store": [], "app": [], "store CPU": [], "app CPU": []}
    store = LibraryStore(content, pathways, URLS)
    app = create_app()
    with app.app_context():
        stores = {"store": store, "app": get_store()}
    for run in range(runs):
        for label, each in stores.items():
            target.write_text(target.read_text() + f"\nOne more sentence {run}.\n")
            started, cpu = time.perf_counter(), time.process_time()
            assert each.reload(), each.problems
            timings[label].append(time.perf_counter() - started)
            timings[f"{label} CPU"].append(time.process_time() - cpu)
            assert each.parsed == [target.relative_to(content).as_posix()]
    return timings


def measure_reloads(root: Path, env: dict[str, str], content: Path, pathways: Path, runs: int):
    """Run reloads() in a child process with the code of a checkout."""
    out = subprocess.run(
        [sys.executable, __file__, "--child-reload", str(content), str(pathways), str(runs)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the generated library's warnings
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def prepare(label: str, root: Path, env: dict[str, str], tmp: Path) -> dict[str, str]:
    """Return the environment that runs one checkout's code, its database migrated."""
    code = tmp / f"code-{label}"
    code.mkdir(exist_ok=True)
    (code / "pid_app.py").write_text(PID_APP)
    env = {
        **env,
        "PYTHONPATH": f"{code}{os.pathsep}{root}",
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{tmp}/bench-{label}.db",
    }
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def run_row(root: Path, env: dict[str, str], server: str, cache: str, workers: int) -> dict:
    """Start one row's server with one checkout's code, its cache as the row asks."""
    caches = root / "instance" / "parse-cache"
    if cache in ("none", "cold"):
        for old in caches.glob("library-*"):
            old.unlink()
    env = {**env, "UPWARD_PARSE_CACHE": "0" if cache == "none" else "1"}
    if cache == "warm" and not any(caches.glob("library-*.pickle")):
        subprocess.run(  # a start that writes the cache, not timed
            [sys.executable, "-c", "import app"],
            cwd=root,
            env=env,
            check=True,
            stderr=subprocess.DEVNULL,
        )
    return start(server, env, root, workers)


def print_row(label: str, server: str, cache: str, found: list[dict]) -> None:
    """Print the medians of a row's rounds (every round's time for all workers in brackets)."""
    first = statistics.median(r["first"] for r in found)
    cpu = statistics.median(r["cpu"] for r in found)
    every = [r["all"] for r in found]
    rss, pss, own = (statistics.median(m[i] for r in found for m in r["memory"]) for i in range(3))
    rounds = ", ".join(f"{t:.1f}" for t in every) if len(every) > 1 else ""
    print(
        f"{label:<7}{server:<18}{cache:<7}{first:>9.1f} s{statistics.median(every):>9.1f} s"
        f"{cpu:>8.1f} s{rss:>8.0f} MB{pss:>8.0f} MB{own:>8.0f} MB  {rounds}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1, help="starts of each row and checkout")
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--rows", default=DEFAULT_ROWS, help="server:cache,... to start")
    parser.add_argument("--child-reload", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_reload:
        content, pathways, runs = args.child_reload
        print(json.dumps(reloads(Path(content), Path(pathways), int(runs))))
        return
    rows = [tuple(row.split(":")) for row in args.rows.split(",")]
    for server, cache in rows:
        assert server in SERVERS and cache in CACHES, f"unknown row {server}:{cache}"

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        content, pathways = generate(tmp, args.files)
        base = {
            **os.environ,
            "UPWARD_CONTENT_DIR": str(content),
            "UPWARD_PATHWAYS_DIR": str(pathways),
            "UPWARD_SECRET_KEY": "bench",
            "UPWARD_WATCH": "1",
            "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
            "BENCH_TMP": str(tmp),
        }
        checkouts = [("after", ROOT)]
        if args.before:
            checkouts.insert(0, ("before", args.before.resolve()))
        envs = {label: prepare(label, root, base, tmp) for label, root in checkouts}
        print(f"{args.files} files, {args.workers} workers, cpus: {os.cpu_count()}")
        print(
            f"{'code':<7}{'server':<18}{'cache':<7}{'first answer':>11}{'all workers':>12}"
            f"{'CPU':>10}{'RSS':>11}{'PSS':>10}{'own':>10}  (medians; memory per worker; rounds)"
        )
        for server, cache in rows:
            found: dict[str, list[dict]] = {label: [] for label, _ in checkouts}
            for _ in range(args.rounds):  # the checkouts interleaved, so both see the same noise
                for label, root in checkouts:
                    if server == "serve" and not (root / "upward" / "serve.py").exists():
                        continue
                    found[label].append(run_row(root, envs[label], server, cache, args.workers))
            for label, results in found.items():
                if results:
                    print_row(label, server, cache, results)
        for label, root in checkouts:
            env = {**envs[label], "PYTHONPATH": str(root)}
            env["UPWARD_WATCH"] = "0"  # a watcher would reload before the timed reload
            timings = measure_reloads(root, env, content, pathways, args.reloads)
            for kind, values in timings.items():
                print(
                    f"{label}: one-file reload ({kind}): median {statistics.median(values):.3f} s,"
                    f" max {max(values):.3f} s over {len(values)}"
                )


if __name__ == "__main__":
    main()
