"""Signing in and keeping roles in step with the campus directory."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from careercredit.audit import record_event
from careercredit.auth.ldap import (
    Directory,
    DirectoryPerson,
    DirectorySettings,
    InvalidCredentials,
    normalize_username,
    roles_for,
)
from careercredit.auth.lockout import Attempt
from careercredit.clock import now
from careercredit.extensions import db
from careercredit.models import Role, User
from careercredit.refusals import Refused
from careercredit.sql import aware

INVALID = "Invalid username or password."
NO_ROLE = (
    "Your campus account has no CareerCredit role. If you should have access, "
    "ask career services to add you to the right directory group."
)


class SignInRefused(Refused):
    """A sign-in the campus directory does not back.

    Unlike other refusals it is audited: the caller commits its audit event
    (and, for ``NoRole``, the person's emptied roles) instead of rolling back.
    """


class WrongCredentials(SignInRefused):
    """The username and password do not match, or no such person exists."""

    def __init__(self) -> None:
        super().__init__(INVALID)


class NoRole(SignInRefused):
    """The person is in the directory but in none of the groups mapped to a role."""

    status = 403

    def __init__(self) -> None:
        super().__init__(NO_ROLE)


def directory() -> Directory:
    """Return a directory client for the current app's settings."""
    return Directory(DirectorySettings.from_config(current_app.config))


def mapped_roles(person: DirectoryPerson) -> set[Role]:
    """Return the roles the person's groups grant under the configured mapping."""
    return {Role(r) for r in roles_for(person.groups, current_app.config["LDAP_ROLE_GROUPS"])}


def sign_in(username: str, password: str, attempt: Attempt) -> User:
    """Check the credentials against the directory and return the up-to-date local user.

    ``attempt`` holds this browser's failure counts (``lockout.py``): a full
    one raises ``Locked`` before the password is tried, and a wrong password
    is counted in it. Raises ``Locked``, ``WrongCredentials``, ``NoRole`` or
    ``DirectoryUnavailable``; the sign-in refusals are recorded as audit
    events (the caller commits them too).
    """
    typed = normalize_username(username)[:255]
    attempt.check()
    try:
        person = directory().authenticate(username, password, before_bind=attempt.check_person)
    except InvalidCredentials:
        attempt.failed()
        record_event("auth.login_failed", details={"username": typed, "reason": "credentials"})
        raise WrongCredentials from None
    roles = mapped_roles(person)
    user = _upsert_user(person, roles)
    if not roles:
        record_event(
            "auth.login_failed", actor=user, details={"username": typed, "reason": "no_role"}
        )
        raise NoRole
    user.last_login_at = now()
    record_event(
        "auth.login",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"roles": sorted(roles)},
    )
    return user


def commit_sign_in() -> None:
    """Commit a sign-in and keep the person and their roles as loaded.

    The session cookie is made from them right after (``start_session``):
    expiring them at the commit would load both again for nothing.
    """
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def refresh_roles(user: User) -> bool:
    """Re-check the user's roles against the directory; return whether any role is left.

    Raises ``DirectoryUnavailable`` when the directory cannot answer: the
    caller decides what a signed-in person sees then.
    """
    person = directory().find_by_id(user.directory_id)
    roles = mapped_roles(person) if person is not None else set()
    before = user.roles
    if person is not None:
        _copy_person(user, person)
    user.set_roles(roles)
    user.roles_checked_at = now()
    if before != frozenset(roles):
        record_event(
            "auth.roles_changed",
            actor=user,
            object_type="user",
            object_id=user.id,
            details={"before": sorted(before), "after": sorted(roles)},
        )
    return bool(roles)


def roles_due_for_check(user: User) -> bool:
    """Tell whether the user's roles are older than the re-check interval."""
    checked = user.roles_checked_at
    if checked is None:
        return True
    checked = aware(checked)
    interval = timedelta(seconds=current_app.config["ROLE_RECHECK_SECONDS"])
    return now() - checked >= interval


def sync_person(person: DirectoryPerson) -> User:
    """Create or update the local user of a directory entry, with its current roles."""
    return _upsert_user(person, mapped_roles(person))


def _upsert_user(person: DirectoryPerson, roles: set[Role]) -> User:
    user = _find_or_create(person)
    _copy_person(user, person)
    user.set_roles(roles)
    user.roles_checked_at = now()
    return user


def _find_or_create(person: DirectoryPerson) -> User:
    """The local row of ``person``, created on first sign-in.

    Two first sign-ins of one person at the same moment both find no row; the
    loser of the insert race (unique ``directory_id``) reads the winner's row.
    """
    found = select(User).where(User.directory_id == person.directory_id)
    user = db.session.scalar(found)
    if user is not None:
        return user
    try:
        with db.session.begin_nested():
            user = User(
                directory_id=person.directory_id,
                uid=person.uid[:255],
                display_name=person.display_name[:255],
            )
            db.session.add(user)
    except IntegrityError:
        user = db.session.scalar(found)
        if user is None:
            raise
    return user


def _copy_person(user: User, person: DirectoryPerson) -> None:
    user.uid = person.uid[:255]
    user.display_name = person.display_name[:255]
    user.email = person.email[:320] if person.email else None
    user.student_number = person.student_number[:32] if person.student_number else None
