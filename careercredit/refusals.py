"""One way to say no: ``Refused``, and the unit of work that turns it into a page.

Every capability's refusal is a ``Refused`` (or a subclass that names the
capability's case, such as ``TransitionError`` or ``HourProblems``). A
refusal carries its problems in words for people, keyed by the form field
they belong to; ``WHOLE_FORM`` (``""``) holds the ones about the whole
action. Services raise it; views catch it around one ``unit_of_work`` and
show it with ``show_on_form`` (or hand ``refused.messages`` to a page).

``unit_of_work`` is the one place a write ends: it commits when the block
ends, rolls back when the block is refused, and turns a stale version (the
``version`` column of an optimistically locked row, see ``models/plans.py``)
into ``Stale``, which answers 409 with the page the view renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

from sqlalchemy.orm.exc import StaleDataError

from careercredit.extensions import db

#: The key of problems about the whole action rather than one field.
WHOLE_FORM = ""

STALE_MESSAGE = (
    "This plan was changed by someone else in the meantime. Review its current state and try again."
)


class Refused(Exception):
    """An action the rules refuse; ``problems`` say why, keyed by form field.

    ``Refused("Choose a grade.")`` refuses the whole action;
    ``Refused(problems={"hours": "Hours must be ..."})`` puts the message next
    to the ``hours`` field. Both may be given at once.
    """

    #: The HTTP status a page showing this refusal answers with.
    status: ClassVar[int] = 422

    def __init__(
        self, *messages: str, problems: Mapping[str, str | Iterable[str]] | None = None
    ) -> None:
        merged: dict[str, list[str]] = {}
        if messages:
            merged[WHOLE_FORM] = list(messages)
        for field, found in (problems or {}).items():
            merged.setdefault(field, []).extend([found] if isinstance(found, str) else found)
        self.problems = merged
        super().__init__(" ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        """Every message, the whole-form ones first."""
        ordered = sorted(self.problems.items(), key=lambda item: item[0] != WHOLE_FORM)
        return [message for _, found in ordered for message in found]

    def by_field(self) -> dict[str, str]:
        """One line per field (messages of a field joined), for pages that show a map."""
        return {field: " ".join(found) for field, found in self.problems.items()}


class Stale(Refused):
    """Someone else changed the object since the actor loaded it."""

    status: ClassVar[int] = 409

    def __init__(self, message: str = STALE_MESSAGE) -> None:
        super().__init__(message)


class OwnRecord(Refused):
    """Separation of duties: a staff action on the actor's own student record.

    Answers 403 with a message that says who may act instead; nothing is
    changed. See ``access.refuse_own_record``, the one place that asks.
    """

    status: ClassVar[int] = 403

    def __init__(self, another: str) -> None:
        super().__init__(f"You can't act on your own record; another {another} must.")


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Run the block as one transaction: commit at its end, roll back if it is refused.

    A ``StaleDataError`` (a version that moved under us, found at flush or at
    commit) is rolled back and raised as ``Stale``; any other error is rolled
    back and raised unchanged.
    """
    try:
        yield
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise Stale from error
    except BaseException:
        db.session.rollback()
        raise


def show_on_form(form: Any, refused: Refused) -> None:
    """Put each problem next to its field on ``form``; the rest go to ``form.form_errors``.

    Problems keyed by a name the form has no field for are about the whole
    form too, so nothing the person needs to read is dropped.
    """
    for field_name, found in refused.problems.items():
        field = form._fields.get(field_name) if field_name else None
        if field is None:
            form.form_errors.extend(found)
        else:
            field.errors = [*field.errors, *found]
