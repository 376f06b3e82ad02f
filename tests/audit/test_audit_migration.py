"""Migration 0060 on a trail written by the old, lock-holding writer: it keeps verifying, and new records
chain after it with fresh ids (on PostgreSQL the old writer never moved the id sequence)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

from jiaoguan.kit import audit
from jiaoguan.kit.audit import GENESIS, verify_snapshot
from jiaoguan.kit.db import UTCDateTime, unit_of_work
from jiaoguan.kit.migrate import upgrade

OLD_RECORD = Table(
    "audit_record", MetaData(), Column("id", BigInteger, primary_key=True), Column("at", UTCDateTime()),
    Column("actor_id", Integer), Column("actor_role", String), Column("actor_label", String),
    Column("action", String), Column("object_type", String), Column("object_id", String), Column("summary", Text),
    Column("request_id", String), Column("prev_hash", String), Column("hash", String))
OLD_HEAD = Table("audit_head", MetaData(), Column("id", Integer, primary_key=True), Column("last_id", BigInteger),
                 Column("last_hash", String))


def test_a_trail_from_before_0060_still_verifies_and_new_records_chain_after_it(installations) -> None:
    inst = installations(migrate=False)
    upgrade(inst.url, "0020")
    engine = inst.engine()
    prev = GENESIS
    with engine.begin() as conn:
        for i in range(1, 4):
            row = {"id": i, "at": dt.datetime(2026, 11, 1, 8, i, 0, 123456, tzinfo=dt.UTC), "actor_id": None,
                   "actor_role": "system", "actor_label": "system", "action": "thing.change", "object_type": "thing",
                   "object_id": str(i), "summary": f"old record {i}", "request_id": "-"}
            digest = audit.digest(prev, audit.fields_of(SimpleNamespace(**row)))  # type: ignore[arg-type]
            conn.execute(OLD_RECORD.insert().values(**row, prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(OLD_HEAD.insert().values(id=1, last_id=3, last_hash=prev))
    engine.dispose()
    upgrade(inst.url)
    with unit_of_work() as session:
        new_id = audit.record(session, "thing.change", "thing", 4, "new record").id
    assert new_id == 4
    report = verify_snapshot(checkpoints=False)
    assert report.intact, [p.describe() for p in report.problems]
    assert (report.chained, report.pending) == (4, 0)
