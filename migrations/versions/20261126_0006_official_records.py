"""Official records: issued documents, requests for them, bulk exports; disclosures name one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="record_export_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_record_export_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["term.id"], name=op.f("fk_record_export_term_id_term")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_export")),
    )
    with op.batch_alter_table("record_export", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_export_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_export_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_record_export_term_id"), ["term_id"], unique=False)

    op.create_table(
        "record_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("student_name", sa.String(length=255), nullable=False),
        sa.Column("total_credits", sa.SmallInteger(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("export_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["record_export.id"],
            name=op.f("fk_record_document_export_id_record_export"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["user.id"], name=op.f("fk_record_document_issued_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user.id"], name=op.f("fk_record_document_revoked_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_record_document_student_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_document")),
        sa.UniqueConstraint("code", name=op.f("uq_record_document_code")),
        sa.UniqueConstraint(
            "export_id", "student_id", name=op.f("uq_record_document_export_student")
        ),
    )
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_document_export_id"), ["export_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_document_issued_at"), ["issued_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_document_issued_by_id"), ["issued_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_document_revoked_by_id"), ["revoked_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_record_document_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_record_document_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "record_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "issued",
                "declined",
                "cancelled",
                name="record_request_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_record_request_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["record_document.id"],
            name=op.f("fk_record_request_document_id_record_document"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_record_request_student_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_request")),
    )
    with op.batch_alter_table("record_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_request_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_request_decided_by_id"), ["decided_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_request_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_record_request_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_record_request_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            "uq_record_request_pending",
            ["student_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_disclosure_document_id"), ["document_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_disclosure_document_id_record_document"),
            "record_document",
            ["document_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_disclosure_document_id_record_document"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_disclosure_document_id"))
        batch_op.drop_column("document_id")

    with op.batch_alter_table("record_request", schema=None) as batch_op:
        batch_op.drop_index("uq_record_request_pending")
        batch_op.drop_index(batch_op.f("ix_record_request_student_id"))
        batch_op.drop_index(batch_op.f("ix_record_request_status"))
        batch_op.drop_index(batch_op.f("ix_record_request_document_id"))
        batch_op.drop_index(batch_op.f("ix_record_request_decided_by_id"))
        batch_op.drop_index(batch_op.f("ix_record_request_created_at"))

    op.drop_table("record_request")
    with op.batch_alter_table("record_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_document_student_id"))
        batch_op.drop_index(batch_op.f("ix_record_document_sha256"))
        batch_op.drop_index(batch_op.f("ix_record_document_revoked_by_id"))
        batch_op.drop_index(batch_op.f("ix_record_document_issued_by_id"))
        batch_op.drop_index(batch_op.f("ix_record_document_issued_at"))
        batch_op.drop_index(batch_op.f("ix_record_document_export_id"))

    op.drop_table("record_document")
    with op.batch_alter_table("record_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_export_term_id"))
        batch_op.drop_index(batch_op.f("ix_record_export_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_record_export_created_at"))

    op.drop_table("record_export")
