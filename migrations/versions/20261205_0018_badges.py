"""Digital credentials: the Open Badges 3.0 credentials issued to students.

``badge_credential`` keeps each signed credential (its VC-JWT and payload),
its bit in the revocation status list, whether the student shares it and
shows the supervisor's scores in it, and its revocation.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "badge_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column(
            "issued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("shareable", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("with_scores", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["student_id"], ["user.id"], name=op.f("fk_badge_credential_student_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["credit_plan.id"], name=op.f("fk_badge_credential_plan_id_credit_plan")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_badge_credential_placement_id_placement"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user.id"], name=op.f("fk_badge_credential_revoked_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["badge_credential.id"],
            name=op.f("fk_badge_credential_superseded_by_id_badge_credential"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_credential")),
        sa.UniqueConstraint("uuid", name=op.f("uq_badge_credential_uuid")),
        sa.UniqueConstraint("status_index", name=op.f("uq_badge_credential_status_index")),
    )
    with op.batch_alter_table("badge_credential", schema=None) as batch_op:
        for column in ("student_id", "plan_id", "placement_id"):
            batch_op.create_index(
                batch_op.f(f"ix_badge_credential_{column}"), [column], unique=False
            )


def downgrade():
    op.drop_table("badge_credential")
