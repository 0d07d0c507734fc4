"""The site's main menu: which links each role sees.

Every signed-in page draws the menu, so its links are worked out once per
set of roles (and URL prefix) and kept with the app, which knows its
endpoints; a page adds only the person's unread notices count, one query
answered from an index.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, request, url_for
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
NOTICES = "notices.index"
#: Where the app keeps the menus it made (``app.extensions``), and how many at most.
_KEPT = "careercredit.menu"
_KEPT_MAX = 256


class MenuLink(NamedTuple):
    """One link of the main menu."""

    endpoint: str
    label: str
    href: str


def menu() -> list[MenuLink]:
    """The links the signed-in person may use, the notices one with its unread count."""
    if not current_user.is_authenticated:
        return []
    return [
        _with_unread(link) if link.endpoint == NOTICES else link
        for link in _links(current_user.roles, request.script_root)
    ]


def _links(roles: frozenset[Role], script_root: str) -> tuple[MenuLink, ...]:
    """The menu of ``roles``, made once per role set and URL prefix and kept with the app."""
    kept: dict[tuple[frozenset[Role], str], tuple[MenuLink, ...]]
    kept = current_app.extensions.setdefault(_KEPT, {})
    links = kept.get((roles, script_root))
    if links is None:
        if len(kept) >= _KEPT_MAX:
            kept.clear()
        links = kept[roles, script_root] = tuple(
            MenuLink(endpoint, label, url_for(endpoint))
            for endpoint, label, allowed in MENU
            if endpoint in current_app.view_functions and roles & allowed
        )
    return links


def _with_unread(link: MenuLink) -> MenuLink:
    """The notices link says how many are unread: one count by an index, once per page."""
    unread = unread_count(current_user)
    return link._replace(label=f"{link.label} ({unread} unread)") if unread else link
