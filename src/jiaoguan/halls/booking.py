"""Booking a slot: hold then confirm, one idempotency key per create, capacity enforced by the database.

A place is taken by one conditional UPDATE of the slot (`booked < capacity`, `slots.take_place`) and a
person's day by one conditional UPDATE of `hall_person_day` (`taken < cap`), in the same savepoint as
the booking's INSERT, so whatever processes race, a slot never holds more than its capacity and a person
never more than the cap. The person-day row is taken first, so a person's bookings of a day are
serialised and the overlap check after it is safe; the slot's row is updated last, after the booking, its audit
record and its event are written, so its lock is held only until the commit. The INSERT carries the
idempotency key (unique): a retry, even one racing the first request, gets the first booking back.

No-shows: `no_show_limit` in `no_show_window_days` bans booking for `no_show_ban_days` from the last
one (an office's rules); not for people over 70, those with an exemption (disabled), nor bookings made
by the hotline, as far as the office's rules grant each of these (`exemption_of`). A ban never stops a walk-in.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import principals_by_id
from jiaoguan.halls import figures
from jiaoguan.halls.errors import (
    Banned,
    DailyCapReached,
    FairAllocationOnly,
    HoldExpired,
    IdempotencyMismatch,
    NotFoundHere,
    OutsideHorizon,
    Overlap,
    SlotClosed,
    SlotFull,
    TooLateToChange,
)
from jiaoguan.halls.models import Booking, Exemption, HallOffice, PersonDay, Slot
from jiaoguan.halls.offices import hall_office
from jiaoguan.halls.proxy import principal_person, tell_principal
from jiaoguan.halls.schedule import hhmm
from jiaoguan.halls.slots import SlotView, give_back, local_start, slot_view, take_place
from jiaoguan.halls.states import BOOKING, TAKING, BookingStatus
from jiaoguan.halls.view import View
from jiaoguan.halls.vocab import Allocation, Channel, Lane
from jiaoguan.kit import audit, events
from jiaoguan.kit.clock import CHINA_TZ, today, utc_now
from jiaoguan.kit.db import is_postgres
from jiaoguan.kit.ids.resident import check_id_number
from jiaoguan.kit.outbox import enqueue
from jiaoguan.registry.queries import person_of

STAFF_CHANNELS = (Channel.hotline, Channel.clerk, Channel.business)
ELDERLY_AGE = 70


class BookingFacts(View):
    """What anyone allowed to see a booking sees (the API's answer adds to it; `BookingView` too)."""

    id: int
    slot_id: int
    business_group: str
    day: dt.date
    start: str
    end: str
    status: str
    channel: str
    lane: str
    hold_expires_at: dt.datetime | None
    checkin_code: str
    version: int


class BookingView(BookingFacts):
    hall_office_id: int
    person_id: int
    booked_by: int | None

    @property
    def by_proxy(self) -> bool:
        """代办: booked by someone the person authorised (every view of the booking says so)."""
        return self.channel == Channel.proxy


def view(b: Booking) -> BookingView:
    return BookingView(id=b.id, slot_id=b.slot_id, business_group=b.business_group, day=b.day, start=hhmm(b.start_min),
                       end=hhmm(b.end_min), status=b.status, channel=b.channel, lane=b.lane,
                       hold_expires_at=b.hold_expires_at, checkin_code=b.checkin_code, version=b.version,
                       hall_office_id=b.hall_office_id, person_id=b.person_id, booked_by=b.booked_by)


def proxy_names(session: Session, views: list[BookingView]) -> dict[int, str]:
    """The proxy's name for each booking made by proxy (booking id → name), for the views that say "代办 by …"."""
    by = {v.id: v.booked_by for v in views if v.by_proxy and v.booked_by is not None}
    people = principals_by_id(session, by.values())
    return {bid: people[uid].display_name for bid, uid in by.items() if uid in people}


def open_slots(session: Session, *, office_id: int, business_group: str, day: dt.date) -> list[SlotView]:
    """The bookable slots of a group on a day (`office_id` is the hall office's id), with places left."""
    now = utc_now()
    office = session.get(HallOffice, office_id)
    if office is None:
        raise NotFoundHere()
    earliest = now + dt.timedelta(minutes=office.min_notice_minutes)
    rows = session.execute(select(Slot).where(
        Slot.hall_office_id == office_id, Slot.business_group == business_group, Slot.day == day,
        Slot.blocked.is_(False), Slot.starts_at >= earliest).order_by(Slot.start_min)).scalars()
    return [slot_view(s) for s in rows]


def scoped_key(actor: Principal | None, key: str) -> str:
    """Keys are the client's; scoped by who sends them, so one user's key never finds another's booking."""
    return f"{actor.id if actor else 0}:{key.strip()[:100]}"


def _person_day_insert(session: Session, person_id: int, day: dt.date) -> None:
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(insert(PersonDay).values(person_id=person_id, day=day, taken=0).on_conflict_do_nothing())


def take_person_day(session: Session, person_id: int, day: dt.date, cap: int) -> None:
    _person_day_insert(session, person_id, day)
    result = session.execute(update(PersonDay).where(PersonDay.person_id == person_id, PersonDay.day == day,
                                                     PersonDay.taken < cap)
                             .values(taken=PersonDay.taken + 1).execution_options(synchronize_session=False))
    if not result.rowcount:  # type: ignore[attr-defined]
        raise DailyCapReached(cap=cap)


def release_person_day(session: Session, person_id: int, day: dt.date) -> None:
    session.execute(update(PersonDay).where(PersonDay.person_id == person_id, PersonDay.day == day,
                                            PersonDay.taken > 0)
                    .values(taken=PersonDay.taken - 1).execution_options(synchronize_session=False))


def move_person_day(session: Session, person_id: int, old: dt.date, new: dt.date) -> None:
    release_person_day(session, person_id, old)
    _person_day_insert(session, person_id, new)
    session.execute(update(PersonDay).where(PersonDay.person_id == person_id, PersonDay.day == new)
                    .values(taken=PersonDay.taken + 1).execution_options(synchronize_session=False))


def exemption_of(session: Session, person_id: int, channel: str, office: HallOffice | None = None) -> str | None:
    """Why the no-show ban does not apply, or None: booked by the hotline, over 70, a recorded exemption.
    With an office, its rules say which of these it grants (and from what age); without, all of them (the
    assisted lane asks so)."""
    if channel == Channel.hotline and (office is None or office.exempt_hotline):
        return "hotline"
    row = session.get(Exemption, person_id)
    if row is not None and (office is None or office.exempt_disabled or row.reason != "disabled"):
        return row.reason
    from_age = ELDERLY_AGE if office is None else office.exempt_elderly_age
    person = person_of(session, person_id) if from_age > 0 else None
    if person is not None:
        birth = check_id_number(person.id_number).birth_date if len(person.id_number) == 18 else None
        if birth is not None and _age(birth, today()) >= from_age:
            return "elderly"
    return None


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def ban_of(session: Session, person_id: int, office: HallOffice) -> tuple[int, dt.date] | None:
    """(no-shows counted, banned until) while a ban runs, else None."""
    since = today() - dt.timedelta(days=office.no_show_window_days)
    count, last = session.execute(select(func.count(), func.max(Booking.day)).where(
        Booking.person_id == person_id, Booking.status == BookingStatus.no_show, Booking.day >= since)).one()
    if office.no_show_limit <= 0 or count < office.no_show_limit or last is None:
        return None
    until = last + dt.timedelta(days=office.no_show_ban_days)
    return (count, until) if until > today() else None


def add_exemption(session: Session, person_id: int, reason: str, note: str = "") -> Exemption:
    row = session.get(Exemption, person_id)
    if row is None:
        row = Exemption(person_id=person_id, reason=reason, note=note, created_at=utc_now())
        session.add(row)
    else:
        row.reason, row.note = reason, note
    session.flush()
    audit.record(session, "halls.exemption", "person", person_id, reason)
    return row


def book(session: Session, *, slot_id: int, person_id: int, actor: Principal | None, channel: str = Channel.hotline,
         idempotency_key: str, hold: bool = False, scarce: bool = False, lane: str = Lane.normal,
         business_ref: str = "", allocated: bool = False) -> BookingView:
    """Take a place in the slot for the person: held (`hold`) or confirmed at once. See the module's notes."""
    key = scoped_key(actor, idempotency_key)
    found = _by_key(session, key)
    if found is not None:
        return _same_request(found, slot_id, person_id)
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise NotFoundHere()
    office = session.get(HallOffice, slot.hall_office_id)
    assert office is not None
    _check_bookable(session, slot, office, person_id, channel, allocated)
    try:
        with session.begin_nested():
            take_person_day(session, person_id, slot.day, office.person_daily_cap)
            _check_overlap(session, person_id, slot)
            now = utc_now()
            booking = Booking(
                slot_id=slot.id, hall_office_id=slot.hall_office_id, person_id=person_id,
                business_group=slot.business_group, day=slot.day, start_min=slot.start_min, end_min=slot.end_min,
                status=BookingStatus.held if hold else BookingStatus.confirmed, channel=Channel(channel).value,
                booked_by=actor.id if actor else None, idempotency_key=key, scarce=scarce, lane=Lane(lane).value,
                hold_expires_at=now + dt.timedelta(minutes=office.hold_minutes) if hold else None,
                checkin_code=secrets.token_urlsafe(12), business_ref=business_ref[:40],
                province_code=office.province_code, created_at=now)
            session.add(booking)
            session.flush()
            audit.record(session, "hall_booking.hold" if hold else "hall_booking.book", "hall_booking", booking.id,
                         f"slot {slot.id} {slot.day} {hhmm(slot.start_min)} {channel}")
            if not hold:
                _confirmed(session, booking, slot)
            # The contended row last: its lock is held only from here to the commit.
            if not take_place(session, slot.id, scarce=scarce):
                raise SlotFull()
    except (IntegrityError, Overlap, DailyCapReached, SlotFull):
        # A retry that raced the first request waited on the person's day row and now meets that request's
        # booking (as an overlap, the cap, or the key's unique index): it answers with that booking.
        found = _by_key(session, key)
        if found is None:
            raise
        return _same_request(found, slot_id, person_id)
    return view(booking)


def _by_key(session: Session, key: str) -> Booking | None:
    return session.execute(select(Booking).where(Booking.idempotency_key == key)).scalar_one_or_none()


def _same_request(found: Booking, slot_id: int, person_id: int) -> BookingView:
    if found.person_id != person_id or (found.slot_id != slot_id and found.status in TAKING):
        raise IdempotencyMismatch()
    return view(found)


def _check_bookable(session: Session, slot: Slot, office: HallOffice, person_id: int, channel: str,
                    allocated: bool) -> None:
    if slot.blocked:
        raise SlotClosed()
    if slot.allocation != Allocation.first_come and not allocated:
        raise FairAllocationOnly()
    now = utc_now()
    if channel != Channel.business and not allocated and (
            slot.starts_at < now + dt.timedelta(minutes=office.min_notice_minutes)
            or slot.day > today() + dt.timedelta(days=office.horizon_days)):
        raise OutsideHorizon(notice=office.min_notice_minutes, days=office.horizon_days)
    if exemption_of(session, person_id, channel, office) is None:
        ban = ban_of(session, person_id, office)
        if ban is not None:
            raise Banned(count=ban[0], until=ban[1].isoformat())


def _check_overlap(session: Session, person_id: int, slot: Slot) -> None:
    clash = session.execute(select(Booking.id).where(
        Booking.person_id == person_id, Booking.day == slot.day, Booking.status.in_(TAKING),
        Booking.start_min < slot.end_min, Booking.end_min > slot.start_min).limit(1)).first()
    if clash is not None:
        raise Overlap()


def _confirmed(session: Session, booking: Booking, slot: Slot) -> None:
    office = hall_office(session, booking.hall_office_id)
    events.emit(session, "halls.booked", figures.booked(booking, slot, office.code),
                province_code=booking.province_code)
    if booking.booked_by is not None:
        enqueue(session, "inapp", str(booking.booked_by), "hall_booking_confirmed",
                {"office": office.name, "day": booking.day.isoformat(), "time": hhmm(booking.start_min),
                 "code": booking.checkin_code[:8]}, province_code=booking.province_code)
    tell_principal(session, booking, "hall_booking_by_proxy")


def get_booking(session: Session, booking_id: int) -> Booking:
    row = session.get(Booking, booking_id)
    if row is None:
        raise NotFoundHere()
    return row


def ensure_may_see(actor: Principal, b: Booking) -> None:
    """A citizen sees only the bookings of their own person or the ones they made."""
    if actor.role in ("citizen", "enterprise_agent") and b.person_id != actor.person_id and b.booked_by != actor.id:
        raise NotFoundHere()


def confirm(session: Session, booking_id: int, *, actor: Principal | None, expected_version: int | None = None,
            role: str | None = None) -> BookingView:
    b = get_booking(session, booking_id)
    if actor is not None:
        ensure_may_see(actor, b)
    if b.status == BookingStatus.confirmed:
        return view(b)  # a retried confirm
    if b.status == BookingStatus.held and b.hold_expires_at is not None and b.hold_expires_at <= utc_now():
        _expire(session, b)
        raise HoldExpired()
    if b.status == BookingStatus.expired:
        raise HoldExpired()
    if actor is not None and b.channel == Channel.proxy and actor.role == "citizen" and actor.person_id != b.person_id:
        # The authority may have been revoked or run out while the time was held.
        principal_person(session, actor, b.business_group, person_id=b.person_id)
    BOOKING.apply(session, b, "confirm", role=role, expected_version=expected_version)
    b.hold_expires_at = None
    session.flush()
    slot = session.get(Slot, b.slot_id)
    assert slot is not None
    _confirmed(session, b, slot)
    return view(b)


def _free(session: Session, b: Booking) -> None:
    give_back(session, b.slot_id, scarce=b.scarce)
    release_person_day(session, b.person_id, b.day)


def _expire(session: Session, b: Booking) -> None:
    _free(session, b)
    BOOKING.apply(session, b, "expire", role="system")


def expire_holds(session: Session) -> int:
    """The job: release every hold past its time limit."""
    due = session.execute(select(Booking).where(Booking.status == BookingStatus.held,
                                                Booking.hold_expires_at <= utc_now()).limit(500)).scalars().all()
    for b in due:
        _expire(session, b)
    return len(due)


def cancel(session: Session, booking_id: int, *, actor: Principal | None, reason: str = "",
           expected_version: int | None = None, tell: bool = True) -> BookingView:
    """Cancel and give the place back; a proxy's cancelling is told to the principal (`tell`: not when the
    cancel is half of a reschedule, whose new booking is told instead)."""
    b = get_booking(session, booking_id)
    role = actor.role if actor else "system"
    if actor is not None:
        ensure_may_see(actor, b)
    office = session.get(HallOffice, b.hall_office_id)
    assert office is not None
    if role in ("citizen", "enterprise_agent") and b.status == BookingStatus.confirmed:
        starts = local_start(b.day, b.start_min)
        if utc_now() > starts - dt.timedelta(minutes=office.cancel_notice_minutes):
            raise TooLateToChange(minutes=office.cancel_notice_minutes)
    BOOKING.apply(session, b, "cancel", role=role, expected_version=expected_version, summary=reason[:200])
    _free(session, b)
    session.flush()
    if tell and actor is not None and actor.id == b.booked_by and actor.person_id != b.person_id:
        tell_principal(session, b, "hall_booking_cancelled_by_proxy")
    return view(b)


def reschedule(session: Session, booking_id: int, *, new_slot_id: int, actor: Principal | None,
               idempotency_key: str) -> BookingView:
    """Move to another slot: the new place is taken before the old one is given back, in one savepoint."""
    b = get_booking(session, booking_id)
    found = _by_key(session, scoped_key(actor, idempotency_key))
    if found is not None:
        return view(found)
    channel, lane, scarce = b.channel, b.lane, b.scarce
    with session.begin_nested():
        cancel(session, booking_id, actor=actor, reason=f"rescheduled to slot {new_slot_id}", tell=False)
        new = book(session, slot_id=new_slot_id, person_id=b.person_id, actor=actor, channel=channel,
                   idempotency_key=idempotency_key, lane=lane, scarce=scarce)
    return new


def mark_no_shows(session: Session) -> int:
    """The job: confirmed bookings whose check-in window closed without a check-in become no-shows."""
    now = utc_now()
    local_now = now.astimezone(CHINA_TZ)
    minute = local_now.hour * 60 + local_now.minute
    done = 0
    offices = {o.id: o for o in session.execute(select(HallOffice)).scalars()}
    rows = session.execute(select(Booking).where(Booking.status == BookingStatus.confirmed,
                                                 Booking.day <= local_now.date()).limit(1000)).scalars().all()
    for b in rows:
        office = offices[b.hall_office_id]
        if b.day == local_now.date() and b.start_min + office.checkin_late_minutes > minute:
            continue
        code = hall_office(session, b.hall_office_id).code
        BOOKING.apply(session, b, "no_show", role="system", province_code=b.province_code, payload=figures.no_show(
            b, code, exempt=exemption_of(session, b.person_id, b.channel, office) is not None))
        done += 1
    return done


def bookings_of_person(session: Session, person_id: int, *, booked_by: int | None = None) -> list[BookingView]:
    cond = Booking.person_id == person_id
    if booked_by is not None:
        cond = cond | (Booking.booked_by == booked_by)
    rows = session.execute(select(Booking).where(cond).order_by(Booking.day.desc(), Booking.start_min.desc())
                           .limit(100)).scalars()
    return [view(b) for b in rows]


def booking_by_code(session: Session, code: str) -> Booking | None:
    return session.execute(select(Booking).where(Booking.checkin_code == code.strip())).scalar_one_or_none()


def office_bookings(session: Session, hall_office_id: int, day: dt.date) -> list[Booking]:
    return list(session.execute(select(Booking).where(Booking.hall_office_id == hall_office_id, Booking.day == day)
                                .order_by(Booking.start_min, Booking.id)).scalars())
