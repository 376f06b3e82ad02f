"""figures: maintained aggregates per day, province, office, measure, metric and dimension; people served

Revision ID: 0140
Revises: 0080

`daily_figure` (one counter per figure, province and day) is replaced by `figure_count`; its rows
(passes revoked) move over as measure 1's `passes.revoked`.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0140"
down_revision: str | Sequence[str] | None = "0130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('figure_count',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('office', sa.String(length=20), nullable=False),
    sa.Column('measure', sa.String(length=2), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('dimension', sa.String(length=60), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'province_code', 'office', 'measure', 'metric', 'dimension',
                            name=op.f('pk_figure_count')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_figure_count_metric_day', 'figure_count', ['metric', 'day'], unique=False)
    op.create_table('figure_person',
    sa.Column('measure', sa.String(length=2), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('office', sa.String(length=20), nullable=False),
    sa.Column('person', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('measure', 'day', 'province_code', 'office', 'person', name=op.f('pk_figure_person')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_figure_person_day', 'figure_person', ['measure', 'day', 'province_code'], unique=False)
    op.execute("INSERT INTO figure_count (day, province_code, office, measure, metric, dimension, value) "
               "SELECT day, province_code, '', '1', figure, '', value FROM daily_figure "
               "WHERE figure = 'passes.revoked'")
    op.drop_table('daily_figure')


def downgrade() -> None:
    op.create_table('daily_figure',
    sa.Column('figure', sa.String(length=60), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('figure', 'province_code', 'day', name=op.f('pk_daily_figure'))
    )
    op.drop_index('ix_figure_person_day', table_name='figure_person')
    op.drop_table('figure_person')
    op.drop_index('ix_figure_count_metric_day', table_name='figure_count')
    op.drop_table('figure_count')
