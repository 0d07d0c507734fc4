"""Pages of credit plans: the student's agreement and the advisors' review."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from careercredit import clock
from careercredit.access import get_or_404, roles_required, signed_in
from careercredit.csvexport import csv_response, record_download
from careercredit.extensions import db
from careercredit.hours.log import hour_log
from careercredit.ids import whole_number
from careercredit.models import CreditPlan, PlanState, Role, Term
from careercredit.models.plans import STAFF_ROLES
from careercredit.pagination import requested_page
from careercredit.plans import page as plan_page
from careercredit.plans import queue as queue_lists
from careercredit.plans import services
from careercredit.plans.forms import (
    BulkChoiceForm,
    BulkDecisionForm,
    CompleteForm,
    PlacementForm,
    PlanForm,
    ReviewForm,
    SponsorForm,
    VersionForm,
    seen_version,
)
from careercredit.plans.summary import next_step
from careercredit.plans.workflow import (
    MIN_REFLECTION,
    Action,
    completion_problems,
    decision_note,
    perform,
    submit_action,
)
from careercredit.refusals import Refused, Stale, show_on_form, unit_of_work

bp = Blueprint("plans", __name__, url_prefix="/plans")

PER_PAGE = 25


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int)


# -- lists --------------------------------------------------------------------


@bp.get("/")
@roles_required(Role.student)
def index() -> ResponseReturnValue:
    """The student's own plans."""
    pagination = services.plans_page(
        current_user, services.PlanFilters(), page=requested_page(), per_page=PER_PAGE, own=True
    )
    return render_template("plans/index.html", pagination=pagination)


@bp.get("/all", endpoint="all")
@roles_required(Role.advisor, Role.registrar, Role.admin, Role.faculty)
def all_plans() -> ResponseReturnValue:
    """Every plan the person may see (faculty: the ones they sponsor), filtered."""
    filters = _filters(state=request.args.get("state"))
    pagination = services.plans_page(
        current_user, filters, page=requested_page(), per_page=PER_PAGE
    )
    staff = bool(current_user.roles & STAFF_ROLES)
    return render_template(
        "plans/all.html",
        pagination=pagination,
        staff=staff,
        states=list(PlanState),
        terms=services.filter_terms(),
    )


@bp.get("/mine.csv")
@roles_required(Role.student)
def index_csv() -> ResponseReturnValue:
    """The student's own plans as a CSV file."""
    ids = services.list_ids(current_user, services.PlanFilters(), own=True)
    return csv_response(_csv_name("mine"), queue_lists.LIST_HEADER, queue_lists.list_rows(ids))


@bp.get("/all.csv")
@roles_required(Role.advisor, Role.registrar, Role.admin, Role.faculty)
def all_csv() -> ResponseReturnValue:
    """The plans list as it is filtered, as a CSV file."""
    ids = services.list_ids(current_user, _filters(state=request.args.get("state")))
    with unit_of_work():
        record_download("plans", current_user)
    return csv_response(_csv_name("all"), queue_lists.LIST_HEADER, queue_lists.list_rows(ids))


@bp.get("/queue")
@roles_required(Role.advisor)
def queue() -> ResponseReturnValue:
    """Submitted plans waiting for an advisor: searched, filtered, sorted, chosen to decide."""
    return _queue_page(BulkChoiceForm(formdata=None))


def _queue_filters() -> queue_lists.QueueFilters:
    return queue_lists.QueueFilters(
        plans=_filters(),
        student=request.args.get("q", "")[: queue_lists.MAX_SEARCH],
        mine=request.args.get("mine") == "1",
        advisor_id=current_user.id,
        sort=queue_lists.Sort.__members__.get(
            request.args.get("sort", ""), queue_lists.Sort.oldest
        ),
    )


