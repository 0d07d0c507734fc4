"""The site's main menu: which links each role sees."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from careercredit.models import Role

#: (endpoint, label, roles that see it), in menu order.
MENU: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("plans.index", "My plans", frozenset({Role.student})),
    ("records.mine", "My records", frozenset({Role.student})),
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
)


def menu() -> list[tuple[str, str]]:
    """The (endpoint, label) pairs the signed-in person may use."""
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles in MENU
        if endpoint in current_app.view_functions and current_user.roles & roles
    ]
