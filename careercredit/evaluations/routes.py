"""Pages of the evaluations capability: the rubric supervisors score (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from careercredit.access import roles_required
from careercredit.evaluations.forms import CriterionForm, NewCriterionForm
from careercredit.evaluations.services import (
    DuplicateKey,
    all_criteria,
    create_criterion,
    key_taken,
    move_criterion,
    set_active,
    update_criterion,
)
from careercredit.extensions import db
from careercredit.models import Role, RubricCriterion
from careercredit.refusals import Refused, show_on_form, unit_of_work
from careercredit.sql import conflict_refused

bp = Blueprint("evaluations", __name__)

#: Move directions and how many places each moves a criterion.
DIRECTIONS = {"up": -1, "down": 1}


@bp.get("/admin/rubric")
@roles_required(Role.admin)
def rubric() -> ResponseReturnValue:
    """List the rubric's criteria in the order supervisors see them."""
    return render_template("evaluations/rubric.html", criteria=all_criteria())


@bp.route("/admin/rubric/new", methods=["GET", "POST"])
@roles_required(Role.admin)
def create() -> ResponseReturnValue:
    """Add a criterion at the end of the rubric."""
    form = NewCriterionForm()
    if request.method == "GET":
        return render_template("evaluations/criterion_form.html", form=form, criterion=None)
    if not form.validate_on_submit():
        return render_template("evaluations/criterion_form.html", form=form, criterion=None), 422
    key = form.key.data or ""
    try:
        # Another admin may take the key between the check and the commit.
        with conflict_refused(lambda: DuplicateKey() if key_taken(key) else None), unit_of_work():
            criterion = create_criterion(
                key, form.label.data or "", form.descriptors, by=current_user
            )
    except Refused as refused:
        show_on_form(form, refused)
        page = render_template("evaluations/criterion_form.html", form=form, criterion=None)
        return page, refused.status
    flash(f"Criterion “{criterion.label}” added at the end of the rubric.", "info")
    return redirect(url_for("evaluations.rubric"))


@bp.route("/admin/rubric/<int:criterion_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin)
def edit(criterion_id: int) -> ResponseReturnValue:
    """Change a criterion's label and descriptors (its key stays)."""
    criterion = db.get_or_404(RubricCriterion, criterion_id)
    form = CriterionForm(obj=criterion)
    if request.method == "GET":
        form.fill(criterion.descriptors)
        return render_template("evaluations/criterion_form.html", form=form, criterion=criterion)
    if not form.validate_on_submit():
        return (
            render_template("evaluations/criterion_form.html", form=form, criterion=criterion),
            422,
        )
    changed = update_criterion(criterion, form.label.data or "", form.descriptors, by=current_user)
    db.session.commit()
    flash(f"Criterion “{criterion.label}” saved." if changed else "Nothing changed.", "info")
    return redirect(url_for("evaluations.rubric"))


@bp.post("/admin/rubric/<int:criterion_id>/deactivate")
@roles_required(Role.admin)
def deactivate(criterion_id: int) -> ResponseReturnValue:
    """Stop asking supervisors to score a criterion."""
    criterion = db.get_or_404(RubricCriterion, criterion_id)
    try:
        with unit_of_work():
            set_active(criterion, False, by=current_user)
    except Refused as refused:
        for message in refused.messages:
            flash(message, "error")
        return redirect(url_for("evaluations.rubric"))
    flash(
        f"Criterion “{criterion.label}” deactivated: new evaluations leave it out; "
        "submitted ones keep their scores.",
        "info",
    )
    return redirect(url_for("evaluations.rubric"))


@bp.post("/admin/rubric/<int:criterion_id>/reactivate")
@roles_required(Role.admin)
def reactivate(criterion_id: int) -> ResponseReturnValue:
    """Ask supervisors to score a criterion again."""
    criterion = db.get_or_404(RubricCriterion, criterion_id)
    set_active(criterion, True, by=current_user)
    db.session.commit()
    flash(f"Criterion “{criterion.label}” is active again.", "info")
    return redirect(url_for("evaluations.rubric"))


@bp.post("/admin/rubric/<int:criterion_id>/move")
@roles_required(Role.admin)
def move(criterion_id: int) -> ResponseReturnValue:
    """Move a criterion one place up or down."""
    criterion = db.get_or_404(RubricCriterion, criterion_id)
    direction = request.form.get("direction", "")
    if direction not in DIRECTIONS:
        flash("Choose to move the criterion up or down.", "error")
    elif move_criterion(criterion, DIRECTIONS[direction], by=current_user):
        db.session.commit()
        flash(f"Criterion “{criterion.label}” moved {direction}.", "info")
    else:
        flash(f"Criterion “{criterion.label}” is already at the {_end(direction)}.", "info")
    return redirect(url_for("evaluations.rubric", _anchor=f"criterion-{criterion_id}"))


def _end(direction: str) -> str:
    return "top" if direction == "up" else "bottom"
