"""Images from the content folder, served at /media/: only those the library uses."""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, send_from_directory
from flask.typing import ResponseReturnValue
from flask_login import current_user

from upward.content.files import is_inside, is_media_file

bp = Blueprint("media", __name__)
MEDIA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


@bp.get("/media/<path:path>", endpoint="media")
def send_media(path: str) -> ResponseReturnValue:
    """Serve an image a page the person may see uses; anything else is 404.

    Files nothing links to, hidden folders and links out of the content folder are never
    served, and a draft's images only to those who see drafts.
    """
    # The store, as upward.publishing.get_library reads it (importing it would be a circle).
    owners = current_app.extensions["upward.library"].library.media_owners(path)
    if not is_media_file(path) or not owners:
        abort(404)
    # As upward.viewer.sees_drafts (which this package can't import without a circle).
    sees_drafts = current_user.is_authenticated and current_user.is_author
    if all(owner.draft for owner in owners) and not sees_drafts:
        abort(404)
    folder = current_app.config["UPWARD_CONTENT_DIR"]
    if not is_inside(os.path.realpath(folder), os.path.join(folder, path)):
        abort(404)  # became a link out of the folder since the library was loaded
    response = send_from_directory(folder, path, max_age=3600)
    # An SVG opened on its own is a document of this origin: let it run nothing.
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    return response
