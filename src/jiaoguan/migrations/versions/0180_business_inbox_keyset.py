"""business: the inbox's indexes in its keyset order, the catalogue's revision stamp

Revision ID: 0180
Revises: 0100

Issue 11.12. The inbox pages by keyset on (priority, due day, id), the due day of a case without one (not yet
accepted, or its clock stopped) read as 9999-12-31 so that it sorts last and the key is never NULL: the three
partial indexes of open cases are rebuilt on that expression. `business_type.revision` is bumped on every change of
an entry, so a process that keeps the parsed catalogue sees any change by a cheap stamp, even two in one clock tick.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0180"
down_revision: str | Sequence[str] | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Written out: a migration does not follow later code (business.states.ACTIVE; business.models.DUE_KEY).
_OPEN = ("status IN ('submitted', 'accepted', 'in_review', 'correction_requested', 'resubmitted', 'approved', "
         "'issued')")
_DUE = "coalesce(sla_due, '9999-12-31')"
_INDEXES = {
    "ix_business_application_queue": (["province_code", "queue_role", "priority", "{due}", "id", "status"],
                                      f"assignee_user_id IS NULL AND {_OPEN}"),
    "ix_business_application_assigned": (["assignee_user_id", "priority", "{due}", "id", "status"], _OPEN),
    "ix_business_application_open": (["province_code", "priority", "{due}", "id", "status"], _OPEN),
}


def _create(due: str) -> None:
    for name, (columns, where) in _INDEXES.items():
        op.create_index(name, "business_application",
                        [sa.text(due) if c == "{due}" else c for c in columns],
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def _drop() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="business_application")


def upgrade() -> None:
    with op.batch_alter_table("business_type") as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    _drop()
    _create(_DUE)


def downgrade() -> None:
    _drop()
    _create("sla_due")
    with op.batch_alter_table("business_type") as batch_op:
        batch_op.drop_column("revision")
