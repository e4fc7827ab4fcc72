"""The baseline: a hello-world Flask route, served by gunicorn exactly like Upward."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Say hello."""
    return "Hello, World!"
