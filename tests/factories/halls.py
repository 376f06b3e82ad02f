"""An office with a hall: windows in every lane, Monday–Friday hours with extended Thursday evenings, a
weekend service Saturday, slot plans and slots (through the halls room's services)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from jiaoguan.accounts.offices import add_office
from jiaoguan.halls import offices, slots
from jiaoguan.halls.models import HallOffice
from jiaoguan.halls.schedule import HoursRule
from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.registry.models import Person
from tests.factories import registry

# Monday 9 May 2022, 08:00 in Beijing: the first week after the May Day holidays (30 Apr – 4 May),
# Saturday 7 May was a make-up working day.
MONDAY = dt.datetime(2022, 5, 9, 8, 0, tzinfo=CHINA_TZ)
_serial = itertools.count(1)


def standard_hours(*, weekend_from: dt.date | None = None, weekend_to: dt.date | None = None) -> list[HoursRule]:
    rules = [HoursRule("regular", d, 9 * 60, 12 * 60) for d in range(5)]
    rules += [HoursRule("regular", d, 13 * 60 + 30, 17 * 60) for d in range(5)]
    rules.append(HoursRule("extended", 3, 17 * 60, 19 * 60))  # Thursday evenings (延时服务)
    if weekend_from:
        rules.append(HoursRule("weekend", 5, 9 * 60, 12 * 60, weekend_from, weekend_to))
    return rules


def hall(db: Session, *, province: str = "11", capacity: int = 5, scarce_capacity: int | None = None,
         groups: tuple[str, ...] = ("vehicle", "licence"), days: int = 7, start: dt.date | None = None,
         exam_allocation: str | None = None, **rules: int) -> HallOffice:
    n = next(_serial)
    base = add_office(db, code=f"{province}T{n:06d}", name=f"测试车管所{n}", name_en=f"Test office {n}",
                      division_code=f"{province}0105")
    office = offices.ensure_hall_office(db, base.id, address="测试路1号", phone="010-12345678")
    offices.set_hours(db, office.id, standard_hours(weekend_from=dt.date(2022, 5, 1), weekend_to=dt.date(2022, 6, 30)))
    for group in groups:
        offices.set_plan(db, office.id, group, slot_minutes=30, capacity=capacity, scarce_capacity=scarce_capacity)
    if exam_allocation:
        offices.set_plan(db, office.id, "exam", slot_minutes=60, capacity=capacity, allocation=exam_allocation)
    for code, lane in (("01", "emergency"), ("02", "key_material"), ("03", "normal"), ("04", "normal"),
                       ("05", "assisted")):
        offices.add_window(db, office.id, code, lane=lane)
    if rules:
        offices.configure_office(db, office.id, **rules)
    first = start or MONDAY.date()
    slots.generate(db, office.id, first, first + dt.timedelta(days=days))
    return office


def people(db: Session, n: int, *, province: str = "11", birth: dt.date = dt.date(1980, 1, 1)) -> list[Person]:
    """`n` distinct people (distinct birth dates keep their ID numbers apart)."""
    base = next(_serial) * 1000
    return [registry.person(db, province=province, birth=birth + dt.timedelta(days=base % 5000 + i))
            for i in range(n)]
