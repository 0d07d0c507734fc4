"""Approved contacts: the supervisor's address a placement had when its plan was approved.

Kept when a supervisor's e-mail, or a project's supervisor, changes after the
approval, so the sign-off summary can flag answers from another address.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "approved_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column(
            "recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_approved_contact_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approved_contact")),
        sa.UniqueConstraint("placement_id", name=op.f("uq_approved_contact_placement_id")),
    )


def downgrade():
    op.drop_table("approved_contact")