def _queue_page(choice: BulkChoiceForm, status: int = 200) -> ResponseReturnValue:
    filters = _queue_filters()
    pagination = queue_lists.queue_page(filters, page=requested_page(), per_page=PER_PAGE)
    page = render_template(
        "plans/queue.html",
        pagination=pagination,
        filters=filters,
        terms=services.filter_terms(),
        # Plans this advisor may not decide (their own, or one they sponsor) are marked.
        lines=queue_lists.queue_lines(pagination.items, signed_in()),
        choice=choice,
    )
    return page, status


@bp.get("/queue.csv")
@roles_required(Role.advisor)
def queue_csv() -> ResponseReturnValue:
    """The queue as it is filtered, as a CSV file."""
    filters = _queue_filters()
    with unit_of_work():
        record_download("queue", current_user)
    rows = queue_lists.csv_rows(filters)
    return csv_response(_csv_name("queue"), queue_lists.CSV_HEADER, rows)


@bp.post("/queue/confirm")
@roles_required(Role.advisor)
def bulk_confirm() -> ResponseReturnValue:
    """List the selected plans with what the decision would do to each, before taking it."""
    choice = BulkChoiceForm()
    if not choice.validate_on_submit():
        return _queue_page(choice, 422)
    action = queue_lists.decision_named(choice.decision.data)
    chosen_ids: list[int] = choice.plan_ids.data or []
    plans = queue_lists.chosen(chosen_ids)
    if plans is None or action is None:
        abort(404)
    comment = choice.comment.data or ""
    proposals = queue_lists.propose(
        [plans[i] for i in dict.fromkeys(chosen_ids)], action, comment, by=signed_in()
    )
    return render_template(
        "plans/bulk_confirm.html",
        proposals=proposals,
        action=action,
        words=queue_lists.DECISION_WORDS[action],
        comment=comment,
        form=BulkDecisionForm(formdata=None),
    )


@bp.post("/queue/decide")
@roles_required(Role.advisor)
def bulk() -> ResponseReturnValue:
    """Take the confirmed decision on each plan through the workflow; list what was refused."""
    form = BulkDecisionForm()
    action = queue_lists.decision_named(form.decision.data)
    if not form.validate_on_submit() or not form.rows.data or action is None:
        abort(400)
    versions: dict[int, int] = {}
    for row in form.rows.data:
        versions.setdefault(row["plan_id"], row["version"])
    plans = queue_lists.chosen(versions)
    if plans is None:
        abort(404)
    outcome = queue_lists.decide_each(
        [(plans[i], version) for i, version in versions.items()],
        action,
        form.comment.data or "",
        by=signed_in(),
    )
    page = render_template(
        "plans/bulk_done.html",
        outcome=outcome,
        action=action,
        words=queue_lists.DECISION_WORDS[action],
    )
    return page, outcome.status


def _csv_name(what: str) -> str:
    return f"plans-{what}-{clock.today().isoformat()}.csv"


def _filters(state: str | None = None) -> services.PlanFilters:
    return services.PlanFilters(
        state=PlanState.__members__.get(state or ""),
        term_id=_int_arg("term"),
        sponsor=request.args.get("sponsor", "")[:100],
        employer=request.args.get("employer", "")[:100],
    )


# -- one plan -----------------------------------------------------------------


@bp.get("/<int:plan_id>")
@login_required
def show(plan_id: int) -> ResponseReturnValue:
    """A plan with its hours, projects, history and the actions the person may take."""
    plan = plan_page.plan_for_page(plan_id)
    if plan is None or not plan.can_view(current_user):
        abort(404)
    if current_user.id in {plan.student_id, plan.sponsor_id}:
        return _show_page(plan)
    # Staff looking at a student's record is itself recorded: the page goes out only
    # once the record of it is committed.
    services.record_view(plan, current_user)
    page = _show_page(plan)
    db.session.commit()
    return page


