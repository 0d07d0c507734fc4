"""Hour entries: the id of the form that logged each, so a form sent twice logs once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hour_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_id", sa.String(length=32), nullable=True))
        batch_op.create_index("uq_hour_entry_submission", ["submission_id"], unique=True)


def downgrade():
    with op.batch_alter_table("hour_entry", schema=None) as batch_op:
        batch_op.drop_index("uq_hour_entry_submission")
        batch_op.drop_column("submission_id")
