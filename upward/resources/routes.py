"""Curated resources: the filtered list, one resource, bookmarks and ratings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward.content import Page
from upward.resources import services
from upward.resources.forms import BookmarkForm, RatingForm, ResourceFilterForm
from upward.security import is_safe_redirect
from upward.viewer import current_user_id, get_view

bp = Blueprint("resources", __name__, url_prefix="/resources")


def get_resource(resource_id: str) -> Page:
    """Return a resource the current person may see, or 404."""
    return get_view().get_page(resource_id, "resource")


def read_filters(form: ResourceFilterForm) -> services.Filters:
    """Turn the filter form into filters, ignoring values that aren't offered."""
    form.validate()
    value = {f.name: ("" if f.errors else f.data) for f in form}
    return services.Filters(
        audience=value["audience"],
        theme=value["theme"],
        format=value["format"],
        sort=value["sort"] or "title",
        bookmarked=bool(value["bookmarked"]) and current_user.is_authenticated,
    )


def go_back(resource_id: str, target: str | None) -> ResponseReturnValue:
    """Return to the page the form was on, if it is on this site, or to the resource."""
    if is_safe_redirect(target):
        return redirect(target)
    return redirect(url_for("resources.detail", resource_id=resource_id))


@bp.get("/")
def index() -> ResponseReturnValue:
    """List resources with filters and a sort."""
    form = ResourceFilterForm(request.args)
    filters = read_filters(form)
    items = services.list_resources(get_view(), filters, current_user_id())
    listing = services.paginate(items, request.args.get("page", "1"))
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "resources/index.html",
        listing=listing,
        form=form,
        filters=filters,
        action_form=BookmarkForm(),
        page_url=lambda number: url_for("resources.index", **args, page=number),
    )


@bp.get("/<resource_id>")
def detail(resource_id: str) -> ResponseReturnValue:
    """Show one resource with its annotation, ratings, and the person's bookmark and stars."""
    page = get_resource(resource_id)
    item = services.get_item(page, current_user_id())
    rating_form = RatingForm(data={"stars": item.my_stars})
    return render_template(
        "resources/detail.html", item=item, rating_form=rating_form, action_form=BookmarkForm()
    )


@bp.post("/<resource_id>/bookmark")
@login_required
def bookmark(resource_id: str) -> ResponseReturnValue:
    """Bookmark a resource (twice is the same as once)."""
    page = get_resource(resource_id)
    form = BookmarkForm()
    if not form.validate_on_submit():
        abort(400)
    services.bookmark(current_user.id, page.id)
    flash(f"Bookmarked “{page.title}”.", "success")
    return go_back(page.id, form.next.data)


@bp.post("/<resource_id>/unbookmark")
@login_required
def unbookmark(resource_id: str) -> ResponseReturnValue:
    """Remove a bookmark (removing a missing one is fine)."""
    page = get_resource(resource_id)
    form = BookmarkForm()
    if not form.validate_on_submit():
        abort(400)
    services.unbookmark(current_user.id, page.id)
    flash(f"Removed “{page.title}” from your bookmarks.", "info")
    return go_back(page.id, form.next.data)


@bp.post("/<resource_id>/rating")
@login_required
def rate(resource_id: str) -> ResponseReturnValue:
    """Record or change the person's rating of a resource."""
    page = get_resource(resource_id)
    form = RatingForm()
    if not form.validate_on_submit():
        flash("Pick from 1 to 5 stars.", "error")
        return go_back(page.id, form.next.data)
    services.rate(current_user.id, page.id, form.stars.data)
    flash(f"Thanks: you rated “{page.title}” {form.stars.data} out of 5.", "success")
    return go_back(page.id, form.next.data)
