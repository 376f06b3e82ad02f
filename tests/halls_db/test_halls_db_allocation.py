"""Fair allocation of exam places: requests in a window, then acceptance order or a seeded weighted lottery
that anyone can redo; positions and results are kept and each applicant is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import allocation, booking
from jiaoguan.halls.errors import AlreadyAllocated, FairAllocationOnly, RequestWindowClosed
from jiaoguan.halls.models import Slot
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from tests.factories import halls

D = dt.date.fromisoformat
EXAM_DAY = D("2022-05-20")  # a Friday; requests close 10 days before, on the 10th


def _requests(db: Session, hall_id: int, n: int) -> list[int]:
    people = halls.people(db, n)
    for i, p in enumerate(people):
        allocation.request_place(db, office_id=hall_id, business_group="exam", day=EXAM_DAY, person_id=p.id,
                                 accepted_on=D("2022-03-01") + dt.timedelta(days=i), actor=None)
    return [p.id for p in people]


def test_exam_places_are_not_first_click(db: Session, clock: FixedClock, principal: Callable[..., Principal]) -> None:
    hall = halls.hall(db, capacity=2, groups=(), exam_allocation="acceptance_order", days=14)
    slot = db.execute(select(Slot).where(Slot.hall_office_id == hall.id, Slot.day == EXAM_DAY)).scalars().first()
    assert slot is not None
    (p,) = halls.people(db, 1)
    with pytest.raises(FairAllocationOnly):
        booking.book(db, slot_id=slot.id, person_id=p.id, actor=principal("citizen", person_id=p.id),
                     channel="citizen", idempotency_key="click")


def test_acceptance_order_gives_the_places_to_the_longest_accepted(db: Session, clock: FixedClock) -> None:
    hall = halls.hall(db, capacity=2, groups=(), exam_allocation="acceptance_order", days=14)
    people = _requests(db, hall.id, 30)
    clock.advance(dt.timedelta(days=2))                  # the 11th: the window has closed
    with pytest.raises(RequestWindowClosed):
        allocation.request_place(db, office_id=hall.id, business_group="exam", day=EXAM_DAY, person_id=people[0],
                                 accepted_on=D("2022-01-01"), actor=None)
    assert allocation.due_allocations(db) == 1
    result = allocation.day_allocation(db, hall.id, "exam", EXAM_DAY)
    capacity = result.capacity          # 2 places x the Friday's slots of an hour
    assert result.allocated == capacity == 12
    assert [s.person_id for s in result.standings if s.status == "allocated"] == people[:capacity]
    assert [s.position for s in result.standings] == list(range(1, 31))
    told = db.execute(select(OutboxMessage).where(OutboxMessage.template == "hall_allocation_result",
                                                  OutboxMessage.channel == "sms")).scalars().all()
    assert len(told) == 30
    with pytest.raises(AlreadyAllocated):
        allocation.allocate(db, office_id=hall.id, business_group="exam", day=EXAM_DAY)


def test_the_lottery_is_reproducible_from_its_published_seed_and_weighs_waiting() -> None:
    applicants = [allocation.Applicant(i, D("2022-01-01") + dt.timedelta(days=i % 120),
                                       dt.datetime(2022, 5, 1, tzinfo=dt.UTC)) for i in range(1, 401)]
    seed = allocation.published_seed("11T000001", "exam", EXAM_DAY)
    first = allocation.order("lottery", applicants, day=EXAM_DAY, seed=seed)
    assert first == allocation.order("lottery", list(reversed(applicants)), day=EXAM_DAY, seed=seed)
    assert sorted(first) == list(range(1, 401))
    assert first != allocation.order("lottery", applicants, day=EXAM_DAY, seed=seed + "x")
    top = first[:100]
    waited = {a.id: (EXAM_DAY - a.accepted_on).days for a in applicants}
    mean_all = sum(waited.values()) / len(waited)
    assert sum(waited[i] for i in top) / len(top) > mean_all   # longer waiting, better odds


def test_a_lottery_run_records_its_seed(db: Session, clock: FixedClock) -> None:
    hall = halls.hall(db, capacity=1, groups=(), exam_allocation="lottery", days=14)
    _requests(db, hall.id, 20)
    clock.advance(dt.timedelta(days=2))
    run = allocation.allocate(db, office_id=hall.id, business_group="exam", day=EXAM_DAY)
    assert run.seed == allocation.published_seed(halls_code(db, hall.id), "exam", EXAM_DAY)
    assert (run.requests, run.allocated) == (20, 6)


def halls_code(db: Session, hall_id: int) -> str:
    from jiaoguan.halls.offices import hall_office

    return hall_office(db, hall_id).code
