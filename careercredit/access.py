"""Access checks shared by every blueprint: role gates and visible-or-404 loading.

What a person may not see answers 404, never 403, so pages and ids cannot be
probed. The loaders here are the one way a view reaches a plan and what hangs
off it (a placement, an hour entry, a deliverable, a supervisor link): each
checks the plan's rule for the signed-in person and that the object really
belongs to that plan.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar

from flask import abort
from flask_login import current_user, login_required

from careercredit.extensions import db
from careercredit.models import CreditPlan, Placement, Role, User
from careercredit.refusals import OwnRecord

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")

#: A rule of a plan for a person, such as ``CreditPlan.can_view``.
PlanRule = Callable[[CreditPlan, User], bool]


class OnAPlacement(Protocol):
    """Anything kept on one placement of a plan (an hour entry, a deliverable, a link)."""

    @property
    def placement(self) -> Placement: ...


P = TypeVar("P", bound=OnAPlacement)


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Let in signed-in people holding any of ``roles``; others get 404, not 403.

    Anonymous visitors are sent to sign in first. Answering 404 keeps pages
    and ids from being probed by people who may not see them.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not any(current_user.has_role(role) for role in roles):
                abort(404)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def get_or_404(model: type[M], object_id: int, *, can: str = "can_view") -> M:
    """Load ``model`` by id if the current user passes its ``can_<verb>`` rule, else 404."""
    obj = db.session.get(model, object_id)
    if obj is None or not getattr(obj, can)(current_user):
        abort(404)
    return obj


def signed_in() -> User:
    """The person signed in, not the ``current_user`` proxy: for a rule asked of every row.

    Each use of the proxy looks the person up again; a page of 25 rows asking
    two rules each did so 50 times.
    """
    user: User = current_user._get_current_object()
    return user


def is_own_record(user: User, student_id: int | None) -> bool:
    """Whether ``student_id``'s record is ``user``'s own (whatever other roles ``user`` holds)."""
    return student_id is not None and user.id == student_id


def refuse_own_record(user: User, student_id: int | None, *, another: str) -> None:
    """Separation of duties: nobody acts as staff on their own student record.

    Every staff action on something that belongs to a student's record (a
    plan, its placements and their supervisors, hours, sign-off, posting,
    amendment, record requests and documents) asks this before it changes
    anything; ``another`` names who must act instead ("registrar", "advisor").
    """
    if is_own_record(user, student_id):
        raise OwnRecord(another)


def is_plan_student(plan: CreditPlan, user: User) -> bool:
    """The plan's own student: the one person who writes its hours and deliverables."""
    return user.id == plan.student_id


def plan_or_404(plan_id: int, *, can: PlanRule = CreditPlan.can_view) -> CreditPlan:
    """The plan if the current user passes ``can`` (by default: may see it), else 404."""
    plan = db.session.get(CreditPlan, plan_id)
    if plan is None or not can(plan, current_user):
        abort(404)
    return plan


def placement_or_404(
    plan_id: int, placement_id: int, *, can: PlanRule = CreditPlan.can_view
) -> Placement:
    """The placement of plan ``plan_id`` if the current user passes the plan's ``can``, else 404."""
    plan = plan_or_404(plan_id, can=can)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.plan_id != plan.id:
        abort(404)
    return placement


def on_plan_or_404(model: type[P], object_id: int, plan: CreditPlan, *, lock: bool = False) -> P:
    """``model`` ``object_id`` if it is kept on one of ``plan``'s placements, else 404.

    ``lock`` takes the row's lock, for a write that must not race another
    (a supervisor verifying the entry being changed).
    """
    obj = db.session.get(model, object_id, with_for_update=lock)
    if obj is None or obj.placement.plan_id != plan.id:
        abort(404)
    return obj
