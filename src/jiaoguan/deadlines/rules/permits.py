"""Validity of learner permits, preselected and retained plate numbers, and the 容缺 certificate
obligation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jiaoguan.deadlines.rules.kinds import Deadline, DeadlineKind
from jiaoguan.kit.calendar import WorkingDayCalendar, add_months, default_calendar

LEARNER_PERMIT_MONTHS = 36     # Decree 162 art 41
PLATE_RETENTION_MONTHS = 24    # Decree 164 art 44
# Decree 162 art 14 (2022 text): classes with an upper age limit of 60. "60周岁以下" is read as
# including the whole 60th year, so the limit is the day before the 61st birthday [I].
AGE_CAPPED_CLASSES = frozenset({"A1", "A2", "A3", "B1", "B2", "C3", "C4", "C6", "D", "E", "M", "N", "P"})
AGE_CAP_YEARS = 60


@dataclass(frozen=True)
class LearnerPermit:
    """学习驾驶证明: valid three years, not beyond the upper age limit of the class applied for."""

    issued: dt.date
    licence_class: str
    holder_birth_date: dt.date | None = None


@dataclass(frozen=True)
class PreselectedPlate:
    """互联网预选号牌号码: kept for a number of working days that each 车管所 sets (e.g. 3, 15)."""

    selected_on: dt.date
    retention_working_days: int


@dataclass(frozen=True)
class PlateRetention:
    """原号牌号码保留: the old number may be reused within two years of transfer or deregistration."""

    released_on: dt.date


@dataclass(frozen=True)
class MedicalCertificateObligation:
    """容缺办: licence renewed without the medical certificate, which is due later (a set date)."""

    opened_on: dt.date
    due: dt.date


def learner_permit_expiry(permit: LearnerPermit) -> dt.date:
    expiry = add_months(permit.issued, LEARNER_PERMIT_MONTHS)
    if permit.holder_birth_date is not None and permit.licence_class in AGE_CAPPED_CLASSES:
        next_birthday = add_months(permit.holder_birth_date, 12 * (AGE_CAP_YEARS + 1))
        expiry = min(expiry, next_birthday - dt.timedelta(days=1))
    return expiry


def preselected_plate_expiry(plate: PreselectedPlate, calendar: WorkingDayCalendar | None = None) -> dt.date:
    # Counted from the day after selection, in working days: holidays do not use up the retention.
    return (calendar or default_calendar()).add_working_days(plate.selected_on, plate.retention_working_days)


def permit_deadlines(record: LearnerPermit | PreselectedPlate | PlateRetention | MedicalCertificateObligation,
                     calendar: WorkingDayCalendar | None = None) -> list[Deadline]:
    if isinstance(record, LearnerPermit):
        return [Deadline(DeadlineKind.LEARNER_PERMIT, learner_permit_expiry(record), "D162-41",
                         opens=record.issued)]
    if isinstance(record, PreselectedPlate):
        return [Deadline(DeadlineKind.PRESELECTED_PLATE, preselected_plate_expiry(record, calendar),
                         "OFFICE-RETENTION", opens=record.selected_on,
                         detail=f"{record.retention_working_days} working days")]
    if isinstance(record, PlateRetention):
        return [Deadline(DeadlineKind.PLATE_RETENTION, add_months(record.released_on, PLATE_RETENTION_MONTHS),
                         "D164-44", opens=record.released_on)]
    return [Deadline(DeadlineKind.MEDICAL_CERTIFICATE, record.due, "RONGQUE", opens=record.opened_on,
                     detail="容缺")]
