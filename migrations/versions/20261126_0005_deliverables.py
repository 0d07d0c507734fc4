"""Deliverables: files or links per placement, versioned, reviewed by supervisors.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deliverable",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.SmallInteger(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("link_url", sa.String(length=2000), nullable=True),
        sa.Column("storage_key", sa.String(length=100), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "accepted",
                "revision_requested",
                name="deliverable_status",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_via_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "(storage_key IS NULL) <> (link_url IS NULL)", name=op.f("ck_deliverable_file_or_link")
        ),
        sa.CheckConstraint(
            "size_bytes IS NULL OR size_bytes > 0", name=op.f("ck_deliverable_size_positive")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_deliverable_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_deliverable_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_via_id"],
            ["supervisor_link.id"],
            name=op.f("fk_deliverable_reviewed_via_id_supervisor_link"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["deliverable.id"],
            name=op.f("fk_deliverable_supersedes_id_deliverable"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverable")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_deliverable_storage_key")),
    )
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deliverable_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_deliverable_placement_id"), ["placement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_deliverable_reviewed_via_id"), ["reviewed_via_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deliverable_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deliverable_supersedes_id"), ["supersedes_id"], unique=True
        )


def downgrade():
    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliverable_supersedes_id"))
        batch_op.drop_index(batch_op.f("ix_deliverable_status"))
        batch_op.drop_index(batch_op.f("ix_deliverable_reviewed_via_id"))
        batch_op.drop_index(batch_op.f("ix_deliverable_placement_id"))
        batch_op.drop_index(batch_op.f("ix_deliverable_created_by_id"))

    op.drop_table("deliverable")
