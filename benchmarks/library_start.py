"""Start-up and reload of a large library the way production runs it: gunicorn, several workers.

For a generated library (benchmarks/library_load.py writes the files) it reports:
- the time from starting gunicorn until the first answer and until every worker is ready,
  with no parse cache (the first start) and with one (every later start);
- memory per worker (RSS, and PSS: what is really its own);
- a one-file reload in one process, the library of that size loaded (median of several).

    .venv/bin/python benchmarks/library_start.py [--files 10000] [--workers 5] [--reloads 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from benchmarks.library_load import generate  # noqa: E402

HOOK = """
import time
def post_worker_init(worker):
    with open({path!r}, "a") as f:
        f.write(f"{{time.time()}}\\n")
"""


def start(env: dict[str, str], workers: int, port: int, ready_file: Path) -> dict[str, object]:
    """Start gunicorn; time its first answer and every worker's readiness; then stop it."""
    ready_file.write_text("")
    config = ready_file.with_suffix(".conf.py")
    config.write_text(HOOK.format(path=str(ready_file)))
    started = time.time()
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(config), "--workers", str(workers)]
        + ["--timeout", "300", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
        cwd=ROOT,
        env=env,
    )
    first = None
    try:
        while time.time() - started < 600:
            if first is None:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                    first = time.time() - started
                except OSError:
                    pass
            stamps = [float(x) for x in ready_file.read_text().split()]
            if first is not None and len(stamps) >= workers:
                break
            time.sleep(0.05)
        else:
            raise SystemExit("gunicorn did not get ready in 10 minutes")
        memory = worker_memory(proc.pid)
    finally:
        proc.terminate()
        proc.wait()
    return {"first": first, "all": max(stamps) - started, "memory": memory}


def worker_memory(master: int) -> list[tuple[float, float]]:
    """Return (RSS MB, PSS MB) of each worker process of a gunicorn master."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid != master:
                continue
            rollup = (entry / "smaps_rollup").read_text().splitlines()
        except (OSError, ValueError):
            continue
        values = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
        found.append((values["Rss"] / 1024, values["Pss"] / 1024))
    return found


def reloads(content: Path, pathways: Path, runs: int) -> list[float]:
    """Time one-file reloads of a loaded store (with the site's URLs), in this process."""
    from upward.content import LibraryStore
    from upward.publishing import URLS

    store = LibraryStore(content, pathways, URLS)
    target = next((content / "steps").iterdir())
    timings = []
    for run in range(runs):
        target.write_text(target.read_text() + f"\nOne more sentence {run}.\n")
        started = time.perf_counter()
        assert store.reload(), store.problems
        timings.append(time.perf_counter() - started)
        assert store.parsed == [target.relative_to(content).as_posix()]
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--port", type=int, default=8711)
    args = parser.parse_args()

    from upward.content.cache import ParseCache, get_key
    from upward.publishing import URLS

    with tempfile.TemporaryDirectory() as tmp:
        content, pathways = generate(Path(tmp), args.files)
        env = {
            **os.environ,
            "UPWARD_CONTENT_DIR": str(content),
            "UPWARD_PATHWAYS_DIR": str(pathways),
            "UPWARD_SECRET_KEY": "bench",
            "UPWARD_WATCH": "0",
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp}/bench.db"),
        }
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        key = get_key(content.resolve(), pathways.resolve(), URLS)
        cache = ParseCache(ROOT / "instance" / "parse-cache", key)
        try:
            results = {}
            for label, cache_on in (("no cache", False), ("cold cache", True), ("warm", True)):
                if label == "cold cache":
                    cache.path.unlink(missing_ok=True)
                run_env = {**env, "UPWARD_PARSE_CACHE": "1" if cache_on else "0"}
                results[label] = start(run_env, args.workers, args.port, Path(tmp) / "ready")
            timings = reloads(content, pathways, args.reloads)
        finally:
            cache.path.unlink(missing_ok=True)
            cache.lock_path.unlink(missing_ok=True)

    print(f"{args.files} files, gunicorn --workers {args.workers}, cpus: {os.cpu_count()}")
    print(
        f"{'start':<12}{'first answer':>14}{'all workers':>13}{'RSS/worker':>12}{'PSS/worker':>12}"
    )
    for label, r in results.items():
        rss = statistics.median(m[0] for m in r["memory"])
        pss = statistics.median(m[1] for m in r["memory"])
        print(f"{label:<12}{r['first']:>12.1f} s{r['all']:>11.1f} s{rss:>9.0f} MB{pss:>9.0f} MB")
    print(
        f"one-file reload: median {statistics.median(timings):.3f} s, "
        f"max {max(timings):.3f} s over {len(timings)}"
    )


if __name__ == "__main__":
    main()
