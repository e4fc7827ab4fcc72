"""Serve Upward in production: granian, with the app loaded once before its workers fork.

    python -m upward.serve --workers 5 --host 0.0.0.0 --port 8000 --access-log

Workers forked from a loaded app start at once and share one copy of the content library's
memory; each then watches the content folders itself (see LibraryStore.watch). With granian's
own command (`granian --interface wsgi ... app:app`) every worker loads the app by itself.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable, Sequence
from typing import Any

TARGET = "app:app"


def get_app(target: str = TARGET) -> Callable[..., Any]:
    """Return the WSGI app: the one loaded before the fork, or a fresh import if spawned."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name or "app")


def main(argv: Sequence[str] | None = None) -> None:
    """Load the app, then serve it with granian's worker processes."""
    from granian.constants import Interfaces
    from granian.server import Server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--access-log", action="store_true")
    parser.add_argument("target", nargs="?", default=TARGET, help="module:app (default app:app)")
    args = parser.parse_args(argv)
    get_app(args.target)  # in this process, so forked workers find it imported
    server = Server(
        args.target,
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=1,
        log_access=args.access_log,
        respawn_failed_workers=True,
    )
    server.serve(target_loader=get_app)


if __name__ == "__main__":
    main()