def _show_page(plan: CreditPlan, **forms: object) -> str:
    """The plan page with fresh forms, or the ones given (kept after an error)."""
    plan_log = hour_log(plan)
    context: dict[str, object] = {
        "form": VersionForm(version=plan.version),
        "review": ReviewForm(version=plan.version, credits=plan.credits_requested),
        "complete": CompleteForm(version=plan.version),
        "plan_log": plan_log,
        # What still stands between the plan and sign-off, the reflection aside.
        "missing": completion_problems(
            plan, reflection="x" * MIN_REFLECTION, verified=plan_log.figures.verified
        )
        if plan.can(Action.complete, current_user)
        else [],
        "problems": [],
        "decision_note": decision_note(plan, current_user),
        "next_step": next_step(plan, current_user),
    }
    context.update(forms)
    return render_template("plans/show.html", plan=plan, Action=Action, **context)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.student)
def new() -> ResponseReturnValue:
    """Start a learning agreement."""
    form = PlanForm()
    terms = services.open_terms()
    _set_choices(form, terms)
    if not terms:
        flash("No term is open for planning yet. Career services will open one soon.", "info")
        return redirect(url_for(".index"))
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("plans/new.html", form=form), status
    try:
        with unit_of_work():
            plan = services.create_plan(
                current_user,
                term_id=form.term_id.data,
                section_id=form.section_id.data,
                credits_requested=_required(form.credits_requested.data),
                objectives=form.objectives.data or "",
            )
    except Refused as refused:
        show_on_form(form, refused)
        return render_template("plans/new.html", form=form), refused.status
    flash("Draft saved. Now choose a faculty sponsor and add projects.", "info")
    return redirect(url_for(".edit", plan_id=plan.id))


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id: int) -> ResponseReturnValue:
    """Edit a draft: its fields, its sponsor and its projects."""
    plan = get_or_404(CreditPlan, plan_id)
    if not plan.can_edit(current_user):
        flash(f"This plan is {plan.state.label.lower()} and cannot be edited now.", "error")
        return redirect(url_for(".show", plan_id=plan.id))
    form = _plan_form(plan)
    if request.method == "POST":
        if not form.validate_on_submit():
            return _edit_page(plan, form), 422
        try:
            with unit_of_work():
                services.update_plan(
                    plan,
                    current_user,
                    term_id=form.term_id.data,
                    section_id=form.section_id.data,
                    credits_requested=_required(form.credits_requested.data),
                    objectives=form.objectives.data or "",
                )
        except Refused as refused:
            show_on_form(form, refused)
            return _edit_page(plan, form), refused.status
        # A plan sent back for changes is no draft: its student is told what comes next.
        draft = plan.state == PlanState.draft
        flash("Draft saved." if draft else "Changes saved. Resubmit the plan when ready.", "info")
        return redirect(url_for(".edit", plan_id=plan.id))
    return _edit_page(plan, form)


def _plan_form(plan: CreditPlan) -> PlanForm:
    """The agreement's form for ``plan``: its term, the open terms, and their sections."""
    form = PlanForm(obj=plan)
    terms = services.open_terms()
    if plan.term not in terms:
        terms.insert(0, plan.term)
    _set_choices(form, terms)
    return form


def _set_choices(form: PlanForm, terms: list[Term]) -> None:
    """Offer ``terms`` and the course sections they offer (an empty choice when several)."""
    form.term_id.choices = [(t.id, str(t)) for t in terms]
    sections = services.sections_offered([t.id for t in terms])
    several_terms = len(terms) > 1
    choices: list[tuple[int | str, str]] = [("", "Choose a course and section…")]
    choices += [(s.id, f"{s.term.code}: {s}" if several_terms else str(s)) for s in sections]
    form.section_id.choices = choices


def _required(number: int | None) -> int:
    """A number of a form that validated it as required (``InputRequired``)."""
    if number is None:
        raise ValueError("a validated form holds a number here")
    return number


