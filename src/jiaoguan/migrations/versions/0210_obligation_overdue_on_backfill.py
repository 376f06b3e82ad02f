"""registry: the day an obligation fell overdue, for the obligations that went overdue before 0160

Revision ID: 0210
Revises: 0191

Migration 0160 added `obligation.overdue_on` (the day the reminder job found the obligation overdue: the figures
count 容缺 obligations overdue on it) but left it empty on the obligations already overdue, so the figures' recount
(`registry.changes.obligations.obligation_history`) never counted them and `jiaoguan stats rebuild` reported them.

Which day. `sweep_obligations` marks an open obligation overdue on the first run whose day `on` is past its due
date (`(due - on).days < 0`, so `on >= due + 1`), writes the audit record `registry.obligation_overdue` at that
moment and emits the event whose `day` is `on`: that `day` is what the live figures counted. The daily job runs
with `on = today()`, and the audit record's time is read from the same clock, so the Beijing date of that audit
record is the day the job found it. Where the record exists it gives the day; where it does not (rows loaded
without the service), the day is `due + 1`, the first day the daily job finds an obligation overdue. A day before
`due + 1` is impossible for the job and only comes from a sweep run by hand for a later `on`: it gives `due + 1`
too.

Which rows: every obligation still `overdue` with no `overdue_on`, and the ones closed since whose audit trail
says the job had found them overdue (they were counted overdue live too, and were then handed in late). An
obligation closed in time keeps no `overdue_on`.

The downgrade leaves the days: 0160's downgrade drops the column.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0210"
down_revision: str | Sequence[str] | None = "0191"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEIJING = dt.timezone(dt.timedelta(hours=8))   # China keeps no daylight saving time
CHUNK = 1000

obligation = sa.table("obligation", sa.column("id", sa.BigInteger), sa.column("due", sa.Date),
                      sa.column("status", sa.String), sa.column("overdue_on", sa.Date))
audit = sa.table("audit_record", sa.column("at", sa.DateTime(timezone=True)), sa.column("action", sa.String),
                 sa.column("object_type", sa.String), sa.column("object_id", sa.String))


def beijing_day(at: dt.datetime) -> dt.date:
    if at.tzinfo is None:   # SQLite keeps UTC without its zone
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(BEIJING).date()


def overdue_day(due: dt.date, found_at: dt.datetime | None) -> dt.date:
    first = due + dt.timedelta(days=1)
    return first if found_at is None else max(first, beijing_day(found_at))


def upgrade() -> None:
    conn = op.get_bind()
    found: dict[int, dt.datetime] = {}
    for object_id, at in conn.execute(
            sa.select(audit.c.object_id, sa.func.min(audit.c.at))
            .where(audit.c.action == "registry.obligation_overdue", audit.c.object_type == "obligation")
            .group_by(audit.c.object_id)):
        if str(object_id).isdigit():
            found[int(object_id)] = at
    rows = conn.execute(sa.select(obligation.c.id, obligation.c.due, obligation.c.status)
                        .where(obligation.c.overdue_on.is_(None), obligation.c.status != "open")).all()
    days = [{"oid": oid, "day": overdue_day(due, found.get(oid))} for oid, due, status in rows
            if status == "overdue" or oid in found]
    stmt = (sa.update(obligation).where(obligation.c.id == sa.bindparam("oid"))
            .values(overdue_on=sa.bindparam("day")))
    for i in range(0, len(days), CHUNK):
        conn.execute(stmt, days[i:i + CHUNK])


def downgrade() -> None:
    """Nothing to undo: the days filled in are the ones the reminder job would have written, and 0160's downgrade
    drops the column."""
