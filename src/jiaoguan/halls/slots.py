"""Slots made from each office's schedule, and blackouts that close part of a day.

`generate(session, hall_office_id, start, end)` makes the missing slots of each planned business group
for each day, from the opening hours and the working-day calendar (holidays closed, make-up days open);
it is idempotent (unique office, group, day, start). A blackout blocks the slots it covers and moves
each booking it hits to the nearest free slot of the same group (that day or the next days within the
horizon), or cancels it, and tells the person through the outbox either way; a confirmed booking moved is also
told to the figures (`halls.booking_moved`: its slot's weekend and extended-hours flags change).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from jiaoguan.halls import figures
from jiaoguan.halls.errors import InvalidSchedule, NotFoundHere
from jiaoguan.halls.models import Blackout, Booking, HallOffice, Slot
from jiaoguan.halls.offices import hall_office, hall_office_row, hours_rules, plans
from jiaoguan.halls.schedule import cut_slots, hhmm, periods_on
from jiaoguan.halls.states import BOOKING, TAKING, BookingStatus
from jiaoguan.halls.view import View
from jiaoguan.kit import audit, events
from jiaoguan.kit.calendar_service import load_calendar
from jiaoguan.kit.clock import CHINA_TZ, utc_now
from jiaoguan.kit.outbox import enqueue
from jiaoguan.registry.queries import person_of


def local_start(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), CHINA_TZ) + dt.timedelta(minutes=minute)


class SlotView(View):
    id: int
    hall_office_id: int
    business_group: str
    day: dt.date
    start: str
    end: str
    capacity: int
    remaining: int
    scarce_capacity: int | None
    scarce_remaining: int | None
    extended: bool
    weekend: bool
    allocation: str
    blocked: bool


def slot_view(s: Slot) -> SlotView:
    scarce_left = None if s.scarce_capacity is None else s.scarce_capacity - s.scarce_booked
    return SlotView(id=s.id, hall_office_id=s.hall_office_id, business_group=s.business_group, day=s.day,
                    start=hhmm(s.start_min), end=hhmm(s.end_min), capacity=s.capacity, remaining=s.capacity - s.booked,
                    scarce_capacity=s.scarce_capacity, scarce_remaining=scarce_left, extended=s.extended,
                    weekend=s.weekend, allocation=s.allocation, blocked=s.blocked)


def generate(session: Session, hall_office_id: int, start: dt.date, end: dt.date) -> int:
    """Make the missing slots from `start` to `end` (inclusive); returns how many were made."""
    if end < start:
        raise InvalidSchedule(problem=f"{start} > {end}")
    hall_office_row(session, hall_office_id)
    cal = load_calendar(session)
    rules = hours_rules(session, hall_office_id)
    office_plans = plans(session, hall_office_id)
    existing = {(g, d, m) for g, d, m in session.execute(
        select(Slot.business_group, Slot.day, Slot.start_min)
        .where(Slot.hall_office_id == hall_office_id, Slot.day >= start, Slot.day <= end))}
    made = 0
    day = start
    while day <= end:
        info = cal.day(day)
        periods = periods_on(day, working=info.working, holiday_name=info.name, rules=rules)
        for plan in office_plans:
            for cut in cut_slots(periods, plan.slot_minutes):
                if (plan.business_group, day, cut.start_min) in existing:
                    continue
                session.add(Slot(hall_office_id=hall_office_id, business_group=plan.business_group, day=day,
                                 start_min=cut.start_min, end_min=cut.end_min,
                                 starts_at=local_start(day, cut.start_min).astimezone(dt.UTC),
                                 capacity=plan.capacity, booked=0, scarce_capacity=plan.scarce_capacity,
                                 scarce_booked=0, extended=cut.extended, weekend=cut.weekend,
                                 allocation=plan.allocation, blocked=False))
                made += 1
        day += dt.timedelta(days=1)
    session.flush()
    if made:
        audit.record(session, "halls.slots_generated", "hall_office", hall_office_id, f"{start}..{end}: {made}")
    return made


def generate_all(session: Session, *, days: int | None = None) -> int:
    """The periodic job: every office's slots up to its horizon."""
    from jiaoguan.kit.clock import today

    made = 0
    for office in session.execute(select(HallOffice)).scalars().all():
        made += generate(session, office.id, today(), today() + dt.timedelta(days=days or office.horizon_days))
    return made


def slots_on(session: Session, hall_office_id: int, business_group: str, day: dt.date) -> list[Slot]:
    return list(session.execute(
        select(Slot).where(Slot.hall_office_id == hall_office_id, Slot.business_group == business_group,
                           Slot.day == day).order_by(Slot.start_min)).scalars())


def take_place(session: Session, slot_id: int, *, scarce: bool = False) -> bool:
    """One more place in the slot if it has one: a single conditional UPDATE, so the database arbitrates."""
    conditions = [Slot.id == slot_id, Slot.booked < Slot.capacity, Slot.blocked.is_(False)]
    values = {"booked": Slot.booked + 1}
    if scarce:
        conditions += [Slot.scarce_capacity.is_not(None), Slot.scarce_booked < Slot.scarce_capacity]
        values["scarce_booked"] = Slot.scarce_booked + 1
    result = session.execute(update(Slot).where(*conditions).values(**values)
                             .execution_options(synchronize_session=False))
    taken = bool(result.rowcount)  # type: ignore[attr-defined]
    if taken:
        _forget(session, slot_id)
    return taken


