"""Advisor assignment and notices.

``credit_plan.assigned_advisor_id``: the advisor who looks after a plan, and
``advisor_assignment``: each time a plan was given to an advisor (by rule, by
turn, or reassigned), which the round-robin reads to find the advisor least
recently assigned; ``advisor_rule``: the office's rules giving a department's
(or course subject's) plans to one advisor. ``notice``: each event told to a person (their notices
page) or to a supervisor's address; ``notice_preference``: immediate e-mails
or a daily digest; ``notice_digest``: one row per address and day, so a
digest goes out at most once a day.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_advisor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_credit_plan_assigned_advisor_id_user"), "user", ["assigned_advisor_id"], ["id"]
        )
        batch_op.create_index(
            op.f("ix_credit_plan_assigned_advisor_id"), ["assigned_advisor_id"], unique=False
        )

    _create_assignments()
    _create_rules()
    _create_notices()


KINDS = (
    "plan_submitted",
    "plan_submitted_sponsor",
    "plan_assigned",
    "hours_disputed",
    "deliverable_reviewed",
    "evaluation_received",
    "entries_corrected",
    "plan_decided",
    "plan_approved_sponsor",
    "plan_withdrawn",
    "plan_ready_for_signoff",
    "plan_sent_back",
    "plan_posted",
)


def _create_assignments():
    op.create_table(
        "advisor_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column(
            "assigned_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_advisor_assignment_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["advisor_id"], ["user.id"], name=op.f("fk_advisor_assignment_advisor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"], ["user.id"], name=op.f("fk_advisor_assignment_assigned_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_assignment")),
    )
    with op.batch_alter_table("advisor_assignment", schema=None) as batch_op:
        batch_op.create_index("ix_advisor_assignment_advisor", ["advisor_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_advisor_assignment_plan_id"), ["plan_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_advisor_assignment_assigned_by_id"), ["assigned_by_id"], unique=False
        )


def _create_notices():
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="notice_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=1000), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR email IS NOT NULL", name=op.f("ck_notice_has_recipient")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notice_user_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_notice_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index("ix_notice_user", ["user_id", "id"], unique=False)
        batch_op.create_index("ix_notice_unread", ["user_id", "read_at"], unique=False)
        batch_op.create_index("ix_notice_waiting", ["emailed_at", "email"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "notice_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "delivery",
            sa.Enum("immediate", "digest", name="notice_delivery", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notice_preference_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notice_preference")),
    )
    op.create_table(
        "notice_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.Column(
            "sent_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_digest")),
        sa.UniqueConstraint("email", "day", name="uq_notice_digest_email_day"),
    )


def _create_rules():
    op.create_table(
        "advisor_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match", sa.String(length=120), nullable=False),
        sa.Column("match_key", sa.String(length=120), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["advisor_id"],
            ["user.id"],
            name=op.f("fk_advisor_rule_advisor_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_advisor_rule_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_rule")),
        sa.UniqueConstraint("match_key", name=op.f("uq_advisor_rule_match_key")),
    )
    with op.batch_alter_table("advisor_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advisor_rule_advisor_id"), ["advisor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_advisor_rule_created_by_id"), ["created_by_id"], unique=False
        )


def downgrade():
    op.drop_table("advisor_rule")
    op.drop_table("notice_digest")
    op.drop_table("notice_preference")
    op.drop_table("notice")
    op.drop_table("advisor_assignment")
    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_credit_plan_assigned_advisor_id"))
        batch_op.drop_constraint(
            op.f("fk_credit_plan_assigned_advisor_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("assigned_advisor_id")
