"""Trigram indexes for the catalogue search on PostgreSQL (pg_trgm).

A search for a word inside project titles, descriptions, external ids and
employer names (``ILIKE '%word%'``) cannot use a B-tree index: without these
a rare word reads every project. pg_trgm's GIN indexes answer it. They are
made on PostgreSQL only, and only where the extension can be created (it is
a trusted extension: the database's owner may create it). Elsewhere the
search still works, reading the table. The models leave these indexes out;
``include_object`` in ``migrations/env.py`` keeps autogenerate from dropping them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26

"""

import logging

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

#: (table, column) searched with ILIKE.
SEARCHED = [
    ("project", "title"),
    ("project", "description"),
    ("project", "external_id"),
    ("employer", "name"),
]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        savepoint.rollback()
        logger.warning("pg_trgm cannot be created (%s); searches read whole tables.", error.orig)
        return
    savepoint.commit()
    for table, column in SEARCHED:
        op.create_index(
            f"ix_{table}_{column}_trgm",
            table,
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in reversed(SEARCHED):
        op.execute(f'DROP INDEX IF EXISTS "ix_{table}_{column}_trgm"')
