"""Vehicle kinds of the demo and their inspection schedules (道路交通安全法实施条例 art 16 with the 2022 reform).

The authoritative, versioned interval rules live in the deadlines room; this is only what the demo
needs to give each vehicle a believable "inspection valid until" date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from jiaoguan.kit.calendar import add_months


@dataclass(frozen=True)
class VehicleKind:
    vehicle_type: str
    use_nature: str       # 使用性质
    plate_type: str       # GA 24.7 code
    plate_family: str     # see idgen.FAMILIES
    seats: int
    wmis: tuple[str, ...]  # world manufacturer identifiers plausible for the kind
    schedule: str


_CARS = ("LSV", "LFV", "LSG", "LVS", "LHG", "LVG", "LGB", "LBV", "LDC", "LGW")
_NEV = ("LGX", "LRW", "LNB", "LC0", "LFP")
_TRUCKS = ("LZZ", "LFW", "LGA", "LRD", "LFN")

KINDS: dict[str, VehicleKind] = {
    "small_car": VehicleKind("small_car", "non_operating", "02", "ordinary", 5, _CARS, "private_car"),
    "mpv": VehicleKind("small_car", "non_operating", "02", "ordinary", 7, _CARS, "private_car"),
    "small_nev": VehicleKind("small_car", "non_operating", "52", "small_nev", 5, _NEV, "private_car"),
    "taxi": VehicleKind("small_car", "operating_passenger", "02", "ordinary", 5, _CARS, "operating_passenger"),
    "light_truck": VehicleKind("light_truck", "freight", "02", "ordinary", 3, _TRUCKS, "truck"),
    "motorcycle": VehicleKind("motorcycle", "non_operating", "07", "ordinary", 2, ("LCE", "LAE", "LBP"),
                              "motorcycle"),
    "heavy_truck": VehicleKind("heavy_truck", "freight", "01", "ordinary", 3, _TRUCKS, "truck"),
    "tractor_unit": VehicleKind("tractor_unit", "freight", "01", "ordinary", 2, _TRUCKS, "truck"),
    "semi_trailer": VehicleKind("semi_trailer", "freight", "15", "trailer", 0, ("LA9", "LJR", "LH1"), "truck"),
    "nev_truck": VehicleKind("heavy_truck", "freight", "51", "large_nev", 3, ("LGX", "LZZ"), "truck"),
    "large_bus": VehicleKind("large_bus", "operating_passenger", "01", "ordinary", 45, ("LZY", "LKL", "LA6"),
                             "operating_passenger"),
}

# Personal vehicles by share; fleets are drawn separately.
PERSONAL_KINDS = (("small_car", 62), ("small_nev", 16), ("mpv", 6), ("motorcycle", 8), ("light_truck", 4),
                  ("taxi", 4))
FLEET_KINDS = (("heavy_truck", 40), ("tractor_unit", 25), ("semi_trailer", 25), ("nev_truck", 5),
               ("light_truck", 5))


def month_end(d: dt.date) -> dt.date:
    # Inspection marks are valid to the end of a month ("检验有效期至 2026年05月").
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def inspection_dues(schedule: str, registered: dt.date) -> Iterator[dt.date]:
    """Successive "valid until" dates from registration, for ever."""
    if schedule == "private_car":
        # Exempt from on-site inspection for 6 years, on-site in years 6 and 10, sticker every 2 years to 10.
        steps = [24, 24, 24, 24, 24]
        then = 12
    elif schedule == "motorcycle":
        steps, then = [24, 24], 12
    elif schedule == "operating_passenger":
        steps, then = [12] * 5, 6
    else:  # trucks, trailers and large non-operating passenger vehicles
        steps, then = [12] * 10, 6
    months = 0
    for step in steps:
        months += step
        yield month_end(add_months(registered, months))
    while True:
        months += then
        yield month_end(add_months(registered, months))


def current_and_past_dues(schedule: str, registered: dt.date, on: dt.date) -> tuple[dt.date, list[dt.date]]:
    """The first due date on or after `on`, and the due dates before it (most recent last)."""
    past: list[dt.date] = []
    for due in inspection_dues(schedule, registered):
        if due >= on:
            return due, past
        past.append(due)
    raise AssertionError("unreachable: the schedule is endless")
