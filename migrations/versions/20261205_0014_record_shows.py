"""What an issued record shows, and the record that superseded it.

``record_document.shows`` keeps, at issue, the plans printed on the record
with their term, course, grade and credits, so verification can tell when
the registry no longer agrees. Records issued before keep it empty and are
compared by the dates of their plans' amendments. ``superseded_by_id`` is
the current record a registrar reissued in place of an out-of-date one.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shows", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_record_document_superseded_by_id_record_document"),
            "record_document",
            ["superseded_by_id"],
            ["id"],
        )
        batch_op.create_index(
            op.f("ix_record_document_superseded_by_id"), ["superseded_by_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_record_document_superseded_by_id"))
        batch_op.drop_constraint(
            op.f("fk_record_document_superseded_by_id_record_document"), type_="foreignkey"
        )
        batch_op.drop_column("superseded_by_id")
        batch_op.drop_column("shows")
