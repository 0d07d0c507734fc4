"""Terms, the catalogue, credit plans with placements and comments, and the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "employer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer")),
        sa.UniqueConstraint("name", name=op.f("uq_employer_name")),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("to_addr", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "sent", "failed", name="message_status", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_message_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index("ix_outbox_message_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("census_on", sa.Date(), nullable=False),
        sa.Column("grading_deadline", sa.Date(), nullable=False),
        sa.Column("hours_per_credit", sa.SmallInteger(), nullable=False),
        sa.Column("max_credits", sa.SmallInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "census_on >= starts_on AND census_on <= ends_on", name=op.f("ck_term_census_in_term")
        ),
        sa.CheckConstraint("grading_deadline >= ends_on", name=op.f("ck_term_grading_after_end")),
        sa.CheckConstraint(
            "hours_per_credit BETWEEN 1 AND 200", name=op.f("ck_term_hours_per_credit_range")
        ),
        sa.CheckConstraint("max_credits BETWEEN 1 AND 12", name=op.f("ck_term_max_credits_range")),
        sa.CheckConstraint("starts_on < ends_on", name=op.f("ck_term_starts_before_ends")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term")),
        sa.UniqueConstraint("code", name=op.f("uq_term_code")),
    )
    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_starts_on"), ["starts_on"], unique=False)

    op.create_table(
        "credit_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("credits_requested", sa.SmallInteger(), nullable=False),
        sa.Column("credits_approved", sa.SmallInteger(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "changes_requested",
                "approved",
                "rejected",
                "in_progress",
                "awaiting_signoff",
                "signed_off",
                "posted",
                "withdrawn",
                name="plan_state",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "credits_approved IS NULL OR (credits_approved >= 1 "
            "AND credits_approved <= credits_requested)",
            name=op.f("ck_credit_plan_credits_approved_range"),
        ),
        sa.CheckConstraint(
            "credits_requested BETWEEN 1 AND 12",
            name=op.f("ck_credit_plan_credits_requested_range"),
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"], ["user.id"], name=op.f("fk_credit_plan_sponsor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_credit_plan_student_id_user")
        ),
        sa.ForeignKeyConstraint(["term_id"], ["term.id"], name=op.f("fk_credit_plan_term_id_term")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_plan")),
    )
    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_plan_sponsor_id"), ["sponsor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_plan_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_plan_student_id"), ["student_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_credit_plan_submitted_at"), ["submitted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_credit_plan_term_id"), ["term_id"], unique=False)
        batch_op.create_index("ix_credit_plan_queue", ["state", "submitted_at"], unique=False)

    op.create_table(
        "supervisor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_supervisor_employer_id_employer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor")),
        sa.UniqueConstraint("employer_id", "email", name="uq_supervisor_employer_email"),
    )
    with op.batch_alter_table("supervisor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervisor_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supervisor_employer_id"), ["employer_id"], unique=False
        )

    op.create_table(
        "plan_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "changes_requested",
                "rejected",
                "approved",
                "withdrawn",
                "note",
                name="comment_kind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_plan_comment_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_plan_comment_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_comment")),
    )
    with op.batch_alter_table("plan_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_comment_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_comment_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("deliverables", sa.Text(), nullable=False),
        sa.Column("estimated_hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="project_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "estimated_hours > 0 AND estimated_hours <= 2000", name=op.f("ck_project_hours_range")
        ),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_project_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_project_employer_id_employer")
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["supervisor.id"], name=op.f("fk_project_supervisor_id_supervisor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("external_id", name=op.f("uq_project_external_id")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_starts_on"), ["starts_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_project_supervisor_id"), ["supervisor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_project_title"), ["title"], unique=False)

    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_placement_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_placement_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
        sa.UniqueConstraint("plan_id", "project_id", name="uq_placement_plan_project"),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_project_id"), ["project_id"], unique=False)


def downgrade():
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_project_id"))
        batch_op.drop_index(batch_op.f("ix_placement_plan_id"))

    op.drop_table("placement")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_title"))
        batch_op.drop_index(batch_op.f("ix_project_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_project_status"))
        batch_op.drop_index(batch_op.f("ix_project_starts_on"))
        batch_op.drop_index(batch_op.f("ix_project_employer_id"))

    op.drop_table("project")
    with op.batch_alter_table("plan_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_comment_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_comment_author_id"))

    op.drop_table("plan_comment")
    with op.batch_alter_table("supervisor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_employer_id"))
        batch_op.drop_index(batch_op.f("ix_supervisor_email"))

    op.drop_table("supervisor")
    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_plan_queue")
        batch_op.drop_index(batch_op.f("ix_credit_plan_term_id"))
        batch_op.drop_index(batch_op.f("ix_credit_plan_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_credit_plan_student_id"))
        batch_op.drop_index(batch_op.f("ix_credit_plan_state"))
        batch_op.drop_index(batch_op.f("ix_credit_plan_sponsor_id"))

    op.drop_table("credit_plan")
    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_starts_on"))

    op.drop_table("term")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_due")
        batch_op.drop_index(batch_op.f("ix_outbox_message_created_at"))

    op.drop_table("outbox_message")
    op.drop_table("employer")
