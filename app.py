"""Entry point: `flask run` finds `app` here; gunicorn uses 'app:app' or 'upward:create_app()'."""

from upward import create_app

app = create_app()
