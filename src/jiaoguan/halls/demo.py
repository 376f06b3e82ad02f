"""Demo data of the halls room: the main office of each demo province with its windows, hours, slot plans
and slots for two weeks, some appointments (the demo citizen's among them, the elder's booked by the
hotline), exam requests, and a queue on today's floor so every page shows something. Only flushes."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.offices import offices as all_offices
from jiaoguan.accounts.service import principal_by_username
from jiaoguan.halls import allocation, booking, offices, queue, slots
from jiaoguan.halls.models import Slot
from jiaoguan.halls.schedule import HoursRule
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.registry.queries import persons_in_province

ADDRESSES = {"11": "北京市朝阳区北苑路甲13号", "31": "上海市浦东新区华夏东路1号", "44": "广州市天河区华观路1号",
             "51": "成都市武侯区晋阳路1号", "14": "太原市小店区长治路1号", "42": "武汉市江汉区常青路1号"}
WINDOWS = (("01", "emergency"), ("02", "key_material"), ("03", "normal"), ("04", "normal"), ("05", "normal"),
           ("06", "assisted"))


def hours() -> list[HoursRule]:
    start = today()
    rules = [HoursRule("regular", d, 9 * 60, 12 * 60) for d in range(5)]
    rules += [HoursRule("regular", d, 13 * 60 + 30, 17 * 60) for d in range(5)]
    rules += [HoursRule("extended", d, 17 * 60, 19 * 60, start, start + dt.timedelta(days=90)) for d in (1, 3)]
    rules.append(HoursRule("weekend", 5, 9 * 60, 12 * 60, start, start + dt.timedelta(days=90)))
    return rules


def load_demo_part(session: Session, world: Any = None) -> dict[str, int]:
    counts = {"hall_office": 0, "hall_booking": 0, "hall_ticket": 0}
    mains = [o for o in all_offices(session) if o.code.endswith("01")]
    citizen = principal_by_username(session, "citizen")
    elder = principal_by_username(session, "elder")
    hotline = principal_by_username(session, "hotline")
    for base in mains:
        hall = offices.ensure_hall_office(session, base.id, address=ADDRESSES.get(base.province_code, ""),
                                          phone="12123")
        counts["hall_office"] += 1
        offices.set_hours(session, hall.id, hours())
        for group, minutes, cap, scarce in (("vehicle", 30, 6, None), ("licence", 30, 6, None),
                                            ("violation", 30, 4, None), ("inspection", 60, 8, 2)):
            offices.set_plan(session, hall.id, group, slot_minutes=minutes, capacity=cap, scarce_capacity=scarce)
        offices.set_plan(session, hall.id, "exam", slot_minutes=120, capacity=10, allocation="lottery",
                         request_days=3)
        for code, lane in WINDOWS:
            offices.add_window(session, hall.id, code, lane=lane)
        slots.generate(session, hall.id, today(), today() + dt.timedelta(days=14))
        people = persons_in_province(session, base.province_code, limit=12)
        counts["hall_booking"] += _bookings(session, hall.id, [p.id for p in people])
        if base.province_code == "11":
            for who, actor, channel in ((citizen, citizen, "citizen"), (elder, hotline, "hotline")):
                if who is not None and who.person_id is not None:
                    counts["hall_booking"] += _bookings(session, hall.id, [who.person_id], actor=actor,
                                                        channel=channel, key=f"demo-{channel}")
        counts["hall_ticket"] += _floor(session, hall.id, [p.id for p in people[6:]])
        _exam_requests(session, hall.id, [p.id for p in people])
    return counts


def _next_open_day(session: Session, office_id: int, group: str) -> dt.date | None:
    return session.execute(select(Slot.day).where(Slot.hall_office_id == office_id, Slot.business_group == group,
                                                  Slot.day > today()).order_by(Slot.day).limit(1)).scalar_one_or_none()


def _bookings(session: Session, office_id: int, person_ids: list[int], *, actor: Any = None, channel: str = "clerk",
              key: str = "demo") -> int:
    made = 0
    for i, person_id in enumerate(person_ids[:6]):
        group = ("vehicle", "licence", "violation", "inspection")[i % 4]
        day = _next_open_day(session, office_id, group)
        if day is None:
            continue
        free = slots.slots_on(session, office_id, group, day)
        if not free:
            continue
        try:
            booking.book(session, slot_id=free[(i * 2) % len(free)].id, person_id=person_id, actor=actor,
                         channel=channel, idempotency_key=f"{key}-{office_id}-{person_id}")
            made += 1
        except JiaoguanError:
            continue
    return made


def _floor(session: Session, office_id: int, person_ids: list[int]) -> int:
    """Today's queue: walk-ins, an assisted ticket, an emergency case; window 03 has called one."""
    issued = 0
    for i, person_id in enumerate(person_ids[:4]):
        queue.walk_in(session, office_id=office_id, business_group=("vehicle", "licence")[i % 2], source="kiosk",
                      person_id=person_id)
        issued += 1
    queue.walk_in(session, office_id=office_id, business_group="vehicle", source="clerk", assisted=True)
    queue.issue_emergency_ticket(session, office_id=office_id, actor=None, reference="HL-DEMO-0001")
    issued += 2
    window = next(w for w in offices.windows(session, office_id) if w.code == "03")
    with contextlib.suppress(JiaoguanError):
        queue.call_next(session, window.id, role="system")
    return issued


def _exam_requests(session: Session, office_id: int, person_ids: list[int]) -> None:
    day = _next_open_day(session, office_id, "exam")
    while day is not None and day <= today() + dt.timedelta(days=3):
        day = session.execute(select(Slot.day).where(Slot.hall_office_id == office_id, Slot.business_group == "exam",
                                                     Slot.day > day).order_by(Slot.day).limit(1)).scalar_one_or_none()
    if day is None:
        return
    for i, person_id in enumerate(person_ids):
        try:
            allocation.request_place(session, office_id=office_id, business_group="exam", day=day,
                                     person_id=person_id, accepted_on=today() - dt.timedelta(days=10 + 7 * i),
                                     actor=None)
        except JiaoguanError:
            return
