"""Access checks shared by every blueprint: role gates and visible-or-404 loading."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from careercredit.extensions import db
from careercredit.models import Role

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


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
