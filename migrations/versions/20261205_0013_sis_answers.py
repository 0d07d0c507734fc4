"""The SIS's answer to a grade export: profiles, confirmed amendments, rejected rows.

A grade export remembers its SIS profile and its rows (``generic`` and the
file's bytes for those made before); an amendment is done only once the
registrar confirms the SIS took it (``confirmed_at``); a row the SIS refused
is a ``sis_rejection`` with the reason. Amendments exported before this
migration counted as done the moment their file was made, so they are
marked confirmed at their export's time: nothing changes for them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("grade_export", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("profile", sa.String(length=16), server_default="generic", nullable=False)
        )
        batch_op.add_column(sa.Column("rows", sa.JSON(), nullable=True))
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE amendment SET confirmed_at = (SELECT created_at FROM grade_export "
        "WHERE grade_export.id = amendment.exported_in_id) WHERE exported_in_id IS NOT NULL"
    )
    op.create_table(
        "sis_rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("export_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rejected_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "rejected_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["grade_export.id"],
            name=op.f("fk_sis_rejection_export_id_grade_export"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["credit_plan.id"],
            name=op.f("fk_sis_rejection_plan_id_credit_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rejected_by_id"], ["user.id"], name=op.f("fk_sis_rejection_rejected_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sis_rejection")),
        sa.UniqueConstraint("export_id", "plan_id", name="uq_sis_rejection_export_plan"),
    )
    with op.batch_alter_table("sis_rejection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sis_rejection_export_id"), ["export_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sis_rejection_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sis_rejection_rejected_by_id"), ["rejected_by_id"], unique=False
        )


def downgrade():
    # A rejected amendment is unexported (back on the roster) and stays so: without the
    # rejection it is simply an amendment the next export carries.
    op.drop_table("sis_rejection")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("grade_export", schema=None) as batch_op:
        batch_op.drop_column("rows")
        batch_op.drop_column("profile")
