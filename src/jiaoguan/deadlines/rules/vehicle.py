"""A vehicle's deadlines: periodic inspection (实施条例 art 16, Decree 164 art 54), compulsory
scrapping after three inspection cycles without a sticker (机动车强制报废标准规定 art 4), and the end of
its compulsory insurance (交强险, 《机动车交通事故责任强制保险条例》; driving uninsured: 道交法 art 98).

Validity ends on the last day of the registration month (the 行驶证 shows 检验有效期至 YYYY年MM月), so
each next validity end is a month end counted from the current one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jiaoguan.deadlines.rules.intervals import (
    IntervalRow,
    IntervalTable,
    VehicleType,
    VehicleUse,
    shipped_intervals,
)
from jiaoguan.deadlines.rules.kinds import Deadline, DeadlineKind, Lapse, VehicleClass
from jiaoguan.kit.calendar import add_months, days_in_month

STICKER_WINDOW_MONTHS = 3     # Decree 164 art 54: apply within 3 months before the validity ends
CYCLES_BEFORE_SCRAPPING = 3   # three consecutive cycles without a sticker

_HEAVY_TYPES = frozenset({VehicleType.LARGE_PASSENGER, VehicleType.MEDIUM_PASSENGER,
                          VehicleType.HEAVY_TRUCK, VehicleType.MEDIUM_TRUCK, VehicleType.TRAILER})


@dataclass(frozen=True)
class Vehicle:
    registered: dt.date
    vehicle_type: VehicleType
    use: VehicleUse
    seats: int
    inspection_valid_until: dt.date
    is_van: bool = False            # 面包车: the reforms exclude it
    reform_excluded: bool = False   # illegally modified, or in a fatal accident: art 16 intervals apply
    insurance_valid_until: dt.date | None = None   # 交强险 policy end, when known

    @property
    def vehicle_class(self) -> VehicleClass:
        return VehicleClass.HEAVY if self.vehicle_type in _HEAVY_TYPES else VehicleClass.OTHER


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=days_in_month(day.year, day.month))


def age_in_months(registered: dt.date, day: dt.date) -> int:
    return (day.year - registered.year) * 12 + day.month - registered.month


def next_validity_end(vehicle: Vehicle, valid_until: dt.date, table: IntervalTable | None = None) -> dt.date:
    """Where validity ends after an inspection that renews `valid_until`."""
    row = _row(vehicle, valid_until, table)
    return month_end(add_months(valid_until, row.interval_months(age_in_months(vehicle.registered,
                                                                                valid_until))))


def is_sticker_only(vehicle: Vehicle, valid_until: dt.date, table: IntervalTable | None = None) -> bool:
    """Whether renewing the validity that ends on `valid_until` needs only a sticker (免检)."""
    row = _row(vehicle, valid_until, table)
    age = age_in_months(vehicle.registered, valid_until)
    return age % 12 == 0 and age // 12 in row.sticker_only_years


def cycle_ends(vehicle: Vehicle, count: int, table: IntervalTable | None = None) -> list[dt.date]:
    """The ends of the next `count` cycles after the current validity, if no sticker is obtained."""
    ends, current = [], vehicle.inspection_valid_until
    for _ in range(count):
        current = next_validity_end(vehicle, current, table)
        ends.append(current)
    return ends


def cycles_without_sticker(vehicle: Vehicle, on: dt.date, table: IntervalTable | None = None) -> int:
    """How many inspection cycles have begun since the validity ended, as of `on` (0 while valid)."""
    count, start = 0, vehicle.inspection_valid_until
    while start < on and count <= CYCLES_BEFORE_SCRAPPING:
        count += 1
        start = next_validity_end(vehicle, start, table)
    return count


def scrapping_of(vehicle: Vehicle, table: IntervalTable | None = None) -> Lapse:
    """The end of the third cycle without a sticker: the vehicle must be scrapped, no longer inspected."""
    return Lapse(DeadlineKind.COMPULSORY_SCRAPPING, cycle_ends(vehicle, CYCLES_BEFORE_SCRAPPING, table)[-1])


def latest_scrapping(inspection_due: dt.date, table: IntervalTable | None = None) -> Lapse:
    """Knowing only the inspection date: the latest the scrapping line can fall (three of the longest
    cycles), so a measure that began after it provably came too late for the vehicle."""
    longest = (table or shipped_intervals()).longest_interval_months
    return Lapse(DeadlineKind.COMPULSORY_SCRAPPING,
                 month_end(add_months(inspection_due, longest * CYCLES_BEFORE_SCRAPPING)))


def insurance_deadline(valid_until: dt.date) -> Deadline:
    return Deadline(DeadlineKind.COMPULSORY_INSURANCE, valid_until, "JQX", detail="交强险")


def vehicle_deadlines(vehicle: Vehicle, on: dt.date, table: IntervalTable | None = None) -> list[Deadline]:
    due = vehicle.inspection_valid_until
    detail = "sticker-only" if is_sticker_only(vehicle, due, table) else "on-site"
    opens = add_months(due, -STICKER_WINDOW_MONTHS)
    scrap = scrapping_of(vehicle, table)
    found = [Deadline(DeadlineKind.INSPECTION, due, "RTSL-IR-16", opens=opens, detail=detail, lapse=scrap)]
    if on > due:
        missed = cycles_without_sticker(vehicle, on, table)
        found.append(Deadline(DeadlineKind.COMPULSORY_SCRAPPING, scrap.due, "SCRAP-4",
                              detail=f"{missed} cycle(s) begun without a sticker"))
    if vehicle.insurance_valid_until is not None:
        found.append(insurance_deadline(vehicle.insurance_valid_until))
    return found


def _row(vehicle: Vehicle, valid_until: dt.date, table: IntervalTable | None) -> IntervalRow:
    eligible = not (vehicle.is_van or vehicle.reform_excluded)
    _, row = (table or shipped_intervals()).row_for(valid_until, vehicle.vehicle_type, vehicle.use,
                                                    vehicle.seats, eligible)
    return row
