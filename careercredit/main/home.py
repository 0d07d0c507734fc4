"""A person's home page: the part of each role they hold, in the roles' order."""

from __future__ import annotations

from collections.abc import Callable

from careercredit.main.office import admin_part, registrar_part
from careercredit.main.staff import advisor_part, faculty_part
from careercredit.main.students import student_part
from careercredit.main.worklist import Part
from careercredit.models import Role, User

#: Who builds each role's part.
BUILDERS: dict[Role, Callable[[User], Part]] = {
    Role.student: student_part,
    Role.advisor: advisor_part,
    Role.faculty: faculty_part,
    Role.registrar: registrar_part,
    Role.admin: admin_part,
}


def parts_for(user: User) -> list[Part]:
    """The home page of ``user``: one part per role they hold."""
    return [build(user) for role, build in BUILDERS.items() if user.has_role(role)]
