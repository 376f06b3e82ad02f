"""rooms and events: event receipts (idempotent handlers), the figures' daily counters, pass statuses on the
state-machine pattern (version column, CHECK constraint), in-app messages kept with their template

Revision ID: 0030
Revises: 0020
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0030'
down_revision: str | Sequence[str] | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('event_receipt',
    sa.Column('handler', sa.String(length=80), nullable=False),
    sa.Column('event_id', sa.String(length=32), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('handler', 'event_id', name=op.f('pk_event_receipt'))
    )
    op.create_table('daily_figure',
    sa.Column('figure', sa.String(length=60), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('figure', 'province_code', 'day', name=op.f('pk_daily_figure'))
    )
    with op.batch_alter_table('pass_application') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch.create_check_constraint('status_known', "status IN ('pending', 'approved', 'refused', 'withdrawn')")
    with op.batch_alter_table('transport_pass') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch.create_check_constraint('status_known', "status IN ('active', 'revoked', 'key_revoked')")
    with op.batch_alter_table('inapp_message') as batch:
        batch.add_column(sa.Column('template', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('params_json', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inapp_message') as batch:
        batch.drop_column('params_json')
        batch.drop_column('template')
    with op.batch_alter_table('transport_pass') as batch:
        batch.drop_constraint('status_known', type_='check')
        batch.drop_column('version')
    with op.batch_alter_table('pass_application') as batch:
        batch.drop_constraint('status_known', type_='check')
        batch.drop_column('version')
    op.drop_table('daily_figure')
    op.drop_table('event_receipt')
