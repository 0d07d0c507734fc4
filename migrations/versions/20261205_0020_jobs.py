"""Background jobs: each record of a bulk export as a unit of work, and the workers seen.

``record_export_item`` is one student's record in a bulk export (waiting,
claimed by a worker, done or failed, with its last error); ``job_worker`` is
each worker process of the job engine with its last heartbeat. An export
created before this revision gets its items when it is next run.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_export_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("export_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "waiting",
                "claimed",
                "done",
                "failed",
                name="record_export_item_state",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["record_export.id"],
            name=op.f("fk_record_export_item_export_id_record_export"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_record_export_item_student_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_export_item")),
        sa.UniqueConstraint(
            "export_id", "student_id", name=op.f("uq_record_export_item_export_id")
        ),
    )
    with op.batch_alter_table("record_export_item", schema=None) as batch_op:
        for column in ("export_id", "student_id", "state"):
            batch_op.create_index(
                batch_op.f(f"ix_record_export_item_{column}"), [column], unique=False
            )
    op.create_table(
        "job_worker",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_worker")),
    )
    with op.batch_alter_table("job_worker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_worker_seen_at"), ["seen_at"], unique=False)


def downgrade():
    op.drop_table("job_worker")
    op.drop_table("record_export_item")
