"""Entry point: `flask run` finds `app` here; granian and gunicorn use 'app:app'."""

import gc

from upward import create_app

app = create_app()
# What start-up built (the content library above all) lives as long as the process: the
# collector need never walk it again, and workers forked from here share its memory pages
# instead of copying them when a collection touches them.
gc.freeze()
