"""Images from the content folder, served at /media/ (only the suffixes the checker allows)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory
from flask.typing import ResponseReturnValue

from upward.content.files import is_media_file

bp = Blueprint("media", __name__)


@bp.get("/media/<path:path>", endpoint="media")
def send_media(path: str) -> ResponseReturnValue:
    """Serve an image from the content folder."""
    if not is_media_file(path):
        abort(404)
    return send_from_directory(current_app.config["UPWARD_CONTENT_DIR"], path, max_age=3600)
