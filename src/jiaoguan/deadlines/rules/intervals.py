"""The periodic-inspection interval table (实施条例 art 16 and its reforms), loaded from data.

The table lives in `data/inspection_intervals.json`, one complete set of rows per rule version, so a
new reform is a data change. A cycle follows the version in force on the day the current validity
ends (that is when the next validity is set).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any


class VehicleType(StrEnum):
    LARGE_PASSENGER = "large-passenger"    # 大型客车
    MEDIUM_PASSENGER = "medium-passenger"  # 中型客车
    SMALL_PASSENGER = "small-passenger"    # 小型客车 (≤ 9 seats)
    MINI_PASSENGER = "mini-passenger"      # 微型客车
    HEAVY_TRUCK = "heavy-truck"
    MEDIUM_TRUCK = "medium-truck"
    LIGHT_TRUCK = "light-truck"
    MINI_TRUCK = "mini-truck"
    TRAILER = "trailer"                    # 挂车
    MOTORCYCLE = "motorcycle"
    TRACTOR = "tractor"
    OTHER = "other"


class VehicleUse(StrEnum):
    OPERATING = "operating"          # 营运
    NON_OPERATING = "non-operating"  # 非营运


@dataclass(frozen=True)
class IntervalRow:
    category: str
    steps: tuple[tuple[int | None, int], ...]   # (age in years below which, interval in months)
    use: VehicleUse | None = None
    types: frozenset[VehicleType] | None = None
    max_seats: int | None = None
    reform_eligible: bool = False               # vans, modified and fatal-accident vehicles keep art 16
    sticker_only_years: frozenset[int] = frozenset()

    def matches(self, vehicle_type: VehicleType, use: VehicleUse, seats: int, eligible: bool) -> bool:
        return ((self.types is None or vehicle_type in self.types)
                and (self.use is None or use == self.use)
                and (self.max_seats is None or seats <= self.max_seats)
                and (eligible or not self.reform_eligible))

    def interval_months(self, age_months: int) -> int:
        for below_years, months in self.steps:
            if below_years is None or age_months < below_years * 12:
                return months
        raise ValueError(f"interval row {self.category!r} has no open-ended last step")


@dataclass(frozen=True)
class IntervalVersion:
    effective: dt.date
    name: str
    rows: tuple[IntervalRow, ...]


@dataclass(frozen=True)
class IntervalTable:
    versions: tuple[IntervalVersion, ...]   # sorted by effective date

    def version_on(self, day: dt.date) -> IntervalVersion:
        current = self.versions[0]
        for version in self.versions:
            if version.effective <= day:
                current = version
        return current

    def row_for(self, day: dt.date, vehicle_type: VehicleType, use: VehicleUse, seats: int,
                eligible: bool) -> tuple[IntervalVersion, IntervalRow]:
        version = self.version_on(day)
        for row in version.rows:
            if row.matches(vehicle_type, use, seats, eligible):
                return version, row
        raise LookupError(f"no inspection interval for {vehicle_type} in {version.name}")


def parse_table(doc: dict[str, Any]) -> IntervalTable:
    versions = []
    for v in doc["versions"]:
        rows = tuple(
            IntervalRow(
                category=r["category"],
                steps=tuple((below, int(months)) for below, months in r["steps"]),
                use=VehicleUse(r["use"]) if r.get("use") else None,
                types=frozenset(VehicleType(t) for t in r["types"]) if r.get("types") else None,
                max_seats=r.get("max_seats"),
                reform_eligible=bool(r.get("reform_eligible", False)),
                sticker_only_years=frozenset(r.get("sticker_only_years", ())),
            )
            for r in v["rows"]
        )
        versions.append(IntervalVersion(dt.date.fromisoformat(v["effective"]), v["name"], rows))
    return IntervalTable(tuple(sorted(versions, key=lambda v: v.effective)))


@cache
def shipped_intervals() -> IntervalTable:
    text = (resources.files("jiaoguan.deadlines") / "data" / "inspection_intervals.json").read_text("utf-8")
    return parse_table(json.loads(text))
