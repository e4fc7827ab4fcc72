"""Discussion templates: the list, one template with its form, and filled-in copies."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from upward import kept, sharing
from upward.content import Page
from upward.discussions import services
from upward.discussions.forms import EntryForm, build_entry_form
from upward.forms import ButtonForm
from upward.learn.steps import get_option_order, get_practice
from upward.models import TemplateEntry
from upward.pairs import can_manage_pairs, get_partners
from upward.publishing import get_library
from upward.viewer import get_view

bp = Blueprint("discussions", __name__)


def get_template(template_id: str) -> Page:
    """Return a template the current person may see, or 404."""
    return get_view().get_page(template_id, "template")


def find_template(entry: TemplateEntry) -> Page | None:
    """Return the template an entry was made from, if the library still has it (even a draft:
    the entry is the person's own)."""
    page = get_library().page(entry.template_id)
    return page if page is not None and page.kind == "template" else None


def readable_entry(entry_id: int) -> TemplateEntry:
    """Return an entry the current person may read, or 404 (never 403: it would leak)."""
    entry = services.get_readable_entry(entry_id, current_user.id)
    if entry is None:
        abort(404)
    return entry


def own_entry(entry_id: int) -> TemplateEntry:
    """Return an entry the current person wrote, or 404."""
    entry = services.get_own_entry(entry_id, current_user.id)
    if entry is None:
        abort(404)
    return entry


def is_draft_save() -> bool:
    """Tell whether the person pressed "Save draft" rather than "Save"."""
    return request.form.get("action") == "draft"


@bp.get("/templates/")
def index() -> ResponseReturnValue:
    """List the discussion templates, the person's partners and what they share."""
    templates = get_view().templates()
    signed_in = current_user.is_authenticated
    return render_template(
        "discussions/index.html",
        templates=templates,
        partners=get_partners(current_user.id) if signed_in else [],
        shared=services.list_shared_with(current_user.id) if signed_in else [],
        can_manage_pairs=can_manage_pairs(current_user),
    )


@bp.get("/templates/<template_id>")
def template(template_id: str) -> ResponseReturnValue:
    """Show a template's guidance beside an empty form, and the person's copies."""
    page = get_template(template_id)
    typed = kept.take(f"template:{page.id}")
    if typed is not None:
        form = build_entry_form(page, strict=False, formdata=typed, pairs=pair_choices())
    else:
        data = {"title": services.default_title(page)}
        form = build_entry_form(page, data=data, pairs=pair_choices())
    return render_template_page(page, form)


@bp.post("/templates/<template_id>")
@login_required
def create(template_id: str) -> ResponseReturnValue:
    """Keep a new filled-in copy of a template."""
    page = get_template(template_id)
    draft = is_draft_save()
    form = build_entry_form(page, strict=not draft, pairs=pair_choices())
    if not form.validate_on_submit() or refuse_empty(form):
        return render_template_page(page, form), 400
    entry, is_new = services.create_entry(
        current_user.id,
        page,
        form.answers(),
        title=form.title.data or "",
        draft=draft,
        share_with=form.share_with.data or (),
        submission=form.submission.data,
    )
    message = "Draft saved. Only you can see it." if draft else "Saved."
    if not is_new:
        message += " You had saved this form before, so that copy is updated (no second copy)."
    flash(message, "success")
    return redirect(url_for("discussions.entry", entry_id=entry.id))


def pair_choices() -> list[sharing.PairChoice]:
    """Return the current person's active pairs: whom they can share a copy with."""
    if not current_user.is_authenticated:
        return []
    return sharing.list_pair_choices(current_user.id)


def has_partner() -> bool:
    """Tell whether the current person has a mentoring partner to share with."""
    return bool(pair_choices())


def refuse_empty(form: EntryForm) -> bool:
    """Tell the person, and return True, when every answer is empty: there is nothing to keep."""
    if any(value not in (None, "") for value in services.clean_values(form.answers()).values()):
        return False
    form.form_errors.append("Nothing to save yet: fill in at least one answer first.")
    return True


def render_template_page(page: Page, form: EntryForm) -> str:
    """Render a template page with its form (empty or as typed)."""
    signed_in = current_user.is_authenticated
    copies = services.list_copies(current_user.id, page.id) if signed_in else []
    practice = (
        get_practice(current_user.id, get_library(), page.practice)
        if signed_in and page.practice
        else []
    )
    return render_template(
        "discussions/template.html",
        page=page,
        form=form,
        copies=copies,
        shared_ids=sharing.shared_entry_ids(current_user.id) if signed_in else set(),
        has_partner=has_partner(),
        practice=practice,
        orders={
            r.dom_id: get_option_order(current_user.id, r.page.id, r.check.id, len(r.check.options))
            for r in practice
        },
    )


@bp.get("/entries/<int:entry_id>")
@login_required
def entry(entry_id: int) -> ResponseReturnValue:
    """Show a filled-in copy, ready to print; its author also gets edit and delete."""
    item = readable_entry(entry_id)
    page = find_template(item)
    is_mine = item.user_id == current_user.id
    if not is_mine:
        sharing.mark_read(item.id, current_user.id)
    return render_template(
        "discussions/entry.html",
        entry=item,
        page=page,
        answers=services.get_answers(item, page),
        author=services.get_author(item),
        is_mine=is_mine,
        shares=sharing.list_shares(item) if is_mine else [],
        revoke_form=ButtonForm(),
    )


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int) -> ResponseReturnValue:
    """Change a filled-in copy; "Save draft" skips the required fields."""
    item = own_entry(entry_id)
    page = find_template(item)
    if page is None:
        flash("This template was removed from the library: you can still read and download it.")
        return redirect(url_for("discussions.entry", entry_id=item.id))
    draft = is_draft_save()
    typed = kept.take(f"entry:{item.id}") if request.method == "GET" else None
    restored = {"formdata": typed} if typed is not None else {}
    form = build_entry_form(
        page,
        strict=not draft,
        data=services.to_form_data(item, page),
        pairs=pair_choices(),
        **restored,
    )
    if form.validate_on_submit() and not refuse_empty(form):
        services.save_entry(
            item,
            page,
            form.answers(),
            title=form.title.data or "",
            draft=draft,
            share_with=form.share_with.data or (),
        )
        flash("Draft saved." if draft else "Saved.", "success")
        return redirect(url_for("discussions.entry", entry_id=item.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("discussions/edit.html", entry=item, page=page, form=form), status


@bp.get("/entries/<int:entry_id>.md")
@login_required
def download(entry_id: int) -> ResponseReturnValue:
    """Download a filled-in copy as Markdown."""
    item = readable_entry(entry_id)
    text = services.to_markdown(item, find_template(item))
    filename = services.markdown_filename(item)
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/entries/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete(entry_id: int) -> ResponseReturnValue:
    """Ask for confirmation, then delete a filled-in copy."""
    item = own_entry(entry_id)
    form = ButtonForm()
    if form.validate_on_submit():
        template_id = item.template_id
        services.delete_entry(item)
        flash(f"“{item.title}” is deleted.", "info")
        return redirect(url_for("discussions.template", template_id=template_id))
    shares = [share for share in sharing.list_shares(item) if share.active]
    return render_template("discussions/delete.html", entry=item, form=form, shares=shares)
