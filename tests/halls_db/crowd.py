"""A crowd aiming at one slot: committed setup, attempts from threads (and from another process), cleanup.

Run as a module it is the second process of the two-process test:
`python -m tests.halls_db.crowd URL SLOT_ID PERSON_ID,PERSON_ID,...` prints how many it booked.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from jiaoguan.halls import booking
from jiaoguan.halls.errors import SlotFull
from jiaoguan.halls.models import Booking, HallOffice, HallWindow, OpeningHours, PersonDay, Slot, SlotPlan
from jiaoguan.kit.clock import FixedClock, set_clock
from jiaoguan.kit.outbox import OutboxMessage
from tests.factories import halls
from tests.factories.halls import MONDAY

_OUTBOX_MARK: dict[int, int] = {}


def setup(engine: Engine, people: int, capacity: int = 5) -> tuple[int, int, list[int]]:
    """(hall office id, slot id, person ids), committed; `cleanup` removes them and the outbox rows they caused."""
    with Session(engine) as session, session.begin():
        mark = session.execute(select(func.coalesce(func.max(OutboxMessage.id), 0))).scalar_one()
        hall = halls.hall(session, capacity=capacity, days=1, groups=("vehicle",))
        slot_id = session.execute(select(Slot.id).where(Slot.hall_office_id == hall.id)
                                  .order_by(Slot.day.desc(), Slot.start_min).limit(1)).scalar_one()
        person_ids = [p.id for p in halls.people(session, people)]
        _OUTBOX_MARK[hall.id] = mark
        return hall.id, slot_id, person_ids


def attempt(engine: Engine, slot_id: int, person_id: int, gate: threading.Barrier | None = None) -> bool:
    if gate is not None:
        gate.wait()
    try:
        with Session(engine) as session, session.begin():
            booking.book(session, slot_id=slot_id, person_id=person_id, actor=None, channel="hotline",
                         idempotency_key=f"crowd-{slot_id}-{person_id}")
        return True
    except SlotFull:
        return False


def crowd(engine: Engine, slot_id: int, person_ids: list[int], workers: int = 16) -> int:
    gate = threading.Barrier(workers)
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(attempt, engine, slot_id, pid, gate if i < workers else None)
                   for i, pid in enumerate(person_ids)]
        return sum(f.result() for f in futures)


def bookings_in(engine: Engine, slot_id: int) -> tuple[int, int]:
    """(rows taking a place, the slot's own count)."""
    with Session(engine) as session:
        rows = session.execute(select(func.count()).select_from(Booking).where(Booking.slot_id == slot_id)).scalar_one()
        slot = session.get(Slot, slot_id)
        assert slot is not None
        return rows, slot.booked


def cleanup(engine: Engine, hall_office_id: int, person_ids: list[int]) -> None:
    from jiaoguan.registry.models import Person

    with Session(engine) as session, session.begin():
        # The events and messages the crowd's bookings wrote (each xdist worker has a database of its own, and its
        # tests run one at a time, so every row after the mark is this test's).
        session.execute(delete(OutboxMessage).where(OutboxMessage.id > _OUTBOX_MARK.pop(hall_office_id, 0)))
        session.execute(delete(Booking).where(Booking.hall_office_id == hall_office_id))
        session.execute(delete(PersonDay).where(PersonDay.person_id.in_(person_ids)))
        for table in (Slot, SlotPlan, OpeningHours, HallWindow):
            session.execute(delete(table).where(table.hall_office_id == hall_office_id))
        office = session.get(HallOffice, hall_office_id)
        assert office is not None
        office_id = office.office_id
        session.delete(office)
        session.flush()
        from jiaoguan.accounts.models import Office

        session.execute(delete(Office).where(Office.id == office_id))
        session.execute(delete(Person).where(Person.id.in_(person_ids)))


if __name__ == "__main__":
    from jiaoguan.kit.db import make_engine
    from jiaoguan.kit.rooms import load_models

    load_models()
    set_clock(FixedClock(MONDAY))
    url, slot, ids = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")]
    eng = make_engine(url)
    print(crowd(eng, slot, ids, workers=8))
