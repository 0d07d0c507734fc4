"""What the health check asks the database and the directory (the home page: ``home``)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from careercredit.auth.ldap import DirectoryUnavailable
from careercredit.auth.services import directory
from careercredit.extensions import db

#: How long one directory check answers the health check before the next one binds.
DIRECTORY_CHECK_SECONDS = 5.0


def database_answers() -> bool:
    """Tell whether the database answers a trivial query (the session is left clean)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


@dataclass
class _DirectoryCheck:
    """The last directory check of one app in this process."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    checked_at: float | None = None
    answered: bool = False


def directory_answers() -> bool:
    """Tell whether the directory answered a service-account bind in the last few seconds.

    At most one bind per ``DIRECTORY_CHECK_SECONDS`` per worker process (the
    answer is kept in the process, not shared between workers): a flood of
    health checks costs the directory nothing more. Requests arriving while
    a check runs wait for its answer instead of binding too.
    """
    check: _DirectoryCheck = current_app.extensions.setdefault(
        "careercredit.directory_check", _DirectoryCheck()
    )
    with check.lock:
        if check.checked_at is None or time.monotonic() - check.checked_at >= (
            DIRECTORY_CHECK_SECONDS
        ):
            try:
                directory().ping()
                check.answered = True
            except DirectoryUnavailable:
                check.answered = False
            check.checked_at = time.monotonic()
        return check.answered