def _edit_page(plan: CreditPlan, form: PlanForm, problems: list[str] | None = None) -> str:
    sponsor_q = request.args.get("sponsor_q", "")[:100]
    project_q = request.args.get("project_q", "")[:100]
    return render_template(
        "plans/edit.html",
        plan=plan,
        form=form,
        problems=problems or [],
        sponsor_q=sponsor_q,
        sponsors=services.find_sponsors(sponsor_q, student=plan.student) if sponsor_q else [],
        project_q=project_q,
        projects=services.project_choices(plan, project_q),
        sponsor_form=SponsorForm(),
        placement_form=PlacementForm(),
        submit_form=VersionForm(version=plan.version),
        Action=Action,
    )


@bp.post("/<int:plan_id>/sponsor")
@login_required
def choose_sponsor(plan_id: int) -> ResponseReturnValue:
    """Make a faculty member found by the search the plan's sponsor."""
    plan = get_or_404(CreditPlan, plan_id)
    form = SponsorForm()
    if not form.validate_on_submit():
        abort(400)
    uid = form.uid.data or ""
    return _edit_action(
        plan, lambda: services.choose_sponsor(plan, current_user, uid), "Sponsor chosen."
    )


@bp.post("/<int:plan_id>/placements")
@login_required
def add_placement(plan_id: int) -> ResponseReturnValue:
    """Add a catalogue project to the plan."""
    plan = get_or_404(CreditPlan, plan_id)
    form = PlacementForm()
    project_id = whole_number(form.project_id.data)
    if not form.validate_on_submit() or project_id is None:
        abort(400)
    return _edit_action(
        plan, lambda: services.add_placement(plan, current_user, project_id), "Project added."
    )


@bp.post("/<int:plan_id>/placements/<int:placement_id>/remove")
@login_required
def remove_placement(plan_id: int, placement_id: int) -> ResponseReturnValue:
    """Take a project out of the plan."""
    plan = get_or_404(CreditPlan, plan_id)
    return _edit_action(
        plan,
        lambda: services.remove_placement(plan, current_user, placement_id),
        "Project removed.",
    )


def _edit_action(plan: CreditPlan, change: Callable[[], object], done: str) -> ResponseReturnValue:
    """Make one change to the draft, then back to its edit page saying what happened."""
    try:
        with unit_of_work():
            change()
    except Refused as refused:
        for message in refused.messages:
            flash(message, "error")
    else:
        flash(done, "info")
    return redirect(url_for(".edit", plan_id=plan.id))


# -- transitions --------------------------------------------------------------


@bp.post("/<int:plan_id>/submit")
@login_required
def submit(plan_id: int) -> ResponseReturnValue:
    """Send the plan to the advisors (first time or after changes)."""
    plan = get_or_404(CreditPlan, plan_id)
    return _transition(
        plan,
        submit_action(plan),
        VersionForm(),
        "Plan submitted. An advisor will review it.",
        back=".edit" if plan.can_edit(current_user) else ".show",
    )


