"""The site's main menu: which links each role sees."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from careercredit.models import Role
from careercredit.notices.services import unread_count

#: (endpoint, label, roles that see it), in menu order.
MENU: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("plans.index", "My plans", frozenset({Role.student})),
    ("records.mine", "My records", frozenset({Role.student})),
    ("badges.mine", "My credentials", frozenset({Role.student})),
    ("catalogue.browse", "Find projects", frozenset({Role.student})),
    ("plans.queue", "Review queue", frozenset({Role.advisor})),
    ("plans.all", "All plans", frozenset({Role.advisor, Role.registrar, Role.admin, Role.faculty})),
    ("catalogue.projects", "Projects", frozenset({Role.advisor, Role.admin})),
    ("catalogue.employers", "Employers", frozenset({Role.advisor, Role.admin})),
    ("reminders.overdue", "Overdue", frozenset({Role.advisor})),
    ("signoff.queue", "Sign-off", frozenset({Role.faculty})),
    ("signoff.late", "Late sign-offs", frozenset({Role.advisor})),
    ("registrar.index", "Posting", frozenset({Role.registrar})),
    ("records.index", "Records", frozenset({Role.registrar})),
    ("record_exports.index", "Bulk export", frozenset({Role.registrar})),
    ("registrar.audit_log", "Audit log", frozenset({Role.registrar, Role.admin})),
    ("terms.index", "Terms", frozenset({Role.admin})),
    ("courses.index", "Courses", frozenset({Role.admin})),
    ("evaluations.rubric", "Rubric", frozenset({Role.admin})),
    ("outbox.index", "Outbox", frozenset({Role.admin})),
    ("reports.index", "Reports", frozenset({Role.advisor, Role.registrar, Role.admin})),
    ("notices.index", "Notices", frozenset(Role)),
)


def menu() -> list[tuple[str, str]]:
    """The (endpoint, label) pairs the signed-in person may use."""
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, _with_unread(label) if endpoint == "notices.index" else label)
        for endpoint, label, roles in MENU
        if endpoint in current_app.view_functions and current_user.roles & roles
    ]


def _with_unread(label: str) -> str:
    """The notices link says how many are unread: one count by an index, once per page."""
    unread = unread_count(current_user)
    return f"{label} ({unread} unread)" if unread else label
