"""Hour entries, supervisor links, the rubric, evaluations and disclosures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


#: The default rubric; admins change it later in the app.
DEFAULT_RUBRIC = [
    (
        "quality",
        "Quality of work",
        [
            "Work often had to be redone.",
            "Work needed frequent correction.",
            "Work met the brief with ordinary review.",
            "Work was accurate and careful.",
            "Work was excellent and ready to use as delivered.",
        ],
    ),
    (
        "communication",
        "Communication",
        [
            "Hard to reach; updates missing.",
            "Updates came late or unclear.",
            "Kept us informed as asked.",
            "Clear, timely and well written.",
            "Anticipated what we needed to know.",
        ],
    ),
    (
        "professionalism",
        "Professionalism",
        [
            "Missed commitments without notice.",
            "Sometimes missed deadlines.",
            "Reliable and respectful.",
            "Dependable; handled feedback well.",
            "A model of reliability and judgement.",
        ],
    ),
    (
        "initiative",
        "Initiative",
        [
            "Waited to be told every step.",
            "Needed prompting to move on.",
            "Took the next step when it was clear.",
            "Proposed improvements unprompted.",
            "Drove the work forward independently.",
        ],
    ),
    (
        "growth",
        "Growth",
        [
            "Showed little change.",
            "Some progress with support.",
            "Learned what the work required.",
            "Grew noticeably over the project.",
            "Grew far beyond where they started.",
        ],
    ),
]


def upgrade():
    op.create_table(
        "rubric_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("descriptors", sa.JSON(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_criterion")),
        sa.UniqueConstraint("key", name=op.f("uq_rubric_criterion_key")),
    )
    op.create_table(
        "supervisor_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=64), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum("hours", "midterm", "final", name="link_purpose", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("recipient_email", sa.String(length=320), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expiry_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_supervisor_link_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_supervisor_link_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor_link")),
        sa.UniqueConstraint("token_id", name=op.f("uq_supervisor_link_token_id")),
    )
    with op.batch_alter_table("supervisor_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervisor_link_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervisor_link_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervisor_link_placement_id"), ["placement_id"], unique=False
        )

    op.create_table(
        "disclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("disclosed", sa.Text(), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"], ["supervisor_link.id"], name=op.f("fk_disclosure_link_id_supervisor_link")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_disclosure_placement_id_placement"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_disclosure_student_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure")),
    )
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disclosure_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_disclosure_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_disclosure_placement_id"), ["placement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disclosure_student_id"), ["student_id"], unique=False)

    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "hours", "midterm", "final", name="evaluation_kind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column(
            "submitted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["supervisor_link.id"], name=op.f("fk_evaluation_link_id_supervisor_link")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_evaluation_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
        sa.UniqueConstraint("placement_id", "kind", name="uq_evaluation_placement_kind"),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evaluation_placement_id"), ["placement_id"], unique=False
        )

    op.create_table(
        "hour_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "verified",
                "disputed",
                name="hour_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("dispute_comment", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_via_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("(hours * 100) % 25 = 0", name=op.f("ck_hour_entry_quarter_hours")),
        sa.CheckConstraint("hours >= 0.25 AND hours <= 24", name=op.f("ck_hour_entry_hours_range")),
        sa.ForeignKeyConstraint(
            ["decided_via_id"],
            ["supervisor_link.id"],
            name=op.f("fk_hour_entry_decided_via_id_supervisor_link"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_hour_entry_placement_id_placement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hour_entry")),
    )
    with op.batch_alter_table("hour_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hour_entry_decided_via_id"), ["decided_via_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hour_entry_placement_id"), ["placement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hour_entry_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_hour_entry_work_date"), ["work_date"], unique=False)

    rubric = sa.table(
        "rubric_criterion",
        sa.column("key", sa.String),
        sa.column("label", sa.String),
        sa.column("descriptors", sa.JSON),
        sa.column("position", sa.SmallInteger),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        rubric,
        [
            {"key": key, "label": label, "descriptors": descriptors, "position": n, "active": True}
            for n, (key, label, descriptors) in enumerate(DEFAULT_RUBRIC)
        ],
    )

    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reflection", sa.Text(), nullable=True))

    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_column("consent_at")

    with op.batch_alter_table("credit_plan", schema=None) as batch_op:
        batch_op.drop_column("reflection")

    with op.batch_alter_table("hour_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hour_entry_work_date"))
        batch_op.drop_index(batch_op.f("ix_hour_entry_status"))
        batch_op.drop_index(batch_op.f("ix_hour_entry_placement_id"))
        batch_op.drop_index(batch_op.f("ix_hour_entry_decided_via_id"))

    op.drop_table("hour_entry")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_placement_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_link_id"))

    op.drop_table("evaluation")
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosure_student_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_placement_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_link_id"))
        batch_op.drop_index(batch_op.f("ix_disclosure_created_at"))

    op.drop_table("disclosure")
    with op.batch_alter_table("supervisor_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_link_placement_id"))
        batch_op.drop_index(batch_op.f("ix_supervisor_link_expires_at"))
        batch_op.drop_index(batch_op.f("ix_supervisor_link_created_by_id"))

    op.drop_table("supervisor_link")
    op.drop_table("rubric_criterion")
