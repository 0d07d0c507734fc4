"""Two first sign-ins of one person at once: the second finds the first's row."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, select, text

from careercredit.auth.ldap import DirectoryPerson
from careercredit.auth.services import _upsert_user
from careercredit.extensions import db
from careercredit.models import Role, User

PERSON = DirectoryPerson(
    directory_id="6f1c-race",
    dn="uid=racer,ou=people,dc=example",
    uid="racer",
    display_name="Ana Racer",
    email="racer@example.edu",
    groups=frozenset(),
)


def test_the_loser_of_the_insert_race_reads_the_winners_row(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        session = db.session()
        raced = []

        @event.listens_for(session, "before_flush")
        def another_worker_inserts_first(session, context, instances) -> None:
            # After our look-up found nobody, just before our insert.
            if not raced and any(isinstance(obj, User) for obj in session.new):
                raced.append(True)
                with engine.begin() as other:
                    other.execute(
                        text(
                            'INSERT INTO "user" (directory_id, uid, display_name) '
                            "VALUES (:d, 'racer', 'Ana Racer')"
                        ),
                        {"d": PERSON.directory_id},
                    )

        user = _upsert_user(PERSON, {Role.student})
        db.session.commit()
        event.remove(session, "before_flush", another_worker_inserts_first)
        assert raced
        rows = db.session.scalars(select(User).where(User.directory_id == PERSON.directory_id))
        assert [(u.id, u.uid, u.roles) for u in rows] == [(user.id, "racer", {Role.student})]
