"""registry: the name search's index serves its ORDER BY … LIMIT as well as its prefix

Revision ID: 0220
Revises: 0211

0190 indexed (province_code, name text_pattern_ops). That serves `name LIKE 'prefix%'`, but the query orders by
`name, id` in the database's collation (zh_CN.UTF-8, en_US.UTF-8, C.UTF-8…), an order the pattern operator class
does not give: PostgreSQL read every person of the province whose name has the prefix and sorted them all to keep
21 (a common surname is tens of thousands of rows per province at 1 M people).

Now the query compares names byte by byte, `name COLLATE "C"` (kit.db.bytewise), in the filter and in the order,
and the index is on (province_code, name COLLATE "C", id). In the "C" collation a btree with the default operator
class serves LIKE 'prefix%' as a range, and its order is the query's ORDER BY, id included: the plan is an Index
Scan under the Limit, no Sort, 21 rows read. For a Chinese name, byte order of UTF-8 is code point order — what
SQLite (BINARY) and C.UTF-8 give too — and the exact name still sorts first among its prefix matches. On SQLite,
where the default collation is already byte order, the index is on (province_code, name, id).
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0220"
down_revision: str | Sequence[str] | None = "0211"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_person_province_name", table_name="person")
    # `name COLLATE "C"`: the collation stands where an operator class would (PostgreSQL's index element grammar).
    op.create_index("ix_person_province_name", "person", ["province_code", "name", "id"],
                    postgresql_ops={"name": 'COLLATE "C"'})


def downgrade() -> None:
    op.drop_index("ix_person_province_name", table_name="person")
    op.create_index("ix_person_province_name", "person", ["province_code", "name"],
                    postgresql_ops={"name": "text_pattern_ops"})
