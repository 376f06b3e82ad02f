"""registry: the day an obligation fell overdue (the figures recount 容缺 obligations overdue from it)

Revision ID: 0160
Revises: 0100
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0160"
down_revision: str | Sequence[str] | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.add_column(sa.Column("overdue_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("obligation") as batch:
        batch.drop_column("overdue_on")
