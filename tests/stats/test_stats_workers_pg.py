"""On PostgreSQL several workers count the same figures at once: every event is counted exactly once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from jiaoguan.kit import events
from jiaoguan.kit.events import EventReceipt
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.stats.counters import value
from jiaoguan.stats.models import FigureCount, FigurePerson

DAY = dt.date(2021, 1, 9)  # a day no other test counts


@pytest.mark.postgres_only("several workers run at once only on PostgreSQL (SKIP LOCKED); SQLite has one writer")
def test_two_workers_counting_the_same_figure_at_once_lose_nothing(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        for i in range(300):
            events.emit(s, "halls.booked", {"province": "44", "day": DAY.isoformat(), "office": "440000X",
                                            "business_group": "licence", "weekend": i % 3 == 0,
                                            "person": f"p{i % 50}"})
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while True:
                with Session(engine) as s, s.begin():
                    if events.dispatch_due(s, limit=5) == 0:
                        return
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == []
        with Session(engine) as s:
            assert (value(s, "halls.booked", "44", DAY), value(s, "halls.weekend", "44", DAY)) == (300, 100)
            people = s.scalars(select(FigurePerson.person).where(FigurePerson.day == DAY)).all()
            assert len(people) == 50
            stuck = s.scalars(select(OutboxMessage.last_error).where(
                OutboxMessage.channel == "event", OutboxMessage.status != "sent")).all()
            assert stuck == []
    finally:
        with Session(engine) as s, s.begin():
            s.execute(delete(FigureCount).where(FigureCount.day == DAY))
            s.execute(delete(FigurePerson).where(FigurePerson.day == DAY))
            s.execute(delete(EventReceipt).where(EventReceipt.handler.like("stats.%")))
            s.execute(delete(OutboxMessage).where(OutboxMessage.channel == "event"))
