"""ux: the owner's authorisation attached to a pass application for a vehicle outside the fleet

Revision ID: 0080
Revises: 0060
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0080"
down_revision: str | Sequence[str] | None = "0070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pass_application") as batch:
        batch.add_column(sa.Column("authorisation_doc", sa.String(80), nullable=True))
        batch.add_column(sa.Column("authorisation_name", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pass_application") as batch:
        batch.drop_column("authorisation_name")
        batch.drop_column("authorisation_doc")
