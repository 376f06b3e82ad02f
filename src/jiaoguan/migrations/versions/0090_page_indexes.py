"""perf: indexes in the order the pages read (an enterprise's fleet, a reader's inbox)

Revision ID: 0090
Revises: 0140

Issue 13.5: the plans of the pages stay fast without statistics too. The fleet page lists an enterprise's
vehicles by inspection date (then id), 50 at a time; the inbox lists a user's messages newest first.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0090"
down_revision: str | Sequence[str] | None = "0140"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_vehicle_fleet", "vehicle", ["owner_enterprise_id", "inspection_valid_until", "id"])
    op.create_index("ix_inapp_message_inbox", "inapp_message", ["user_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_inapp_message_inbox", table_name="inapp_message")
    op.drop_index("ix_vehicle_fleet", table_name="vehicle")
