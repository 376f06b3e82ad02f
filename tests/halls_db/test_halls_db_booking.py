"""Slots from the schedule, holds and confirmations, idempotency, caps, overlaps, no-show bans, cancel,
reschedule and blackouts (services, one rolled-back transaction per test)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.halls import booking, slots
from jiaoguan.halls.errors import (
    Banned,
    DailyCapReached,
    HoldExpired,
    IdempotencyMismatch,
    OutsideHorizon,
    Overlap,
    SlotFull,
    TooLateToChange,
)
from jiaoguan.halls.models import HallOffice, Slot
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from tests.factories import halls, registry

D = dt.date.fromisoformat


def _slot(db: Session, hall: HallOffice, day: str = "2022-05-10", at: int = 600, group: str = "vehicle") -> Slot:
    return db.execute(select(Slot).where(Slot.hall_office_id == hall.id, Slot.business_group == group,
                                         Slot.day == D(day), Slot.start_min == at)).scalar_one()


def test_slots_follow_the_hours_and_the_calendar(db: Session, clock: FixedClock) -> None:
    hall = halls.hall(db, start=D("2022-04-29"), days=12)
    days = {d for (d,) in db.execute(select(Slot.day).where(Slot.hall_office_id == hall.id).distinct())}
    assert D("2022-04-29") in days              # a Friday
    assert D("2022-04-30") not in days          # 劳动节, though a weekend service rule covers Saturdays in May
    assert D("2022-05-02") not in days          # 劳动节
    assert D("2022-05-07") in days              # the make-up Saturday
    assert D("2022-05-08") not in days          # a plain Sunday
    assert slots.generate(db, hall.id, D("2022-04-29"), D("2022-05-11")) == 0  # idempotent


def test_extended_evening_and_weekend_slots_are_marked(db: Session, hall: HallOffice) -> None:
    thursday = slots.slots_on(db, hall.id, "vehicle", D("2022-05-12"))
    assert [s.start_min for s in thursday if s.extended] == [1020, 1050, 1080, 1110]
    saturday = slots.slots_on(db, hall.id, "vehicle", D("2022-05-14"))
    assert saturday and all(s.weekend for s in saturday)


def test_a_hold_is_confirmed_within_its_time_and_expires_after_it(
        db: Session, hall: HallOffice, clock: FixedClock, principal: Callable[..., Principal]) -> None:
    p1, p2 = halls.people(db, 2)
    citizen = principal("citizen", person_id=p1.id)
    slot = _slot(db, hall)
    held = booking.book(db, slot_id=slot.id, person_id=p1.id, actor=citizen, channel="citizen",
                        idempotency_key="k1", hold=True)
    assert held.status == "held"
    assert booking.confirm(db, held.id, actor=citizen).status == "confirmed"
    late = booking.book(db, slot_id=slot.id, person_id=p2.id, actor=citizen, channel="proxy",
                        idempotency_key="k2", hold=True)
    db.refresh(slot)
    assert slot.booked == 2
    clock.advance(dt.timedelta(minutes=11))
    assert booking.expire_holds(db) == 1
    db.refresh(slot)
    assert slot.booked == 1
    with pytest.raises(HoldExpired):
        booking.confirm(db, late.id, actor=citizen)


def test_a_retry_with_the_same_key_books_once(db: Session, hall: HallOffice,
                                              principal: Callable[..., Principal]) -> None:
    (p,) = halls.people(db, 1)
    agent = principal("hotline_agent")
    slot = _slot(db, hall)
    first = booking.book(db, slot_id=slot.id, person_id=p.id, actor=agent, idempotency_key="call-42")
    again = booking.book(db, slot_id=slot.id, person_id=p.id, actor=agent, idempotency_key="call-42")
    assert first.id == again.id
    db.refresh(slot)
    assert slot.booked == 1
    (other,) = halls.people(db, 1)
    with pytest.raises(IdempotencyMismatch):
        booking.book(db, slot_id=slot.id, person_id=other.id, actor=agent, idempotency_key="call-42")


def test_capacity_daily_cap_and_overlap(db: Session, hall: HallOffice, principal: Callable[..., Principal]) -> None:
    agent = principal("hotline_agent")
    people = halls.people(db, 6)
    slot = _slot(db, hall)
    for i, p in enumerate(people[:5]):
        booking.book(db, slot_id=slot.id, person_id=p.id, actor=agent, idempotency_key=f"c{i}")
    with pytest.raises(SlotFull):
        booking.book(db, slot_id=slot.id, person_id=people[5].id, actor=agent, idempotency_key="c5")
    same_time = _slot(db, hall, group="licence")
    with pytest.raises(Overlap):
        booking.book(db, slot_id=same_time.id, person_id=people[0].id, actor=agent, idempotency_key="o1")
    booking.book(db, slot_id=_slot(db, hall, at=660).id, person_id=people[0].id, actor=agent, idempotency_key="d2")
    with pytest.raises(DailyCapReached):
        booking.book(db, slot_id=_slot(db, hall, at=840).id, person_id=people[0].id, actor=agent,
                     idempotency_key="d3")


def test_the_horizon_and_the_minimum_notice(db: Session, clock: FixedClock,
                                             principal: Callable[..., Principal]) -> None:
    hall = halls.hall(db, days=20, min_notice_minutes=90)
    (p,) = halls.people(db, 1)
    citizen = principal("citizen", person_id=p.id)
    with pytest.raises(OutsideHorizon):   # 09:00 today is an hour away; 90 minutes' notice is needed
        booking.book(db, slot_id=_slot(db, hall, day="2022-05-09", at=540).id, person_id=p.id, actor=citizen,
                     channel="citizen", idempotency_key="h1")
    assert booking.book(db, slot_id=_slot(db, hall, day="2022-05-09", at=600).id, person_id=p.id, actor=citizen,
                        channel="citizen", idempotency_key="h2").status == "confirmed"
    with pytest.raises(OutsideHorizon):   # 18 days ahead, the horizon is 14
        booking.book(db, slot_id=_slot(db, hall, day="2022-05-27").id, person_id=p.id, actor=citizen,
                     channel="citizen", idempotency_key="h3")


def _no_shows(db: Session, hall: HallOffice, clock: FixedClock, person_id: int, actor: Principal, n: int) -> None:
    for i in range(n):
        booking.book(db, slot_id=_slot(db, hall, day=f"2022-05-{10 + i}").id, person_id=person_id, actor=actor,
                     channel="citizen", idempotency_key=f"ns{i}")
    clock.advance(dt.timedelta(days=n + 2))
    assert booking.mark_no_shows(db) == n


def test_three_no_shows_ban_booking_for_thirty_days(db: Session, hall: HallOffice, clock: FixedClock,
                                                    principal: Callable[..., Principal]) -> None:
    (p,) = halls.people(db, 1)
    citizen = principal("citizen", person_id=p.id)
    _no_shows(db, hall, clock, p.id, citizen, 3)
    slots.generate(db, hall.id, D("2022-05-13"), D("2022-05-31"))
    with pytest.raises(Banned) as refused:
        booking.book(db, slot_id=_slot(db, hall, day="2022-05-17").id, person_id=p.id, actor=citizen,
                     channel="citizen", idempotency_key="after")
    assert refused.value.params["until"] == "2022-06-11"
    agent = principal("hotline_agent")   # booked by the hotline: exempt
    assert booking.book(db, slot_id=_slot(db, hall, day="2022-05-17").id, person_id=p.id, actor=agent,
                        idempotency_key="by-phone").status == "confirmed"
    assert [b.status for b in booking.bookings_of_person(db, p.id)].count("no_show") == 3


def test_the_elderly_and_the_exempted_are_not_banned(db: Session, hall: HallOffice, clock: FixedClock,
                                                     principal: Callable[..., Principal]) -> None:
    elder = registry.person(db, birth=D("1950-03-01"))
    disabled = halls.people(db, 1)[0]
    booking.add_exemption(db, disabled.id, "disabled")
    for who in (elder, disabled):
        assert booking.exemption_of(db, who.id, "citizen") in ("elderly", "disabled")
    (young,) = halls.people(db, 1)
    assert booking.exemption_of(db, young.id, "citizen") is None


def test_a_citizen_cancels_up_to_the_notice_and_the_place_returns(
        db: Session, hall: HallOffice, clock: FixedClock, principal: Callable[..., Principal]) -> None:
    (p,) = halls.people(db, 1)
    citizen = principal("citizen", person_id=p.id)
    slot = _slot(db, hall, day="2022-05-09", at=600)
    made = booking.book(db, slot_id=slot.id, person_id=p.id, actor=citizen, channel="citizen", idempotency_key="x")
    clock.advance(dt.timedelta(minutes=100))   # 09:40, the slot is at 10:00, 30 minutes' notice
    with pytest.raises(TooLateToChange):
        booking.cancel(db, made.id, actor=citizen)
    clock.advance(dt.timedelta(minutes=-60))
    assert booking.cancel(db, made.id, actor=citizen).status == "cancelled"
    db.refresh(slot)
    assert slot.booked == 0


def test_reschedule_takes_the_new_place_and_gives_back_the_old(
        db: Session, hall: HallOffice, principal: Callable[..., Principal]) -> None:
    (p,) = halls.people(db, 1)
    citizen = principal("citizen", person_id=p.id)
    old, new = _slot(db, hall), _slot(db, hall, day="2022-05-11")
    made = booking.book(db, slot_id=old.id, person_id=p.id, actor=citizen, channel="citizen", idempotency_key="r0")
    moved = booking.reschedule(db, made.id, new_slot_id=new.id, actor=citizen, idempotency_key="r1")
    db.refresh(old)
    db.refresh(new)
    assert (old.booked, new.booked, moved.slot_id) == (0, 1, new.id)


def test_a_blackout_moves_bookings_to_the_next_free_time_and_tells_each_person(
        db: Session, clock: FixedClock, principal: Callable[..., Principal]) -> None:
    hall = halls.hall(db, capacity=1, days=2)
    a, b = halls.people(db, 2)
    agent = principal("hotline_agent")
    booking.book(db, slot_id=_slot(db, hall, at=960).id, person_id=a.id, actor=agent, idempotency_key="a")
    booking.book(db, slot_id=_slot(db, hall, at=990).id, person_id=b.id, actor=agent, idempotency_key="b")
    done = slots.blackout(db, hall.id, D("2022-05-10"), 930, 1020, "停电检修")
    assert (done.moved, done.cancelled) == (2, 0)
    moved_to = sorted((v.day, v.start) for p in (a, b) for v in booking.bookings_of_person(db, p.id))
    assert moved_to == [(D("2022-05-11"), "09:00"), (D("2022-05-11"), "09:30")]
    sent = db.execute(select(OutboxMessage.channel).where(OutboxMessage.template == "hall_booking_moved")).all()
    assert sorted(c for (c,) in sent) == ["inapp", "inapp", "sms", "sms"]  # each: the agent's account and SMS


def test_a_blackout_with_no_free_time_left_cancels_and_tells(
        db: Session, clock: FixedClock, principal: Callable[..., Principal]) -> None:
    hall = halls.hall(db, capacity=1, days=1)   # slots on the 9th and the 10th only
    (c,) = halls.people(db, 1)
    agent = principal("hotline_agent")
    made = booking.book(db, slot_id=_slot(db, hall, at=990).id, person_id=c.id, actor=agent, idempotency_key="c")
    done = slots.blackout(db, hall.id, D("2022-05-10"), 960, 1020, "设备故障")
    assert (done.moved, done.cancelled) == (0, 1)
    assert booking.get_booking(db, made.id).status == "cancelled"
    assert db.execute(select(OutboxMessage.recipient).where(
        OutboxMessage.template == "hall_booking_cancelled_blackout", OutboxMessage.channel == "sms")
    ).scalar_one() == "13800138000"


def test_scarce_places_are_a_sub_capacity(db: Session, clock: FixedClock, principal: Callable[..., Principal]) -> None:
    hall = halls.hall(db, capacity=5, scarce_capacity=2, groups=("inspection",), days=2)
    agent = principal("hotline_agent")
    people = halls.people(db, 4)
    slot = _slot(db, hall, group="inspection")
    for i, p in enumerate(people[:2]):
        booking.book(db, slot_id=slot.id, person_id=p.id, actor=agent, idempotency_key=f"heavy{i}", scarce=True)
    with pytest.raises(SlotFull):   # the heavy-vehicle lane is taken; the slot is not full
        booking.book(db, slot_id=slot.id, person_id=people[2].id, actor=agent, idempotency_key="heavy2", scarce=True)
    booking.book(db, slot_id=slot.id, person_id=people[3].id, actor=agent, idempotency_key="car")
    db.refresh(slot)
    assert (slot.booked, slot.scarce_booked) == (3, 2)
