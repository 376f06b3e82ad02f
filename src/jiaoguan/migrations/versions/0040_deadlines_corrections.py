"""deadlines corrections: the measures' stored counts per day, measure, kind and province, and count requests

Revision ID: 0040
Revises: 0030
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = '0040'
down_revision: str | Sequence[str] | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deadline_count_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lease_until', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_count_request'))
    )
    op.create_index(op.f('ix_deadline_count_request_on_date'), 'deadline_count_request', ['on_date'], unique=False)
    op.create_index(op.f('ix_deadline_count_request_status'), 'deadline_count_request', ['status'], unique=False)
    op.create_table('deadline_measure_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('measure_ref', sa.String(length=90), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_measure_count')),
    sa.UniqueConstraint('on_date', 'measure_ref', 'kind', 'province_code', name='uq_deadline_measure_count_key')
    )


def downgrade() -> None:
    op.drop_table('deadline_measure_count')
    op.drop_index(op.f('ix_deadline_count_request_status'), table_name='deadline_count_request')
    op.drop_index(op.f('ix_deadline_count_request_on_date'), table_name='deadline_count_request')
    op.drop_table('deadline_count_request')
