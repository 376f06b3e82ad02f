"""security: rate counters, guesses per sign-in code, outbox priority (issue 10.1-10.3)

Revision ID: 0070
Revises: 0060

`rate_counter` counts uses of a key in a window (sign-in codes sent per phone, per address and overall; SMS to
one phone per hour, across workers), taken atomically. A sign-in code counts its guesses. An outbox message has a
priority (0 = a sign-in code someone waits for, 5 = the rest) that delivery follows.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = "0070"
down_revision: str | Sequence[str] | None = "0060"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table("rate_counter",
    sa.Column("key", sa.String(length=120), nullable=False),
    sa.Column("window_start", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column("count", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_counter"))
    )
    with op.batch_alter_table("one_time_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.SmallInteger(), server_default="5", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("priority")
    with op.batch_alter_table("one_time_code", schema=None) as batch_op:
        batch_op.drop_column("attempts")
    op.drop_table("rate_counter")