def give_back(session: Session, slot_id: int, *, scarce: bool = False) -> None:
    values = {"booked": Slot.booked - 1}
    if scarce:
        values["scarce_booked"] = Slot.scarce_booked - 1
    session.execute(update(Slot).where(Slot.id == slot_id).values(**values)
                    .execution_options(synchronize_session=False))
    _forget(session, slot_id)


def _forget(session: Session, slot_id: int) -> None:
    cached = session.identity_map.get(identity_key(Slot, slot_id))
    if cached is not None:
        session.expire(cached)


def notify_person(session: Session, booking: Booking, template: str, params: dict[str, object]) -> None:
    """The booking's person by in-app message (the account that booked) and SMS (the registered phone)."""
    if booking.booked_by is not None:
        enqueue(session, "inapp", str(booking.booked_by), template, params, province_code=booking.province_code)
    person = person_of(session, booking.person_id)
    if person is not None and person.phone:
        enqueue(session, "sms", person.phone, template, params, province_code=booking.province_code)


def blackout(session: Session, hall_office_id: int, day: dt.date, start_min: int, end_min: int,
             reason: str) -> Blackout:
    """Close part of a day: block its slots, move or cancel the bookings there, tell each person."""
    if not 0 <= start_min < end_min <= 24 * 60:
        raise InvalidSchedule(problem=f"{start_min}-{end_min}")
    office = hall_office_row(session, hall_office_id)
    seen = hall_office(session, hall_office_id)
    name = seen.name
    row = Blackout(hall_office_id=hall_office_id, day=day, start_min=start_min, end_min=end_min, reason=reason,
                   moved=0, cancelled=0, created_at=utc_now())
    session.add(row)
    hit = list(session.execute(select(Slot).where(
        Slot.hall_office_id == hall_office_id, Slot.day == day, Slot.start_min < end_min,
        Slot.end_min > start_min)).scalars())
    session.execute(update(Slot).where(Slot.id.in_([s.id for s in hit])).values(blocked=True)
                    .execution_options(synchronize_session=False))
    for s in hit:
        session.expire(s)
    hit_by_id = {s.id: s for s in hit}
    bookings = list(session.execute(select(Booking).where(
        Booking.slot_id.in_([s.id for s in hit]), Booking.status.in_(TAKING[:2]))
        .order_by(Booking.id)).scalars())
    horizon = day + dt.timedelta(days=office.horizon_days)
    for b in bookings:
        target = _free_slot_after(session, b, horizon)
        if target is not None:
            # A confirmed booking was counted with its slot's flags (halls.booked): the figures hear of the move.
            was = figures.booked(b, hit_by_id[b.slot_id], seen.code) if b.status == BookingStatus.confirmed else None
            give_back(session, b.slot_id, scarce=b.scarce)
            if target.day != b.day:
                from jiaoguan.halls.booking import move_person_day

                move_person_day(session, b.person_id, b.day, target.day)
            b.slot_id, b.day, b.start_min, b.end_min = target.id, target.day, target.start_min, target.end_min
            session.flush()
            audit.record(session, "hall_booking.moved", "hall_booking", b.id,
                         f"blackout {row.day} -> {target.day} {hhmm(target.start_min)}")
            if was is not None:
                events.emit(session, "halls.booking_moved", figures.moved(b, was, figures.booked(b, target, seen.code)),
                            province_code=b.province_code)
            notify_person(session, b, "hall_booking_moved", {"reason": reason, "day": target.day.isoformat(),
                                                             "time": hhmm(target.start_min), "office": name})
            row.moved += 1
        else:
            give_back(session, b.slot_id, scarce=b.scarce)
            from jiaoguan.halls.booking import release_person_day

            release_person_day(session, b.person_id, b.day)
            BOOKING.apply(session, b, "cancel", role="system", summary=f"blackout: {reason}")
            notify_person(session, b, "hall_booking_cancelled_blackout",
                          {"reason": reason, "day": b.day.isoformat(), "time": hhmm(b.start_min)})
            row.cancelled += 1
    session.flush()
    audit.record(session, "halls.blackout", "hall_office", hall_office_id,
                 f"{day} {hhmm(start_min)}-{hhmm(end_min)} moved {row.moved} cancelled {row.cancelled}: {reason}")
    return row


def _free_slot_after(session: Session, b: Booking, horizon: dt.date) -> Slot | None:
    """The first slot of the booking's group after its time (same office) that still has a place; taken."""
    candidates = session.execute(select(Slot.id).where(
        Slot.hall_office_id == b.hall_office_id, Slot.business_group == b.business_group, Slot.blocked.is_(False),
        Slot.booked < Slot.capacity, Slot.day <= horizon,
        (Slot.day > b.day) | ((Slot.day == b.day) & (Slot.start_min > b.start_min)))
        .order_by(Slot.day, Slot.start_min).limit(20)).scalars().all()
    for slot_id in candidates:
        if take_place(session, slot_id, scarce=b.scarce):
            return session.get(Slot, slot_id)
    return None


def group_of_slot(session: Session, slot_id: int) -> str:
    """The business group of a slot (who may book it depends on it: a proxy's authority covers groups)."""
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise NotFoundHere()
    return slot.business_group
