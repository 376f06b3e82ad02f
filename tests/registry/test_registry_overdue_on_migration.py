"""Migration 0210 gives the 容缺 obligations that went overdue before 0160 the day the reminder job found them
overdue (their audit record's Beijing date, else the day after the due date), on whichever engine the suite
runs; the figures' recount then counts them on that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, MetaData, Table, select
from sqlalchemy.orm import Session

from jiaoguan.kit.migrate import upgrade
from jiaoguan.registry.changes.obligations import obligation_history
from tests.installations import insert_row, installations  # noqa: F401 - the fixture

D = dt.date.fromisoformat
DUE = D("2022-03-31")
NOW = dt.datetime(2022, 4, 1, 8, 0, tzinfo=dt.UTC)


def _insert(conn: Connection, table: Table, **given: Any) -> int:
    return insert_row(conn, table, NOW, **given)


def test_obligations_overdue_before_0160_get_the_day_the_reminder_job_found_them(installations) -> None:  # type: ignore[no-untyped-def]  # noqa: F811,E501
    inst = installations(migrate=False)
    upgrade(inst.url, "0191")
    engine = inst.engine()
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn, only=("person", "driving_licence", "obligation", "audit_record"))
        person = _insert(conn, meta.tables["person"], province_code="11", id_number="110101198001010010")
        licence = _insert(conn, meta.tables["driving_licence"], person_id=person, province_code="11")

        def obligation(status: str, *, overdue_on: dt.date | None = None, closed_on: dt.date | None = None,
                       found_at: dt.datetime | None = None) -> int:
            oid = _insert(conn, meta.tables["obligation"], person_id=person, licence_id=licence, province_code="11",
                          kind="medical_certificate", opened_on=D("2021-10-01"), due=DUE, due_source="default",
                          status=status, overdue_on=overdue_on, closed_on=closed_on)
            if found_at is not None:   # what sweep_obligations writes when it marks one overdue
                _insert(conn, meta.tables["audit_record"], at=found_at, action="registry.obligation_overdue",
                        object_type="obligation", object_id=str(oid), summary=f"due {DUE}: block_and_tell",
                        actor_role="system", actor_label="system", request_id="")
            return oid

        ids = {
            # found by the job at 00:30 on 2 April in Beijing (still 1 April in UTC)
            "audited": obligation("overdue", found_at=dt.datetime(2022, 4, 1, 16, 30, tzinfo=dt.UTC)),
            "unaudited": obligation("overdue"),   # loaded without the service: the job's first day
            # found overdue on 5 April, the certificate handed in late on the 10th
            "closed_late": obligation("closed", closed_on=D("2022-04-10"),
                                      found_at=dt.datetime(2022, 4, 5, 1, 0, tzinfo=dt.UTC)),
            "closed_in_time": obligation("closed", closed_on=D("2022-03-20")),
            "after_0160": obligation("overdue", overdue_on=D("2022-04-03"),
                                     found_at=dt.datetime(2022, 4, 3, 1, 0, tzinfo=dt.UTC)),
            "open": obligation("open"),
            # a sweep run by hand for a later day, before the due date on the clock: never before due + 1
            "swept_ahead": obligation("overdue", found_at=dt.datetime(2022, 3, 20, 2, 0, tzinfo=dt.UTC)),
        }
    engine.dispose()
    upgrade(inst.url, "0210")
    engine = inst.engine()
    with engine.begin() as conn:
        table = Table("obligation", MetaData(), autoload_with=conn)
        days = dict(conn.execute(select(table.c.id, table.c.overdue_on)).all())
    assert {name: days[oid] for name, oid in ids.items()} == {
        "audited": D("2022-04-02"), "unaudited": D("2022-04-01"), "closed_late": D("2022-04-05"),
        "closed_in_time": None, "after_0160": D("2022-04-03"), "open": None, "swept_ahead": D("2022-04-01")}
    with Session(engine) as session:   # the figures' recount now counts each of them overdue, on that day
        overdue = {fact["obligation"]: fact["day"] for what, fact in obligation_history(session) if what == "overdue"}
    assert overdue == {ids["audited"]: "2022-04-02", ids["unaudited"]: "2022-04-01", ids["closed_late"]: "2022-04-05",
                       ids["after_0160"]: "2022-04-03", ids["swept_ahead"]: "2022-04-01"}
    engine.dispose()
