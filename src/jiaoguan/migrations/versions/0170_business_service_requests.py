"""business: the batch (集中办理) and door-to-door (上门办理) requests move from the pass room to the business room

Revision ID: 0170
Revises: 0200

The table `pass_service_request` becomes `business_service_request` with its rows (issue 7.6, 11.9): its
indexes and constraints follow the new name, it gains a `version` (optimistic locking on the state-machine
pattern) and a CHECK on its status; queued messages of the old template name take the new one.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0170"
down_revision: str | Sequence[str] | None = "0200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "pass_service_request", "business_service_request"
INDEXED = ("enterprise_id", "province_code")
# Written out: a migration does not follow later code (business.states.ServiceRequestStatus).
STATUSES = "status IN ('requested', 'scheduled', 'done', 'cancelled')"
CONSTRAINTS = ("pk_{}", "fk_{}_enterprise_id_enterprise", "fk_{}_requested_by_user_id_app_user",
               "fk_{}_scheduled_by_user_id_app_user")


def _move(source: str, target: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for column in INDEXED:
        op.drop_index(f"ix_{source}_{column}", table_name=source)
    op.rename_table(source, target)
    if postgres:  # SQLite keeps no names worth renaming: its batch copy below rewrites the table
        for name in CONSTRAINTS:
            op.execute(f'ALTER TABLE {target} RENAME CONSTRAINT "{name.format(source)}" TO "{name.format(target)}"')
        op.execute(f"ALTER SEQUENCE IF EXISTS {source}_id_seq RENAME TO {target}_id_seq")
    for column in INDEXED:
        op.create_index(f"ix_{target}_{column}", target, [column])


def upgrade() -> None:
    _move(OLD, NEW)
    with op.batch_alter_table(NEW) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint("ck_business_service_request_status_known", STATUSES)
    op.execute("UPDATE outbox_message SET template = 'business_service_scheduled' "
               "WHERE template = 'pass_service_scheduled'")


def downgrade() -> None:
    op.execute("UPDATE outbox_message SET template = 'pass_service_scheduled' "
               "WHERE template = 'business_service_scheduled'")
    with op.batch_alter_table(NEW) as batch_op:
        batch_op.drop_constraint("ck_business_service_request_status_known", type_="check")
        batch_op.drop_column("version")
    _move(NEW, OLD)
