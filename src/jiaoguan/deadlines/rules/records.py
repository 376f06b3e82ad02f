"""Base rules of the regulations, before any temporary measure: every deadline of a record on a date.

    deadlines_for(record, on, calendar=None) -> list[Deadline]

Records: `Licence`, `Vehicle`, `LearnerPermit`, `PreselectedPlate`, `PlateRetention`,
`MedicalCertificateObligation`. Pure: no database, no web; month arithmetic and working days come
from `jiaoguan.kit.calendar` (Civil Code arts 201–203).

Rule codes carried on each deadline (and on every `Decision`):

| code | provision |
|---|---|
| D162-41 | Decree 162 art 41: learner permit valid 3 years, not beyond the age limit |
| D162-62 | Decree 162 art 62: next validity 6 -> 10 -> long-term without a 12-point cycle |
| D162-63 | Decree 162 art 63: renewal within 90 days before expiry |
| D162-72 | Decree 162 art 72: A/B review within 30 days after a cycle with points |
| D162-74 | Decree 162 art 74: medical certificate, 70+ yearly, C5 every 3 years |
| D162-79(8) / (9) | Decree 162 art 79: cancellation 1 year after expiry / certificate 1 year late |
| D162-79 | Decree 162 art 79 para 3: restoration within 2 years of cancellation |
| D162-99 | Decree 162 art 99: driving while overdue for review, ¥200–500 |
| D162-110 | Decree 162 art 110: "一日/三日/五日" are working days |
| D164-44 | Decree 164 art 44: original plate number reusable within 2 years |
| RTSL-IR-16 | 实施条例 art 16 and the reforms (data/inspection_intervals.json) |
| RTSL-90 | 道路交通安全法 art 90: penalty for driving uninspected / overdue |
| SCRAP-4 | 机动车强制报废标准规定 art 4: 3 cycles without a sticker -> compulsory scrapping |
| OFFICE-RETENTION | the 车管所's working-day retention of a preselected plate number |
| RONGQUE | 容缺办: the certificate's due date set when the licence was renewed |
| CC-202 / CC-203 | Civil Code art 202 (month end) / art 203 (holiday roll-forward) |
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any

from jiaoguan.deadlines.rules.kinds import HEAVY_LICENCE_CLASSES, Deadline, DeadlineKind, VehicleClass
from jiaoguan.deadlines.rules.licence import Licence, licence_deadlines
from jiaoguan.deadlines.rules.permits import (
    LearnerPermit,
    MedicalCertificateObligation,
    PlateRetention,
    PreselectedPlate,
    permit_deadlines,
)
from jiaoguan.deadlines.rules.vehicle import Vehicle, vehicle_deadlines
from jiaoguan.kit.calendar import WorkingDayCalendar

Record = Licence | Vehicle | LearnerPermit | PreselectedPlate | PlateRetention | MedicalCertificateObligation

# The base rule behind a deadline given only by its date (e.g. on the command line).
BASE_RULES: dict[DeadlineKind, tuple[str, ...]] = {
    DeadlineKind.INSPECTION: ("RTSL-IR-16", "RTSL-90"),
    DeadlineKind.LICENCE_RENEWAL: ("D162-63",),
    DeadlineKind.LICENCE_REVIEW: ("D162-72", "D162-99"),
    DeadlineKind.MEDICAL_CERTIFICATE: ("D162-74",),
    DeadlineKind.FULL_SCORE_EDUCATION: (),
    DeadlineKind.LEARNER_PERMIT: ("D162-41",),
    DeadlineKind.PRESELECTED_PLATE: ("OFFICE-RETENTION",),
    DeadlineKind.PLATE_RETENTION: ("D164-44",),
    DeadlineKind.LICENCE_CANCELLATION: ("D162-79(8)",),
    DeadlineKind.LICENCE_RESTORATION: ("D162-79",),
    DeadlineKind.COMPULSORY_SCRAPPING: ("SCRAP-4",),
}


def deadlines_for(record: Record, on: dt.date, calendar: WorkingDayCalendar | None = None) -> list[Deadline]:
    """Every deadline of `record` that matters on `on` (consequences appear once the record is overdue)."""
    if isinstance(record, Licence):
        return licence_deadlines(record, on, calendar)
    if isinstance(record, Vehicle):
        return vehicle_deadlines(record, on)
    return permit_deadlines(record, calendar)


def vehicle_class_of(record: Record) -> VehicleClass | None:
    """Heavy or other, for staged exits; None when the record does not say."""
    if isinstance(record, Licence | Vehicle):
        return record.vehicle_class
    if isinstance(record, LearnerPermit):
        return VehicleClass.HEAVY if record.licence_class in HEAVY_LICENCE_CLASSES else VehicleClass.OTHER
    return None


def facts_of(record: Record | None) -> dict[str, Any]:
    """The record as JSON-like data (dates as ISO strings), for CertLogic conditions of measures."""
    if record is None:
        return {}
    return {field.name: _jsonable(getattr(record, field.name)) for field in dataclasses.fields(record)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset | set):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value
