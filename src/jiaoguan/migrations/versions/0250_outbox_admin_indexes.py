"""kit: the admin's outbox page reads indexes, not the whole outbox

Revision ID: 0250
Revises: 0240

The page counted every message by channel and status and looked for failed deliveries by walking the table from
its newest message: both read the whole outbox (52,459 messages, a backlog of scan events with no worker running:
33 and 28 ms on PostgreSQL), and it only grows. (channel, status) serves counts that stop at 10,000; a partial
index holds the failed deliveries only.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0250"
down_revision: str | Sequence[str] | None = "0240"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROBLEM = "status = 'dead' OR (status = 'pending' AND attempts > 0)"


def upgrade() -> None:
    op.create_index("ix_outbox_channel_status", "outbox_message", ["channel", "status"])
    op.create_index("ix_outbox_problems", "outbox_message", ["id"], postgresql_where=sa.text(PROBLEM),
                    sqlite_where=sa.text(PROBLEM))


def downgrade() -> None:
    op.drop_index("ix_outbox_problems", table_name="outbox_message")
    op.drop_index("ix_outbox_channel_status", table_name="outbox_message")
