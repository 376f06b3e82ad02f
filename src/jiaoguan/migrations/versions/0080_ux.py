"""ux: the owner's authorisation attached to a pass application for a vehicle outside the fleet; the drivers'
e-pass links

Revision ID: 0080
Revises: 0060
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jiaoguan.kit.db

revision: str = "0080"
down_revision: str | Sequence[str] | None = "0070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pass_application") as batch:
        batch.add_column(sa.Column("authorisation_doc", sa.String(80), nullable=True))
        batch.add_column(sa.Column("authorisation_name", sa.String(200), nullable=True))
    op.create_table(
        "pass_driver_link",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("pass_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.ForeignKey("transport_pass.id"), nullable=False),
        sa.Column("crew_position", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("expires_at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", jiaoguan.kit.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_pass_driver_link_pass_id", "pass_driver_link", ["pass_id"])


def downgrade() -> None:
    op.drop_index("ix_pass_driver_link_pass_id", "pass_driver_link")
    op.drop_table("pass_driver_link")
    with op.batch_alter_table("pass_application") as batch:
        batch.drop_column("authorisation_name")
        batch.drop_column("authorisation_doc")
