"""halls: which exemptions from the no-show ban an office grants (age, disability, hotline bookings)

Revision ID: 0200
Revises: 0160
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0200"
down_revision: str | Sequence[str] | None = "0160"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hall_office") as batch:
        batch.add_column(sa.Column("exempt_elderly_age", sa.Integer(), server_default="70", nullable=False))
        batch.add_column(sa.Column("exempt_disabled", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column("exempt_hotline", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("hall_office") as batch:
        batch.drop_column("exempt_hotline")
        batch.drop_column("exempt_disabled")
        batch.drop_column("exempt_elderly_age")
