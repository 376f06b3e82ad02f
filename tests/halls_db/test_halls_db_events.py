"""The halls room's facts reach the figures: halls.booked, halls.served and halls.no_show carry the contract's
payload and are taken in by the installed handlers (none goes dead)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import booking, queue
from jiaoguan.halls.models import HallOffice, HallWindow, Slot
from jiaoguan.halls.offices import hall_office
from jiaoguan.kit import events
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from tests.factories import halls


def _payloads(db: Session, name: str) -> list[dict[str, object]]:
    rows = db.execute(select(OutboxMessage).where(OutboxMessage.channel == "event",
                                                  OutboxMessage.template == name)).scalars()
    return [r.params["payload"] for r in rows]


def test_booked_served_and_no_show_carry_the_contract(db: Session, hall: HallOffice, clock: FixedClock,
                                                      principal: Callable[..., Principal]) -> None:
    agent = principal("hotline_agent")
    a, b = halls.people(db, 2)
    thursday_evening = db.execute(select(Slot.id).where(Slot.hall_office_id == hall.id, Slot.extended.is_(True),
                                                        Slot.business_group == "vehicle")).scalars().first()
    assert thursday_evening is not None
    booking.book(db, slot_id=thursday_evening, person_id=a.id, actor=agent, idempotency_key="ev-a")
    made = booking.book(db, slot_id=db.execute(select(Slot.id).where(
        Slot.hall_office_id == hall.id, Slot.day == dt.date(2022, 5, 9), Slot.start_min == 600,
        Slot.business_group == "vehicle")).scalar_one(), person_id=b.id, actor=agent, idempotency_key="ev-b")
    code = hall_office(db, hall.id).code
    booked = _payloads(db, "halls.booked")
    assert booked and booked[0]["extended_hours"] is True and booked[0]["office"] == code
    assert {"province", "day", "office", "person", "lane", "business_group", "weekend"} <= set(booked[0])
    clock.advance(dt.timedelta(minutes=60))
    ticket = queue.walk_in(db, office_id=hall.id, business_group="vehicle", person_id=a.id)
    window = db.execute(select(HallWindow.id).where(HallWindow.hall_office_id == hall.id,
                                                    HallWindow.code == "03")).scalar_one()
    queue.call_next(db, window)
    clock.advance(dt.timedelta(minutes=4))
    queue.complete(db, ticket.id)
    served = _payloads(db, "halls.served")
    assert served and served[0]["lane"] == "normal" and served[0]["person"] == str(a.id)
    clock.advance(dt.timedelta(hours=3))
    assert booking.mark_no_shows(db) == 1
    no_show = _payloads(db, "halls.no_show")
    assert no_show and no_show[0]["person"] == str(b.id) and no_show[0]["day"] == "2022-05-09"
    assert booking.get_booking(db, made.id).status == "no_show"
    delivered = events.dispatch_due(db, limit=100)
    assert delivered >= 3
    assert db.execute(select(OutboxMessage.id).where(OutboxMessage.channel == "event",
                                                     OutboxMessage.last_error.is_not(None))).first() is None
