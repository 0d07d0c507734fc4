"""Deliverables: the student adds them, the supervisor reviews them, faculty see them.

A deliverable is a chain of versions: each new version is a new row that
supersedes the one the supervisor sent back, so the history stays. Files go
to the upload storage under random keys; a stored file is removed only once
the database has committed the deletion of its row, and a file saved for a
row that was rolled back is removed again. Functions here add to the
session and raise a ``Refused`` to say no; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session
from werkzeug.datastructures import FileStorage

from careercredit import clock
from careercredit.audit import record_event
from careercredit.deliverables.files import CheckedFile, check_file
from careercredit.deliverables.storage import upload_storage
from careercredit.extensions import db
from careercredit.models import (
    CreditPlan,
    Deliverable,
    DeliverableStatus,
    Placement,
    SupervisorLink,
    User,
)
from careercredit.notices.events import deliverable_reviewed
from careercredit.refusals import Refused
from careercredit.reports import summaries
from careercredit.supervisors.links import ACTIVE_STATES, NotOnThisLink

#: Plans whose students add deliverables: those whose supervisor links work.
OPEN_STATES = ACTIVE_STATES
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
LINK_MAX = 2000
COMMENT_MAX = 2000
ONLY_SENT_BACK = "Only a deliverable your supervisor sent back can get a new version."

#: What a deliverable holds once checked: a cleaned link, or what was learnt about a file.
Content = str | CheckedFile


class DeliverableProblems(Refused):
    """What keeps a deliverable from being saved, by form field.

    ``plan`` (besides the fields) says that nothing typed could be saved: the
    plan's state, or a version that may not be revised.
    """


class SentMeanwhile(DeliverableProblems):
    """Another window sent a new version of the same deliverable first."""

    status: ClassVar[int] = 409

    def __init__(self) -> None:
        super().__init__(problems={"plan": "A new version of this deliverable was already sent."})


class AlreadyReviewed(Refused):
    """The deliverable was answered meanwhile (another window, a colleague), or superseded."""

    status: ClassVar[int] = 409

    def __init__(self) -> None:
        super().__init__("That deliverable was already reviewed.")


@dataclass
class Chain:
    """One deliverable: its newest version and the earlier ones, newest first."""

    current: Deliverable
    history: list[Deliverable] = field(default_factory=list)


# -- who may do what ----------------------------------------------------------------


def can_add(plan: CreditPlan, user: Any) -> bool:
    """Only the plan's student adds deliverables, while the plan is approved or in progress."""
    return getattr(user, "id", None) == plan.student_id and plan.state in OPEN_STATES


def can_revise(deliverable: Deliverable, user: Any) -> bool:
    """The student sends a new version of a deliverable the supervisor sent back."""
    return (
        can_add(deliverable.placement.plan, user)
        and deliverable.status == DeliverableStatus.revision_requested
        and is_current(deliverable)
    )


def can_download(deliverable: Deliverable, user: Any) -> bool:
    """Everyone who may see the plan: the student, the sponsor and staff."""
    return deliverable.placement.plan.can_view(user)


# -- reading ------------------------------------------------------------------------


def chains(placement: Placement) -> list[Chain]:
    """The placement's deliverables, each with its history, oldest deliverable first."""
    rows = list(placement.deliverables)
    successor = {row.supersedes_id: row for row in rows if row.supersedes_id}
    result = []
    for row in rows:
        if row.supersedes_id is not None:
            continue
        versions = [row]
        while versions[-1].id in successor:
            versions.append(successor[versions[-1].id])
        versions.reverse()
        result.append(Chain(current=versions[0], history=versions[1:]))
    return result


def current_versions(placement: Placement) -> list[Deliverable]:
    """The newest version of each of the placement's deliverables."""
    return [chain.current for chain in chains(placement)]


def is_current(deliverable: Deliverable) -> bool:
    """Whether no later version supersedes ``deliverable``."""
    return all(row.supersedes_id != deliverable.id for row in deliverable.placement.deliverables)


# -- the student --------------------------------------------------------------------


def clean_link(raw: str) -> str:
    """An http(s) address, or ``ValueError`` with what to do."""
    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError("Enter a full web address starting with https:// (or http://).")
    if len(url) > LINK_MAX or any(c.isspace() or ord(c) < 32 for c in url):
        raise ValueError(f"Enter a web address without spaces, at most {LINK_MAX} characters long.")
    return url


def plan_problems(
    placement: Placement, by: User, supersedes: Deliverable | None = None
) -> dict[str, str]:
    """Whether ``by`` may add to ``placement`` (or revise ``supersedes``) at all now."""
    if supersedes is not None and not can_revise(supersedes, by):
        return {"plan": ONLY_SENT_BACK}
    if not can_add(placement.plan, by):
        return {
            "plan": f"This plan is {placement.plan.state.label.lower()}: deliverables can be "
            "added only while it is approved or in progress."
        }
    return {}


