"""A sample program to try Upward with: `flask demo` fills an empty database."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add `flask demo`."""
    from upward.demo.cli import demo

    app.cli.add_command(demo)
