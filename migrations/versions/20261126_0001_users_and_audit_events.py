"""Users, their roles, and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROLE = sa.Enum(
    "student",
    "advisor",
    "faculty",
    "registrar",
    "admin",
    name="role",
    native_enum=False,
    length=16,
)

# The database itself refuses to change or remove an audit event.
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_event_append_only_{verb.lower()}
    BEFORE {verb} ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_FUNCTION = """CREATE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$"""
POSTGRES_TRIGGER = """CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"""


def upgrade():
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("directory_id", sa.String(length=64), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("roles_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("directory_id", name=op.f("uq_user_directory_id")),
    )
    op.create_index(op.f("ix_user_uid"), "user", ["uid"])

    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", ROLE, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_role_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    op.create_index(op.f("ix_user_role_role"), "user_role", ["role"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("client_addr", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_audit_event_actor_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_action"), "audit_event", ["action"])
    op.create_index(op.f("ix_audit_event_actor_id"), "audit_event", ["actor_id"])
    op.create_index(op.f("ix_audit_event_created_at"), "audit_event", ["created_at"])
    op.create_index("ix_audit_event_object", "audit_event", ["object_type", "object_id"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    elif op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    # SQLite drops a table's triggers with the table.
    op.drop_index("ix_audit_event_object", table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_created_at"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_actor_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_action"), table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_index(op.f("ix_user_role_role"), table_name="user_role")
    op.drop_table("user_role")
    op.drop_index(op.f("ix_user_uid"), table_name="user")
    op.drop_table("user")
