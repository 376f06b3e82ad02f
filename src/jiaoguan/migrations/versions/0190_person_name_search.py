"""registry: the staff's search finds people by name (prefix, within a province) — an index for it

Revision ID: 0190
Revises: 0180

Issue 9.8: the clerk's, seat's and hotline agent's search takes a name or a mobile number. A prefix LIKE uses
a btree on PostgreSQL only with text_pattern_ops; the mobile number already has `ix_person_phone`.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0190"
down_revision: str | Sequence[str] | None = "0180"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_person_province_name", "person", ["province_code", "name"],
                    postgresql_ops={"name": "text_pattern_ops"})


def downgrade() -> None:
    op.drop_index("ix_person_province_name", table_name="person")
