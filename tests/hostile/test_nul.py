"""A NUL byte in every form that keeps control characters: refused with a message, or kept.

The hour log, the catalogue and deliverables drop control characters. The
other text fields keep them: SQLite stores a NUL byte as sent, PostgreSQL
refuses it (``DataError``), so there each of these is a 500 until the app
refuses or drops NULs (strict xfail on PostgreSQL only). Searches read NULs
from the address too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from careercredit.extensions import db
from careercredit.models import (
    Amendment,
    CreditPlan,
    Evaluation,
    HourEntry,
    LinkPurpose,
    PlanComment,
    PlanState,
    RecordRequest,
    RequestStatus,
    Role,
    RubricCriterion,
    SignOff,
    Term,
)
from tests.conftest import user_id
from tests.factories import Factory
from tests.hostile.checks import not_a_server_error, redirected
from tests.hostile.supervision import ensure_rubric, link_path
from tests.plans.conftest import post_form
from tests.signoff.pages import finished_plan
from tests.supervisors.conftest import add_entries, supervisor_post

NUL = "Careful work\x00 on the client report, reviewed twice"


def scalar(app: Flask, query: Any) -> Any:
    with app.app_context():
        return db.session.scalar(query)


def _plan_objectives(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    student = login_as("student")
    plan_id = make.plan(user_id(app, "alice"))
    page = f"/plans/{plan_id}/edit"
    term_id = scalar(app, select(CreditPlan.term_id).where(CreditPlan.id == plan_id))
    response = post_form(student, page, page, term_id=term_id, credits_requested=1, objectives=NUL)
    return response, lambda: scalar(
        app, select(CreditPlan.objectives).where(CreditPlan.id == plan_id)
    )


def _review_comment(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    login_as("student")
    advisor = login_as("advisor")
    plan_id = make.plan(user_id(app, "alice"), PlanState.submitted)
    page = f"/plans/{plan_id}"
    response = post_form(advisor, page, f"{page}/request-changes", comment=NUL, credits="")
    return response, lambda: scalar(
        app, select(PlanComment.body).where(PlanComment.plan_id == plan_id)
    )


def _reflection(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    student = login_as("student")
    plan_id = finished_plan(
        app,
        make,
        user_id(app, "alice"),
        sponsor=make.user(None, Role.faculty),
        state=PlanState.in_progress,
        credits=1,
    )
    page = f"/plans/{plan_id}"
    response = post_form(student, page, f"{page}/complete", reflection=NUL * 3)
    return response, lambda: scalar(
        app, select(CreditPlan.reflection).where(CreditPlan.id == plan_id)
    )


def _supervisor_link(app: Flask, make: Factory, login_as, purpose: LinkPurpose) -> tuple[int, str]:
    login_as("student")
    plan_id = make.plan(user_id(app, "alice"), PlanState.approved)
    with app.app_context():
        placement_id = db.session.get(CreditPlan, plan_id).placements[0].id
    return placement_id, link_path(app, placement_id, purpose)


def _dispute(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    placement_id, path = _supervisor_link(app, make, login_as, LinkPurpose.hours)
    (entry_id,) = add_entries(app, placement_id, "1")
    response = supervisor_post(
        app.test_client(), path, "/hours", action="dispute", entry_id=entry_id, comment=NUL
    )
    return response, lambda: scalar(
        app, select(HourEntry.dispute_comment).where(HourEntry.id == entry_id)
    )


def _evaluation(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    placement_id, path = _supervisor_link(app, make, login_as, LinkPurpose.final)
    answer = {f"criterion_{cid}": 3 for cid in ensure_rubric(app)}
    response = supervisor_post(app.test_client(), path, "/evaluation", comments=NUL, **answer)
    return response, lambda: scalar(
        app, select(Evaluation.comments).where(Evaluation.placement_id == placement_id)
    )


def _signed(app: Flask, make: Factory, login_as) -> tuple[Any, int]:
    login_as("student")
    sponsor = login_as("faculty")
    plan_id = finished_plan(
        app, make, user_id(app, "alice"), sponsor=user_id(app, "fkim"), credits=1
    )
    return sponsor, plan_id


def _sign_off_comment(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    sponsor, plan_id = _signed(app, make, login_as)
    page = f"/signoff/{plan_id}"
    response = post_form(sponsor, page, page, grade="S", credits="1", comment=NUL)
    return response, lambda: scalar(app, select(SignOff.comment).where(SignOff.plan_id == plan_id))


def _send_back_comment(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    sponsor, plan_id = _signed(app, make, login_as)
    page = f"/signoff/{plan_id}"
    version = scalar(app, select(CreditPlan.version).where(CreditPlan.id == plan_id))
    response = post_form(
        sponsor, page, f"{page}/send-back", **{"back-version": version, "back-comment": NUL}
    )
    return response, lambda: scalar(
        app, select(PlanComment.body).where(PlanComment.plan_id == plan_id)
    )


def _amendment_reason(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    login_as("student")
    registrar = login_as("registrar")
    plan_id = make.posted_plan(user_id(app, "alice"), registrar_id=user_id(app, "rlopez"))
    url = f"/registrar/plans/{plan_id}/amend"
    response = post_form(registrar, url, url, grade="S", credits="2", reason=NUL)
    return response, lambda: scalar(
        app, select(Amendment.reason).where(Amendment.plan_id == plan_id)
    )


def _purpose(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    student = login_as("student")
    alice = user_id(app, "alice")
    make.posted_plan(alice)
    response = post_form(student, "/records/mine", "/records/mine/requests", purpose=NUL)
    return response, lambda: scalar(
        app, select(RecordRequest.purpose).where(RecordRequest.student_id == alice)
    )


def _decline_reason(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    login_as("student")
    registrar = login_as("registrar")
    with app.app_context():
        request = RecordRequest(student_id=user_id(app, "alice"), purpose="Graduate school")
        db.session.add(request)
        db.session.commit()
        request_id = request.id
    url = f"/records/requests/{request_id}/decline"
    response = post_form(registrar, url, url, reason=NUL)
    return response, lambda: scalar(
        app,
        select(RecordRequest.decline_reason).where(
            RecordRequest.id == request_id, RecordRequest.status == RequestStatus.declined
        ),
    )


def _term_name(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    admin = login_as("admin")
    response = post_form(
        admin,
        "/admin/terms/new",
        "/admin/terms/new",
        code="2031SP",
        name=NUL[:100],
        starts_on="2031-01-10",
        ends_on="2031-05-01",
        census_on="2031-02-01",
        grading_deadline="2031-05-20",
        hours_per_credit="45",
        max_credits="3",
    )
    return response, lambda: scalar(app, select(Term.name).where(Term.code == "2031SP"))


def _criterion_label(app: Flask, make: Factory, login_as) -> tuple[Any, Callable[[], Any]]:
    admin = login_as("admin")
    criterion = ensure_rubric(app)[0]
    url = f"/admin/rubric/{criterion}/edit"
    data = {f"descriptor_{n}": f"Level {n}" for n in range(1, 6)}
    response = post_form(admin, url, url, label=NUL[:100], **data)
    return response, lambda: scalar(
        app, select(RubricCriterion.label).where(RubricCriterion.id == criterion)
    )


FORMS = {
    "plan objectives": (_plan_objectives, NUL),
    "advisor's comment": (_review_comment, NUL),
    "reflection": (_reflection, NUL * 3),
    "supervisor's dispute": (_dispute, NUL),
    "supervisor's evaluation": (_evaluation, NUL),
    "sign-off comment": (_sign_off_comment, NUL),
    "send-back comment": (_send_back_comment, NUL),
    "amendment reason": (_amendment_reason, NUL),
    "record request purpose": (_purpose, NUL),
    "decline reason": (_decline_reason, NUL),
    "term name": (_term_name, NUL[:100]),
    "rubric label": (_criterion_label, NUL[:100]),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_nul_byte_is_refused_or_kept(app: Flask, make: Factory, login_as, form: str) -> None:
    submit, sent = FORMS[form]
    response, stored = submit(app, make, login_as)
    if redirected(response):
        assert stored() == sent.strip()


SEARCHES = {
    "student": ["/plans/{draft}/edit?sponsor_q=a%00b&project_q=a%00b"],
    "advisor": ["/plans/all?sponsor=a%00b&employer=a%00b&state=a%00b"],
    "registrar": ["/records/?q=a%00b", "/admin/audit?person=a%00b&object_id=a%00b&action=a%00b"],
}


@pytest.mark.parametrize("role", SEARCHES)
def test_a_nul_byte_in_a_search(app: Flask, make: Factory, login_as, role: str) -> None:
    client = login_as(role)
    draft = make.plan(user_id(app, "alice")) if role == "student" else 0
    for path in SEARCHES[role]:
        not_a_server_error(client.get(path.format(draft=draft)))
