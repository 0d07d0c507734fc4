"""Sign-offs, grade exports, postings, amendments; grading per term; student numbers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "grade_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_grade_export_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["term.id"], name=op.f("fk_grade_export_term_id_term")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_export")),
    )
    with op.batch_alter_table("grade_export", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grade_export_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_grade_export_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_grade_export_term_id"), ["term_id"], unique=False)

    op.create_table(
        "amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("grade_before", sa.String(length=4), nullable=False),
        sa.Column("grade_after", sa.String(length=4), nullable=False),
        sa.Column("credits_before", sa.SmallInteger(), nullable=False),
        sa.Column("credits_after", sa.SmallInteger(), nullable=False),
        sa.Column("exported_in_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "credits_after BETWEEN 0 AND 12", name=op.f("ck_amendment_credits_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_amendment_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["exported_in_id"],
            ["grade_export.id"],
            name=op.f("fk_amendment_exported_in_id_grade_export"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_amendment_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment")),
    )
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_amendment_exported_in_id"), ["exported_in_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_amendment_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("export_id", sa.Integer(), nullable=True),
        sa.Column("posted_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "posted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["export_id"], ["grade_export.id"], name=op.f("fk_posting_export_id_grade_export")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_posting_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["posted_by_id"], ["user.id"], name=op.f("fk_posting_posted_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_posting_plan_id")),
    )
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_export_id"), ["export_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_posted_by_id"), ["posted_by_id"], unique=False)

    op.create_table(
        "sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("credits_awarded", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "signed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "credits_awarded BETWEEN 0 AND 12", name=op.f("ck_sign_off_credits_range")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_sign_off_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["user.id"], name=op.f("fk_sign_off_signed_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_off")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_sign_off_plan_id")),
    )
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_off_signed_by_id"), ["signed_by_id"], unique=False
        )

    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "grading_scheme",
                sa.Enum(
                    "satisfactory", "letter", name="grading_scheme", native_enum=False, length=16
                ),
                server_default="satisfactory",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "course_code", sa.String(length=32), server_default="CAREER 2990", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("section", sa.String(length=8), server_default="001", nullable=False)
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("student_number", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_user_student_number"), ["student_number"], unique=False
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_student_number"))
        batch_op.drop_column("student_number")

    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.drop_column("section")
        batch_op.drop_column("course_code")
        batch_op.drop_column("grading_scheme")

    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_off_signed_by_id"))

    op.drop_table("sign_off")
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_posted_by_id"))
        batch_op.drop_index(batch_op.f("ix_posting_export_id"))

    op.drop_table("posting")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_plan_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_exported_in_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_created_by_id"))

    op.drop_table("amendment")
    with op.batch_alter_table("grade_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grade_export_term_id"))
        batch_op.drop_index(batch_op.f("ix_grade_export_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_grade_export_created_at"))

    op.drop_table("grade_export")
