"""kit: the tables every page reads and hardly anyone writes announce their changes (NOTIFY jiaoguan_changes)

Revision ID: 0240
Revises: 0230

The published measures and the calendar's overrides are read by most pages and change a few times a year. Each
server process keeps them (kit.changes) for as long as it has heard of no change; these statement triggers announce
every change at commit, whatever made it: a page, a command, a restore, psql. PostgreSQL only: on SQLite nothing is
kept between requests.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0240"
down_revision: str | Sequence[str] | None = "0230"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("measure_version", "calendar_override")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION jiaoguan_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('jiaoguan_changes', TG_TABLE_NAME); RETURN NULL; END $$;
    """)
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_announce_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION jiaoguan_announce_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_announce_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS jiaoguan_announce_change()")
