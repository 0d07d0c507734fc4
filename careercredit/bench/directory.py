"""The bench directory: a real slapd holding the few people the benchmark signs in as.

They are people of the seeded database, chosen by what the benchmark shows
(the student with the most plans, the busiest sponsor, …). The LDIF carries
each one's ``entryUUID`` as stored in their local row's ``directory_id``, and
the directory is loaded offline with ``slapadd``, which keeps those values
(an online add would make new ones), so signing in finds the seeded rows.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from slapdtest import SlapdObject
from sqlalchemy import func, select

from careercredit.demo.directory import SERVICE_DN, SUFFIX, CampusDirectory, app_settings
from careercredit.extensions import db
from careercredit.models import AuditEvent, CreditPlan, PlanState, Role, User, UserRole

#: Every bench person's password.
PASSWORD = "bench-password"  # noqa: S105  (a throwaway directory of synthetic people)
#: The directory groups of each role, as ``CAREERCREDIT_LDAP_ROLE_GROUPS`` maps them.
GROUPS = {
    Role.student: "students",
    Role.advisor: "career-advisors",
    Role.faculty: "faculty",
    Role.registrar: "registrars",
    Role.admin: "careercredit-admins",
}


@dataclass(frozen=True)
class BenchPerson:
    """A person the benchmark signs in as, and why they were chosen."""

    why: str
    uid: str
    display_name: str
    directory_id: str
    email: str | None
    student_number: str | None
    roles: tuple[str, ...]


def bench_people() -> list[BenchPerson]:
    """The students with the most plans, the busiest sponsor, an advisor, a registrar, an admin."""
    by_plans = (
        select(CreditPlan.student_id, func.count().label("plans"))
        .group_by(CreditPlan.student_id)
        .order_by(func.count().desc(), CreditPlan.student_id)
        .limit(3)
    )
    chosen = [(f"student with the most plans (#{n})", row.student_id)
              for n, row in enumerate(db.session.execute(by_plans), 1)]  # fmt: skip
    awaiting = (
        select(CreditPlan.sponsor_id)
        .where(CreditPlan.state == PlanState.awaiting_signoff)
        .group_by(CreditPlan.sponsor_id)
        .order_by(func.count().desc(), CreditPlan.sponsor_id)
        .limit(1)
    )
    chosen.append(("busiest sponsor", db.session.scalar(awaiting)))
    approvals = (
        select(AuditEvent.actor_id)
        .where(AuditEvent.action == "plan.approve")
        .group_by(AuditEvent.actor_id)
        .order_by(func.count().desc(), AuditEvent.actor_id)
        .limit(1)
    )
    chosen.append(("busiest advisor", db.session.scalar(approvals)))
    for role in (Role.registrar, Role.admin):
        first = select(func.min(UserRole.user_id)).where(UserRole.role == role)
        chosen.append((f"a {role.value}", db.session.scalar(first)))
    return [_person(why, user_id) for why, user_id in chosen if user_id is not None]


def _person(why: str, user_id: int) -> BenchPerson:
    user = db.session.get(User, user_id)
    assert user is not None
    return BenchPerson(
        why,
        user.uid,
        user.display_name,
        user.directory_id,
        user.email,
        user.student_number,
        tuple(sorted(role.value for role in user.roles)),
    )


def bench_ldif(people: Iterable[BenchPerson], service_password: str) -> str:
    """The directory of ``people``: their entries (with entryUUID), groups, service account."""
    people = list(people)
    blocks = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: university\n"
        "o: CareerCredit Bench University",
        *(f"dn: ou={ou},{SUFFIX}\nobjectClass: organizationalUnit\nou: {ou}"
          for ou in ("people", "groups", "services")),
        f"dn: {SERVICE_DN}\nobjectClass: person\nobjectClass: simpleSecurityObject\n"
        f"cn: careercredit\nsn: careercredit\nuserPassword: {service_password}",
    ]  # fmt: skip
    for person in people:
        lines = [
            f"dn: uid={person.uid},ou=people,{SUFFIX}",
            "objectClass: inetOrgPerson",
            f"uid: {person.uid}",
            f"cn:: {_b64(person.display_name)}",
            f"sn:: {_b64(person.display_name.split()[-1])}",
            f"displayName:: {_b64(person.display_name)}",
            f"userPassword: {PASSWORD}",
            f"entryUUID: {person.directory_id}",
        ]
        if person.email:
            lines.append(f"mail: {person.email}")
        if person.student_number:
            lines.append(f"employeeNumber: {person.student_number}")
        blocks.append("\n".join(lines))
    for role, group in GROUPS.items():
        members = [p for p in people if role.value in p.roles]
        if members:
            blocks.append(
                f"dn: cn={group},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: {group}\n"
                + "\n".join(f"member: uid={p.uid},ou=people,{SUFFIX}" for p in members)
            )
    return "\n\n".join(blocks) + "\n"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def role_groups() -> dict[str, str]:
    """``CAREERCREDIT_LDAP_ROLE_GROUPS`` for the bench directory."""
    return {role.value: f"cn={group},ou=groups,{SUFFIX}" for role, group in GROUPS.items()}


class BenchDirectory(CampusDirectory):
    """A slapd loaded offline from the bench LDIF, so the given entryUUIDs stay."""

    def _write_config(self) -> None:
        super()._write_config()
        self.slapadd(self.ldif, ["-n1"])

    def start(self) -> None:
        """Start slapd with the people already in it."""
        SlapdObject.start(self)


def start_directory(people: list[BenchPerson], workdir: Path) -> tuple[BenchDirectory, dict]:
    """Start the bench directory of ``people``; return it and the app's LDAP settings."""
    service_password = secrets.token_urlsafe(24)
    ldif = workdir / "bench-directory.ldif"
    ldif.write_text(bench_ldif(people, service_password), encoding="utf-8")
    directory = BenchDirectory(ldif)
    directory.start()
    settings = app_settings(directory.ldap_uri, service_password, role_groups())
    return directory, settings