def _content(upload: FileStorage | None, link: str) -> Content:
    """The link, cleaned, or what the file's bytes are; ``DeliverableProblems`` if neither."""
    if upload is not None and link:
        raise DeliverableProblems(problems={"link": "Upload a file or give a link, not both."})
    if upload is None:
        if not link:
            raise DeliverableProblems(
                problems={"file": "Choose a file to upload, or give a link instead."}
            )
        try:
            return clean_link(link)
        except ValueError as error:
            raise DeliverableProblems(problems={"link": str(error)}) from None
    max_bytes = current_app.config["UPLOAD_MAX_MB"] * 1024 * 1024
    return check_file(upload.filename, upload.stream, max_bytes)  # FileProblem: a refusal


def check_deliverable(
    placement: Placement,
    by: User,
    *,
    title: str,
    upload: FileStorage | None,
    link: str,
    supersedes: Deliverable | None = None,
) -> Content:
    """Check everything at once; return the content, or raise ``DeliverableProblems``."""
    problems = plan_problems(placement, by, supersedes)
    if supersedes is None and not title:
        problems["title"] = "Give the deliverable a title."
    try:
        content = _content(upload, link)
    except Refused as refused:
        raise DeliverableProblems(problems={**problems, **refused.problems}) from None
    if problems:
        raise DeliverableProblems(problems=problems)
    return content


def add_deliverable(
    placement: Placement,
    by: User,
    *,
    title: str,
    description: str,
    upload: FileStorage | None,
    link: str,
    supersedes: Deliverable | None = None,
) -> Deliverable:
    """Add a deliverable (or a new version of ``supersedes``); ``DeliverableProblems`` if not."""
    content = check_deliverable(
        placement, by, title=title, upload=upload, link=link, supersedes=supersedes
    )
    if supersedes is not None:
        title = supersedes.title
    row = Deliverable(
        placement=placement,
        title=title,
        description=description,
        version=supersedes.version + 1 if supersedes else 1,
        supersedes=supersedes,
        created_by_id=by.id,
        status=DeliverableStatus.submitted,
    )
    if isinstance(content, str):
        row.link_url = content
    else:
        assert upload is not None  # checked: a file, since there is no link
        row.storage_key = upload_storage().save(upload.stream)
        _remember(db.session(), SAVED, row.storage_key)
        row.original_name = content.name
        row.size_bytes = content.size
        row.content_type = content.content_type
        row.sha256 = content.sha256
    db.session.add(row)
    db.session.flush()
    record_event(
        "deliverable.submit",
        actor=by,
        object_type="deliverable",
        object_id=row.id,
        details={
            "plan_id": placement.plan_id,
            "placement_id": placement.id,
            "version": row.version,
            "supersedes_id": supersedes.id if supersedes else None,
            "sha256": row.sha256,
        },
    )
    return row


# -- the supervisor -----------------------------------------------------------------


def deliverable_on_link(link: SupervisorLink, deliverable_id: int) -> Deliverable:
    """The deliverable ``deliverable_id`` of the link's own placement, or ``NotOnThisLink``."""
    row = db.session.get(Deliverable, deliverable_id)
    if row is None or row.placement_id != link.placement_id:
        raise NotOnThisLink("That deliverable is not on this page.", deliverable_id=deliverable_id)
    return row


def review(link: SupervisorLink, deliverable: Deliverable, accept: bool, comment: str) -> None:
    """Accept the deliverable, or send it back for a revision with ``comment``."""
    if not is_current(deliverable) or not deliverable.awaits_review:
        raise AlreadyReviewed
    deliverable.status = (
        DeliverableStatus.accepted if accept else DeliverableStatus.revision_requested
    )
    deliverable.review_comment = comment or None
    deliverable.reviewed_at = clock.now()
    deliverable.reviewed_via_id = link.id
    summaries.answer_link(link, clock.now())
    record_event(
        "deliverable.accept" if accept else "deliverable.request_revision",
        object_type="deliverable",
        object_id=deliverable.id,
        details={
            "link_id": link.id,
            "placement_id": deliverable.placement_id,
            "version": deliverable.version,
        },
    )
    deliverable_reviewed(deliverable)


# -- stored files follow their rows ---------------------------------------------------

SAVED = "careercredit.deliverables.saved"
DELETED = "careercredit.deliverables.deleted"


def _remember(session: Session, kind: str, key: str) -> None:
    session.info.setdefault(kind, set()).add(key)


def _row_deleted(mapper: Any, connection: Any, target: Deliverable) -> None:
    session = object_session(target)
    if target.storage_key and session is not None:
        _remember(session, DELETED, target.storage_key)


def _remove(session: Session, kind: str) -> None:
    keys = session.info.pop(kind, set())
    session.info.pop(SAVED if kind == DELETED else DELETED, None)
    if keys and has_app_context():
        storage = upload_storage()
        for key in keys:
            storage.delete(key)


def _after_commit(session: Session) -> None:
    """Deleted rows are gone for good: remove their files."""
    _remove(session, DELETED)


def _after_rollback(session: Session) -> None:
    """Rows added in the rolled-back transaction never existed: remove their files."""
    _remove(session, SAVED)


def listen_for_files() -> None:
    """Keep stored files in step with committed rows (called once per process)."""
    for target, name, handler in (
        (Deliverable, "after_delete", _row_deleted),
        (Session, "after_commit", _after_commit),
        (Session, "after_rollback", _after_rollback),
    ):
        if not event.contains(target, name, handler):
            event.listen(target, name, handler)
