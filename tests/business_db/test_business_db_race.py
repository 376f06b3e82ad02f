"""Optimistic locking under a real race (PostgreSQL): two seats accept the same case at once; one wins, the other
gets `business.stale`, and the case moved once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.business import service
from jiaoguan.business.catalogue_store import seed
from jiaoguan.business.models import BusinessApplication, BusinessDocument, BusinessStep, BusinessType
from jiaoguan.kit.errors import JiaoguanError
from tests.factories import business as f


@pytest.mark.postgres_only("a lost update race needs two writers (SQLite has one)")
def test_two_seats_accepting_the_same_case_at_once_move_it_once(engine: Engine, clock, outbox_cleanup) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:  # committed for real: the two seats work in transactions of their own
        seeded = seed(s)["added"] > 0
        who = f.citizen(s, expiry=dt.date(2022, 6, 30), province="65")
        seats = [f.staff(s, Role.online_seat, province="65") for _ in range(2)]
        app = f.application(s, who.user)
        app_id, version = app.id, app.version
        s.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(i: int) -> None:
        with Session(engine) as session:
            try:
                with session.begin():
                    row = session.get(BusinessApplication, app_id)
                    assert row is not None and row.version == version
                    barrier.wait()
                    service.act(session, seats[i], app_id, "accept", expected_version=version)
                outcomes.append("won")
            except JiaoguanError as exc:
                outcomes.append(exc.code)

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(outcomes) == ["business.stale", "won"]
        with Session(engine) as s:
            row = s.get(BusinessApplication, app_id)
            assert row is not None and row.status == "accepted" and row.version == version + 1
            accepts = s.execute(select(BusinessStep).where(BusinessStep.application_id == app_id,
                                                           BusinessStep.action == "accept")).scalars().all()
            assert len(accepts) == 1
    finally:
        with Session(engine) as s, s.begin():
            s.execute(delete(BusinessStep).where(BusinessStep.application_id == app_id))
            s.execute(delete(BusinessDocument).where(BusinessDocument.application_id == app_id))
            s.execute(delete(BusinessApplication).where(BusinessApplication.id == app_id))
            if seeded:
                s.execute(delete(BusinessType))
