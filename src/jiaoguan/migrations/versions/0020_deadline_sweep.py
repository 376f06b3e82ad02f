"""deadline sweep: runs (progress, lease) and the scratch tables of the set-based sweep

Revision ID: 0020
Revises: 0010
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = '0020'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deadline_sweep_region',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('grp', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('run_id', 'province_code', name=op.f('pk_deadline_sweep_region'))
    )
    op.create_table('deadline_sweep_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('batch', sa.Integer(), nullable=False),
    sa.Column('offsets', sa.String(length=40), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('next_id', sa.BigInteger(), nullable=False),
    sa.Column('counts_json', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('started_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_sweep_run'))
    )
    with op.batch_alter_table('deadline_sweep_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_sweep_run_on_date'), ['on_date'], unique=False)

    op.create_table('deadline_sweep_term',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('grp', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('k_text', sa.String(length=80), nullable=False),
    sa.Column('k_date', sa.Date(), nullable=False),
    sa.Column('effective_due', sa.Date(), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('consequence', sa.Boolean(), nullable=False),
    sa.Column('missed', sa.Integer(), nullable=False),
    sa.Column('remind_offset', sa.Integer(), nullable=True),
    sa.Column('days_left', sa.Integer(), nullable=True),
    sa.Column('measures', sa.String(length=400), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_sweep_term'))
    )
    with op.batch_alter_table('deadline_sweep_term', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_sweep_term_key', ['run_id', 'subject', 'due'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deadline_sweep_term', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_sweep_term_key')

    op.drop_table('deadline_sweep_term')
    with op.batch_alter_table('deadline_sweep_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_sweep_run_on_date'))

    op.drop_table('deadline_sweep_run')
    op.drop_table('deadline_sweep_region')
