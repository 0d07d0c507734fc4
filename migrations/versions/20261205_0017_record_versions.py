"""Later versions of an issued record, re-time-stamped for long-term validation.

``record_document_version`` keeps each file ``flask records archive-timestamps``
made of an issued record by appending a document time-stamp (PAdES B-LTA):
its bytes, their SHA-256, why it was made, and when the certificate of its
last time-stamp expires. The issued bytes stay on ``record_document`` as
version 1; verification accepts every version.
``record_document.stamp_expires_at`` is when the issued file's last time-stamp
expires (empty on records issued without one), so a run finds the records
due without reading them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stamp_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_record_document_stamp_expires_at"), ["stamp_expires_at"], unique=False
        )
    op.create_table(
        "record_document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("stamp_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("number >= 2", name=op.f("ck_record_document_version_after_issue")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["record_document.id"],
            name=op.f("fk_record_document_version_document_id_record_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_document_version")),
        sa.UniqueConstraint("document_id", "number", name="uq_record_document_version_number"),
    )
    with op.batch_alter_table("record_document_version", schema=None) as batch_op:
        for column in ("document_id", "sha256", "created_at", "stamp_expires_at"):
            batch_op.create_index(
                batch_op.f(f"ix_record_document_version_{column}"), [column], unique=False
            )


def downgrade():
    with op.batch_alter_table("record_document_version", schema=None) as batch_op:
        for column in ("stamp_expires_at", "created_at", "sha256", "document_id"):
            batch_op.drop_index(batch_op.f(f"ix_record_document_version_{column}"))
    op.drop_table("record_document_version")
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_document_stamp_expires_at"))
        batch_op.drop_column("stamp_expires_at")
