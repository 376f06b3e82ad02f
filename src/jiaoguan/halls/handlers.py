"""What the halls room does when other rooms' events arrive.

`business.booking_requested` {kind: inspection|exam, business, id, person, province, day}: the business
room approved an application that needs a vehicle inspection or a driving test. An inspection gets the
earliest free slot of an office of the province (from tomorrow, over the horizon), booked with the
business as its channel and the application as its idempotency key; an exam place is requested for the
first day whose request window is still open, to be allocated by the published rule. Nothing to offer
(no office with the business in the province, no free place) is recorded, not retried.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.halls import allocation, booking
from jiaoguan.halls.errors import SlotFull
from jiaoguan.halls.models import HallOffice, Slot, SlotPlan
from jiaoguan.halls.vocab import Allocation, Channel
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today
from jiaoguan.kit.events import Event


def _offices_with(session: Session, province: str, group: str) -> list[SlotPlan]:
    return list(session.execute(select(SlotPlan).join(HallOffice, HallOffice.id == SlotPlan.hall_office_id).where(
        HallOffice.province_code == province, SlotPlan.business_group == group).order_by(HallOffice.id)).scalars())


def on_booking_requested(session: Session, event: Event) -> None:
    p: dict[str, Any] = event.payload
    group = "exam" if p.get("kind") == "exam" else "inspection"
    person = str(p.get("person", ""))
    ref = f"{p.get('business', '')}#{p.get('id', '')}"
    if not person.isdigit():
        audit.record(session, "halls.booking_request_unplaced", "business", str(p.get("id", "")), "no person")
        return
    person_id = int(person)
    for plan in _offices_with(session, str(p.get("province", "")), group):
        if plan.allocation != Allocation.first_come:
            first_day = today() + dt.timedelta(days=plan.request_days + 1)
            day = session.execute(select(Slot.day).where(Slot.hall_office_id == plan.hall_office_id,
                                                         Slot.business_group == group, Slot.day >= first_day)
                                  .order_by(Slot.day).limit(1)).scalar_one_or_none()
            if day is None:
                continue
            allocation.request_place(session, office_id=plan.hall_office_id, business_group=group, day=day,
                                     person_id=person_id, accepted_on=dt.date.fromisoformat(p["day"]), actor=None,
                                     channel=Channel.business)
            return
        candidates = session.execute(select(Slot.id).where(
            Slot.hall_office_id == plan.hall_office_id, Slot.business_group == group, Slot.blocked.is_(False),
            Slot.booked < Slot.capacity, Slot.day > today()).order_by(Slot.day, Slot.start_min).limit(50)).scalars()
        for slot_id in candidates:
            try:
                booking.book(session, slot_id=slot_id, person_id=person_id, actor=None, channel=Channel.business,
                             idempotency_key=f"business:{p.get('id')}:{group}", business_ref=ref)
                return
            except SlotFull:
                continue
            except Exception:  # the person's day is full or clashes: try the next slot
                continue
    audit.record(session, "halls.booking_request_unplaced", "business", str(p.get("id", "")), f"{group}: no place")
