"""registry: the name search of a user with no province (a national supervisor, an admin) has an index too

Revision ID: 0230
Revises: 0220

0220's (province_code, name COLLATE "C", id) serves a search within a province. A user with no province searches
every province: without an index that starts at the name, PostgreSQL read every person whose name has the prefix
(a common surname is ~7 % of 1,000,000 people) and sorted them to keep 21. (name COLLATE "C", id) gives that range
already in the query's order, as 0220 explains.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0230"
down_revision: str | Sequence[str] | None = "0220"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_person_name", "person", ["name", "id"], postgresql_ops={"name": 'COLLATE "C"'})


def downgrade() -> None:
    op.drop_index("ix_person_name", table_name="person")
