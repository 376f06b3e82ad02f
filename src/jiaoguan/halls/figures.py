"""The halls room's facts for the figures (the shared event contract), emitted live and recounted from its data.

Each payload is built by one function here, used where the room emits the event (booking.py, queue.py) and by
`recount`, which `Room.figures` names for `jiaoguan stats rebuild`:

- `halls.booked`: a booking confirmed, on the day it was made (what the measure did today: bookings are for days
  ahead), with its slot's weekend and extended-hours flags.
  A booking counts when it was ever confirmed: it is confirmed, checked in, served or a no-show now, or it was
  cancelled after confirmation (a confirmed booking has no hold time left; a cancelled hold still has one).
- `halls.no_show`: a confirmed booking nobody came to, on its day.
- `halls.served`: a ticket done at a window, with its lane and the wait from ticket (or requeue) to call.
- `halls.booking_moved`: a blackout moved a confirmed booking to another slot (slots.py): the `halls.booked` fact
  as it was counted (`was`, the old slot) and as it stands now (`now`, the new slot); the figures move the
  booking's weekend and extended-hours counts from the one to the other. The recount has no such fact: it reads
  the booking on the slot it now holds, which is where the live figures have moved it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jiaoguan.halls.models import Booking, HallOffice, Slot, Ticket
from jiaoguan.halls.offices import hall_office
from jiaoguan.halls.states import BookingStatus, TicketStatus
from jiaoguan.kit.clock import CHINA_TZ, on_china_days

Fact = tuple[str, dict[str, Any]]
WAS_CONFIRMED = (BookingStatus.confirmed.value, BookingStatus.checked_in.value, BookingStatus.no_show.value,
                 BookingStatus.served.value)


def booked(b: Booking, slot: Slot, office_code: str) -> dict[str, Any]:
    return {"province": b.province_code, "day": local_day(b.created_at), "slot_day": b.day.isoformat(),
            "office": office_code, "person": str(b.person_id), "lane": b.lane, "business_group": b.business_group,
            "channel": b.channel, "weekend": bool(slot.weekend),
            "extended_hours": bool(slot.extended)}


def moved(b: Booking, was: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """A confirmed booking on another slot: `was` and `now` are its `booked` facts before and after the move."""
    return {"province": b.province_code, "day": now["day"], "office": now["office"], "person": str(b.person_id),
            "booking": b.id, "was": was, "now": now}


def no_show(b: Booking, office_code: str, *, exempt: bool = False) -> dict[str, Any]:
    return {"province": b.province_code, "day": b.day.isoformat(), "office": office_code, "person": str(b.person_id),
            "business_group": b.business_group, "exempt": exempt}


def served(t: Ticket, office_code: str, *, now: dt.datetime) -> dict[str, Any]:
    """`now` is the completion time (the wait of a ticket never called runs to it)."""
    wait = int(((t.called_at or now) - t.issued_at).total_seconds())
    out: dict[str, Any] = {"province": t.province_code, "day": t.day.isoformat(), "office": office_code,
                           "lane": t.lane, "business_group": t.business_group, "wait_seconds": max(wait, 0)}
    if t.person_id is not None:
        out["person"] = str(t.person_id)
    return out


def local_day(at: dt.datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(CHINA_TZ).date().isoformat()


def _in(column: Any, start: dt.date | None, end: dt.date | None) -> list[Any]:
    return [*([column >= start] if start else []), *([column <= end] if end else [])]


def recount(session: Session, start: dt.date | None = None, end: dt.date | None = None) -> Iterator[Fact]:
    """Every halls fact whose day falls in [start, end] (None = unbounded), from the tables."""
    codes = {i: hall_office(session, i).code for i in session.scalars(select(HallOffice.id))}
    confirmed = or_(Booking.status.in_(WAS_CONFIRMED),
                    (Booking.status == BookingStatus.cancelled.value) & Booking.hold_expires_at.is_(None))
    for b, slot in session.execute(select(Booking, Slot).join(Slot, Slot.id == Booking.slot_id)
                                   .where(confirmed, *on_china_days(Booking.created_at, start, end))):
        yield "halls.booked", booked(b, slot, codes[b.hall_office_id])
    for b in session.scalars(select(Booking).where(Booking.status == BookingStatus.no_show.value,
                                                   *_in(Booking.day, start, end))):
        yield "halls.no_show", no_show(b, codes[b.hall_office_id])
    for t in session.scalars(select(Ticket).where(Ticket.status == TicketStatus.done.value,
                                                  *_in(Ticket.day, start, end))):
        assert t.done_at is not None
        yield "halls.served", served(t, codes[t.hall_office_id], now=t.done_at)
