"""The authors' side: drafts marked on learner pages, and the authors' page."""

from __future__ import annotations

from upward.extensions import db
from upward.models import User


def test_authors_see_drafts_marked(app, client, user):
    with app.app_context():
        db.session.execute(User.__table__.update().values(is_author=True))
        db.session.commit()
    html = client.get("/pathways/leading").get_data(as_text=True)
    assert "A step still being written" in html
    assert "badge-draft" in html
    assert client.get("/pathways/upcoming").status_code == 200
    step = client.get("/steps/draft-step", follow_redirects=True).get_data(as_text=True)
    assert "only authors can see it" in step
    authors = client.get("/authors/").get_data(as_text=True)
    assert "exec/draft-step.md" in authors and "Upcoming program pathway" in authors
