"""deadlines: a measure's reach counted before it is published (the admin's preview and confirmation)

Revision ID: 0191
Revises: 0190

Issue 9.8: publishing a temporary measure first shows how many records of each kind change today, per
province; the count runs in the worker with its progress on this row.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = "0191"
down_revision: str | Sequence[str] | None = "0190"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deadline_measure_preview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("refs", sa.String(length=400), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_until", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_measure_preview")),
    )
    op.create_index(op.f("ix_deadline_measure_preview_status"), "deadline_measure_preview", ["status"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_deadline_measure_preview_status"), table_name="deadline_measure_preview")
    op.drop_table("deadline_measure_preview")
