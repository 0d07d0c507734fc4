"""Pages of the terms capability: academic terms and their credit policy (admins only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import roles_required
from careercredit.extensions import db
from careercredit.models import Role, Term
from careercredit.refusals import Refused, show_on_form, unit_of_work
from careercredit.terms.forms import DeleteTermForm, TermForm
from careercredit.terms.services import (
    FIELDS,
    TermInUse,
    create_term,
    delete_term,
    plan_counts,
    plans_using,
    still_unused,
    term_page,
    unique_code,
    update_term,
)

bp = Blueprint("terms", __name__)


@bp.get("/admin/terms")
@roles_required(Role.admin)
def index() -> ResponseReturnValue:
    """List the terms, newest first."""
    page = term_page()
    counts = plan_counts([term.id for term in page.items])
    return render_template("terms/index.html", page=page, counts=counts)


@bp.route("/admin/terms/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def create() -> ResponseReturnValue:
    """Add a term."""
    form = TermForm()
    if request.method == "GET":
        return render_template("terms/form.html", form=form, term=None)
    if not form.validate_on_submit():
        return render_template("terms/form.html", form=form, term=None), 422
    values = _values(form)
    try:
        with unique_code(values["code"]), unit_of_work():
            term = create_term(values, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        return render_template("terms/form.html", form=form, term=None), refused.status
    flash(f"Term {term.code} added.", "info")
    return redirect(url_for("terms.index"))


@bp.route("/admin/terms/<int:term_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit(term_id: int) -> ResponseReturnValue:
    """Change a term's code, name, dates or credit policy."""
    term = db.get_or_404(Term, term_id)
    form = TermForm(obj=term, term_id=term.id)
    plans = plans_using(term.id)
    if request.method == "GET":
        return render_template("terms/form.html", form=form, term=term, plans=plans)
    if not form.validate_on_submit():
        return render_template("terms/form.html", form=form, term=term, plans=plans), 422
    values = _values(form)
    try:
        with unique_code(values["code"], except_id=term_id), unit_of_work():
            changed = update_term(term, values, by=current_user)
    except Refused as refused:
        show_on_form(form, refused)
        page = render_template("terms/form.html", form=form, term=term, plans=plans)
        return page, refused.status
    flash(f"Term {term.code} saved." if changed else "Nothing changed.", "info")
    return redirect(url_for("terms.index"))


@bp.route("/admin/terms/<int:term_id>/delete", methods=["GET", "POST"])
@roles_required(Role.admin)
def delete(term_id: int) -> ResponseReturnValue:
    """Ask before deleting a term; refuse while credit plans belong to it."""
    term = db.get_or_404(Term, term_id)
    form = DeleteTermForm()
    if request.method == "GET" or not form.validate_on_submit():
        plans = plans_using(term.id)
        return render_template("terms/delete.html", form=form, term=term, plans=plans)
    code = term.code
    try:
        with still_unused(term_id), unit_of_work():
            delete_term(term, by=current_user)
    except TermInUse as refused:
        page = render_template("terms/delete.html", form=form, term=term, plans=refused.plans)
        return page, refused.status
    flash(f"Term {code} deleted.", "info")
    return redirect(url_for("terms.index"))


def _values(form: TermForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in FIELDS}
