"""deadlines: the penalties a measure waives, counted per record (the figures' "penalties waived")

Revision ID: 0211
Revises: 0210

The figures counted every record covered by a measure with a waiving provision as a penalty waived, also the
records a provision that moves deadlines and waives penalties moves before their regulation deadline has passed
(no fine was due). The count now marks, per counting term, whether the measure waives a penalty the regulations
alone would impose (`deadline_sweep_term.waived`), and stores how many records that is per measure, kind and
province (`deadline_measure_count.waived`; NULL for the days counted before: recount a day to know).

The maintained `deadlines.waived` figures were counted the old way: they are removed, and the stats room's
level job writes them again from the counts that have `waived`.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0211"
down_revision: str | Sequence[str] | None = "0210"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deadline_sweep_term") as batch:
        batch.add_column(sa.Column("waived", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("deadline_measure_count") as batch:
        batch.add_column(sa.Column("waived", sa.Integer(), nullable=True))
    op.execute(sa.text("DELETE FROM figure_count WHERE metric = 'deadlines.waived'"))


def downgrade() -> None:
    with op.batch_alter_table("deadline_measure_count") as batch:
        batch.drop_column("waived")
    with op.batch_alter_table("deadline_sweep_term") as batch:
        batch.drop_column("waived")
