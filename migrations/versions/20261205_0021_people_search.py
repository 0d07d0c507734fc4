"""Finding people by part of a name or username; counting plans from indexes.

Staff find a student by any part of a name or username (``User.found_by``),
which no B-tree index answers. PostgreSQL gets pg_trgm GIN indexes on
``user.display_name`` and ``user.uid`` (as the catalogue's in 0010, where the
extension can be created). SQLite gets ``user_search``, an FTS5 table with the
trigram tokenizer (SQLite 3.34 or newer) holding each person's name and
username under their id, filled here and kept by triggers on ``user`` — they
fire for every row written, the bench seed's bulk inserts included. Neither
is in the models; ``include_object`` in ``migrations/env.py`` leaves them out
of the comparison.

Two indexes of plans are read without the table: the queue counts the
submitted plans of the students a search found (``student_id, state``), and
the term roster counts a term's plans by state and sorts a state's plans by
student (``term_id, state, student_id``).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05

"""

import logging

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

#: Columns of ``user`` searched for a part of their text.
SEARCHED = ("display_name", "uid")

SQLITE_UP = [
    "CREATE VIRTUAL TABLE user_search USING fts5(display_name, uid, tokenize = 'trigram')",
    'INSERT INTO user_search (rowid, display_name, uid) SELECT id, display_name, uid FROM "user"',
    'CREATE TRIGGER user_search_insert AFTER INSERT ON "user" BEGIN '
    "INSERT INTO user_search (rowid, display_name, uid) "
    "VALUES (new.id, new.display_name, new.uid); END",
    'CREATE TRIGGER user_search_update AFTER UPDATE OF id, display_name, uid ON "user" BEGIN '
    "DELETE FROM user_search WHERE rowid = old.id; "
    "INSERT INTO user_search (rowid, display_name, uid) "
    "VALUES (new.id, new.display_name, new.uid); END",
    'CREATE TRIGGER user_search_delete AFTER DELETE ON "user" BEGIN '
    "DELETE FROM user_search WHERE rowid = old.id; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS user_search_delete",
    "DROP TRIGGER IF EXISTS user_search_update",
    "DROP TRIGGER IF EXISTS user_search_insert",
    "DROP TABLE IF EXISTS user_search",
]


def upgrade():
    op.create_index("ix_credit_plan_student_state", "credit_plan", ["student_id", "state"])
    # The queue's order to the last column: PostgreSQL otherwise walks every plan by
    # submission time and filters the state (90 ms for the advisor's home page).
    op.drop_index("ix_credit_plan_queue", table_name="credit_plan")
    op.create_index("ix_credit_plan_queue", "credit_plan", ["state", "submitted_at", "id"])
    op.create_index(
        "ix_credit_plan_term_student", "credit_plan", ["term_id", "state", "student_id"]
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        # The planner weighs indexes by their statistics: a new index without any looks
        # more selective than it is, and the queue would sort a whole term in place of
        # reading ix_credit_plan_term in order. PostgreSQL's autovacuum analyses by itself.
        op.execute("ANALYZE credit_plan")
    elif bind.dialect.name == "postgresql":
        _trigram_indexes(bind)


def _trigram_indexes(bind):
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        savepoint.rollback()
        logger.warning(
            "pg_trgm cannot be created (%s); people searches read the table.", error.orig
        )
        return
    savepoint.commit()
    for column in SEARCHED:
        op.create_index(
            f"ix_user_{column}_trgm",
            "user",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        for column in reversed(SEARCHED):
            op.execute(f'DROP INDEX IF EXISTS "ix_user_{column}_trgm"')
    # IF EXISTS: a database migrated while 0021 was an empty placeholder goes down too.
    op.execute("DROP INDEX IF EXISTS ix_credit_plan_term_student")
    op.execute("DROP INDEX IF EXISTS ix_credit_plan_student_state")
    op.drop_index("ix_credit_plan_queue", table_name="credit_plan")
    op.create_index("ix_credit_plan_queue", "credit_plan", ["state", "submitted_at"])