@bp.post("/<int:plan_id>/complete")
@login_required
def complete(plan_id: int) -> ResponseReturnValue:
    """Send the finished plan to the sponsor for sign-off, with a reflection."""
    plan = get_or_404(CreditPlan, plan_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        return _show_page(plan, complete=form), 422
    try:
        with unit_of_work():
            perform(
                plan,
                Action.complete,
                by=current_user,
                version=seen_version(form.version.data),
                reflection=form.reflection.data or "",
            )
    except Refused as refused:
        return _refused(plan, refused, complete=form)
    flash("Plan sent to your sponsor for sign-off.", "info")
    return redirect(url_for(".show", plan_id=plan.id))


@bp.post("/<int:plan_id>/recall")
@login_required
def recall(plan_id: int) -> ResponseReturnValue:
    """Take a submitted plan back to the draft to change it."""
    plan = get_or_404(CreditPlan, plan_id)
    return _transition(plan, Action.recall, VersionForm(), "Plan recalled; it is a draft again.")


@bp.route("/<int:plan_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(plan_id: int) -> ResponseReturnValue:
    """Withdraw the plan, after a confirmation."""
    plan = get_or_404(CreditPlan, plan_id)
    form = VersionForm(version=plan.version)
    if request.method == "GET":
        if not plan.can(Action.withdraw, current_user):
            abort(404)
        return render_template("plans/confirm.html", plan=plan, form=form, action="withdraw")
    return _transition(plan, Action.withdraw, form, "Plan withdrawn.")


@bp.route("/<int:plan_id>/delete", methods=["GET", "POST"])
@login_required
def delete(plan_id: int) -> ResponseReturnValue:
    """Delete a draft, after a confirmation."""
    plan = get_or_404(CreditPlan, plan_id)
    if not plan.can_delete(current_user):
        abort(404)
    form = VersionForm(version=plan.version)
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("plans/confirm.html", plan=plan, form=form, action="delete")
    services.delete_draft(plan, current_user)
    db.session.commit()
    flash("Draft deleted.", "info")
    return redirect(url_for(".index"))


@bp.post("/<int:plan_id>/approve")
@login_required
def approve(plan_id: int) -> ResponseReturnValue:
    """Approve a submitted plan, possibly for fewer credits."""
    return _review(plan_id, Action.approve, "Plan approved.")


@bp.post("/<int:plan_id>/request-changes")
@login_required
def request_changes(plan_id: int) -> ResponseReturnValue:
    """Send the plan back to the student with a comment."""
    return _review(plan_id, Action.request_changes, "Plan sent back to the student.")


@bp.post("/<int:plan_id>/reject")
@login_required
def reject(plan_id: int) -> ResponseReturnValue:
    """Reject the plan with a reason, once the advisor has ticked the confirmation."""
    return _review(plan_id, Action.reject, "Plan rejected.", confirm=True)


def _review(plan_id: int, action: Action, done: str, confirm: bool = False) -> ResponseReturnValue:
    plan = get_or_404(CreditPlan, plan_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _show_page(plan, review=form), 422
    try:
        with unit_of_work():
            perform(
                plan,
                action,
                by=current_user,
                version=seen_version(form.version.data),
                comment=form.comment.data or "",
                credits=form.credits.data,
            )
            if confirm and not form.confirm_reject.data:
                # Asked once the workflow's own rules pass; the decision is undone with it.
                raise Refused(problems={"confirm_reject": "Tick the box to confirm the rejection."})
    except Refused as refused:
        show_on_form(form, refused)
        return _refused(plan, refused, review=form)
    flash(done, "info")
    return redirect(
        url_for(".queue")
        if current_user.has_role(Role.advisor)
        else url_for(".show", plan_id=plan_id)
    )


def _transition(
    plan: CreditPlan, action: Action, form: VersionForm, done: str, back: str = ".show"
) -> ResponseReturnValue:
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            perform(plan, action, by=current_user, version=seen_version(form.version.data))
    except Refused as refused:
        if back == ".edit" and not isinstance(refused, Stale):
            # Refused by the rules: the draft's edit page shows what to fix.
            edit_form = _plan_form(plan)
            return _edit_page(plan, edit_form, problems=refused.messages), refused.status
        return _refused(plan, refused)
    flash(done, "info")
    return redirect(url_for(".show", plan_id=plan.id))


def _refused(
    plan: CreditPlan,
    refused: Refused,
    review: ReviewForm | None = None,
    complete: CompleteForm | None = None,
) -> ResponseReturnValue:
    """The plan page as the plan is now (the unit of work rolled back), entries kept."""
    forms: dict[str, VersionForm] = {}
    if review is not None:
        forms["review"] = review
    if complete is not None:
        forms["complete"] = complete
    for kept in forms.values():
        kept.version.data = str(plan.version)  # the page now shows the current plan
    return _show_page(plan, problems=refused.messages, **forms), refused.status
