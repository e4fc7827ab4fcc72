"""Upward: training and support for reverse-mentoring programs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from upward.config import ROOT, get_config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the Upward application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(get_config(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)

    if app.config["UPWARD_PROXIES"]:
        # Behind a load balancer: trust that many proxies for the client address and scheme.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["UPWARD_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from upward import database, library, security, views
    from upward.auth import auth

    database.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    library.init_app(app)
    views.init_app(app)
    return app
