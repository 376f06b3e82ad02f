"""temporary measures

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "measure_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("announced", sa.Date(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_version")),
        sa.UniqueConstraint("measure_id", "version", name=op.f("uq_measure_version_measure_id_version")),
    )
    with op.batch_alter_table("measure_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_version_measure_id"), ["measure_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("measure_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_version_measure_id"))
    op.drop_table("measure_version")
