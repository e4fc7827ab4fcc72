"""Upward: training and support for reverse-mentoring programs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from upward.config import ROOT, SettingsError, get_config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the Upward application.

    Settings come from the environment, or, for tests, from `test_config` alone (over the
    defaults), so a developer's own UPWARD_* variables never leak into a test.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path, test_config))

    if app.config["UPWARD_PROXIES"]:
        # Behind a load balancer: trust that many proxies for the client address and scheme.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["UPWARD_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from upward import (
        database,
        demo,
        errors,
        fragments,
        kept,
        mail,
        publishing,
        security,
        sessions,
        summary,
        templating,
    )
    from upward.auth import auth

    database.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    auth.init_app(app)
    kept.init_app(app)
    publishing.init_app(app)
    summary.init_app(app)
    mail.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    fragments.init_app(app)
    register_blueprints(app)
    demo.init_app(app)
    return app


def load_config(instance_path: str, test_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return the settings from the environment, or the defaults replaced by test_config."""
    try:
        if test_config is None:
            return get_config(instance_path)
        config = get_config(instance_path, {}, secret_key=test_config.get("SECRET_KEY"))
    except SettingsError as error:
        lines = "\n".join(f"  {problem}" for problem in error.problems)
        raise SystemExit(f"Upward cannot start: some settings are wrong:\n{lines}") from None
    return {**config, **test_config}


def register_blueprints(app: Flask) -> None:
    """Mount every feature's pages."""
    from upward.admin.routes import bp as admin
    from upward.auth.routes import bp as auth
    from upward.authors.routes import bp as authors
    from upward.discussions.routes import bp as discussions
    from upward.learn.routes import bp as learn
    from upward.mail.routes import bp as mail
    from upward.meetings.routes import bp as meetings
    from upward.pairs.routes import bp as pairs
    from upward.pairspace.routes import bp as pairspace
    from upward.program.cohorts_routes import bp as cohorts
    from upward.program.invitations_routes import bp as invitations
    from upward.program.profiles_routes import bp as profiles
    from upward.program.routes import bp as program
    from upward.reports.certificate_routes import bp as certificates
    from upward.reports.routes import bp as reports
    from upward.reports.survey_routes import bp as surveys
    from upward.resources.routes import bp as resources
    from upward.search.routes import bp as search

    app.register_blueprint(auth)
    app.register_blueprint(learn)
    app.register_blueprint(discussions)
    app.register_blueprint(resources)
    app.register_blueprint(search)
    app.register_blueprint(program)
    app.register_blueprint(pairs)
    app.register_blueprint(authors)
    app.register_blueprint(mail)
    app.register_blueprint(reports)
    app.register_blueprint(meetings)
    app.register_blueprint(admin)
    app.register_blueprint(cohorts)
    app.register_blueprint(invitations)
    app.register_blueprint(profiles)
    app.register_blueprint(pairspace)
    app.register_blueprint(certificates)
    app.register_blueprint(surveys)
