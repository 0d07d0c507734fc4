"""Indexes for the list pages at the scale of a large university.

Each list filters on some columns and sorts on others; an index holding both
lets the database read one page of rows in order instead of sorting every
match. The single-column indexes these replace are their leading columns,
so foreign keys stay indexed. The id ends the indexes of lists sorted by time
then id, so PostgreSQL reads them in order and stops after a page.

- credit_plan: a student's plans and a sponsor's (newest change first, or
  waiting for sign-off), a term's queue and roster, every plan by last change.
- audit_event: the log filtered by person, by action, or both, newest first.
- supervisor: the supervisors list sorted by name.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: (table, new index, its columns, the index it replaces or None, that one's columns)
INDEXES = [
    ("credit_plan", "ix_credit_plan_student", ["student_id", "updated_at", "id"],
     "ix_credit_plan_student_id", ["student_id"]),
    ("credit_plan", "ix_credit_plan_sponsor", ["sponsor_id", "state", "updated_at", "id"],
     "ix_credit_plan_sponsor_id", ["sponsor_id"]),
    ("credit_plan", "ix_credit_plan_term", ["term_id", "state", "submitted_at", "id"],
     "ix_credit_plan_term_id", ["term_id"]),
    ("credit_plan", "ix_credit_plan_updated", ["updated_at", "id"], None, None),
    ("audit_event", "ix_audit_event_actor", ["actor_id", "created_at", "id"],
     "ix_audit_event_actor_id", ["actor_id"]),
    ("audit_event", "ix_audit_event_actor_action", ["actor_id", "action", "created_at", "id"],
     None, None),
    ("audit_event", "ix_audit_event_action_time", ["action", "created_at", "id"],
     "ix_audit_event_action", ["action"]),
    ("supervisor", "ix_supervisor_name", ["name"], None, None),
]  # fmt: skip


def upgrade():
    for table, name, columns, replaced, _ in INDEXES:
        if replaced:
            op.drop_index(replaced, table_name=table)
        op.create_index(name, table, columns)


def downgrade():
    for table, name, _, replaced, replaced_columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
        if replaced:
            op.create_index(replaced, table, replaced_columns)
