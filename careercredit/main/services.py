"""What the dashboard counts and what the health check asks the database."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from careercredit.extensions import db
from careercredit.models import CreditPlan, User


def _count(condition: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(CreditPlan).where(condition)) or 0


def own_plan_count(student: User) -> int:
    """How many credit plans ``student`` has, in any state."""
    return _count(CreditPlan.student_id == student.id)


def sponsored_plan_count(sponsor: User) -> int:
    """How many credit plans ``sponsor`` sponsors, in any state."""
    return _count(CreditPlan.sponsor_id == sponsor.id)


def database_answers() -> bool:
    """Tell whether the database answers a trivial query (the session is left clean)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True
