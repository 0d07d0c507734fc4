"""Pages of the terms capability: academic terms and their credit policy (admins only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from careercredit.access import roles_required
from careercredit.extensions import db
from careercredit.models import Role, Term
from careercredit.terms.forms import DeleteTermForm, TermForm
from careercredit.terms.services import (
    DUPLICATE_CODE,
    FIELDS,
    DuplicateCode,
    TermInUse,
    code_taken,
    create_term,
    delete_term,
    plan_counts,
    plans_using,
    update_term,
)

bp = Blueprint("terms", __name__)

PER_PAGE = 20


@bp.get("/admin/terms")
@roles_required(Role.admin)
def index() -> ResponseReturnValue:
    """List the terms, newest first."""
    query = select(Term).order_by(Term.starts_on.desc(), Term.id.desc())
    page = db.paginate(query, per_page=PER_PAGE, max_per_page=PER_PAGE)
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
    try:
        term = create_term(_values(form), by=current_user)
        db.session.commit()
    except (DuplicateCode, IntegrityError) as exc:
        _refuse_duplicate(form, exc)
        return render_template("terms/form.html", form=form, term=None), 422
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
    try:
        changed = update_term(term, _values(form), by=current_user)
        db.session.commit()
    except (DuplicateCode, IntegrityError) as exc:
        _refuse_duplicate(form, exc, except_id=term_id)
        return render_template("terms/form.html", form=form, term=term, plans=plans), 422
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
        delete_term(term, by=current_user)
        db.session.commit()
    except (TermInUse, IntegrityError) as exc:
        db.session.rollback()
        plans = exc.plans if isinstance(exc, TermInUse) else plans_using(term_id)
        if not plans:
            raise
        return render_template("terms/delete.html", form=form, term=term, plans=plans), 409
    flash(f"Term {code} deleted.", "info")
    return redirect(url_for("terms.index"))


def _values(form: TermForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in FIELDS}


def _refuse_duplicate(form: TermForm, exc: Exception, except_id: int | None = None) -> None:
    """Put the duplicate-code message on the field; re-raise anything else."""
    db.session.rollback()
    if isinstance(exc, IntegrityError) and not code_taken(form.code.data, except_id=except_id):
        raise exc
    form.code.errors = [*form.code.errors, DUPLICATE_CODE]
