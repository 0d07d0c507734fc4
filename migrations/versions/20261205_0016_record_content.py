"""The issuing institution kept on each issued record.

``record_document.institution_name`` and ``institution_address`` hold the
name and address lines printed on the record, so a later change of the
configuration does not change what verification says issued it. Records
issued before keep them empty and show the configured institution.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("institution_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("institution_address", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.drop_column("institution_address")
        batch_op.drop_column("institution_name")
