"""Validity of learner permits, preselected and retained plate numbers, and the 容缺 certificate
obligation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from jiaoguan.deadlines.rules.kinds import Deadline, DeadlineKind
from jiaoguan.kit.calendar import WorkingDayCalendar, add_months, default_calendar

LEARNER_PERMIT_MONTHS = 36     # Decree 162 art 41
PLATE_RETENTION_MONTHS = 24    # Decree 164 art 44
# The longest any 车管所 is known to hold a preselected number (15 working days [P: REFERENCE S32a]; others
# hold 2 or 3). Each office sets its own; this bounds the selection date when only the expiry is known.
LONGEST_PLATE_HOLD_WORKING_DAYS = 15
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


def could_have_begun_by(kind: DeadlineKind, due: dt.date, day: dt.date,
                        calendar: WorkingDayCalendar | None = None) -> bool:
    """Knowing only the expiry `due` of a validity-type record, could its validity have begun on or before
    `day`? False only when the longest validity the rules allow proves it began later (a learner permit
    expiring after day + 3 years, art 41; a number held beyond the longest office hold); True when the
    rules set no bound."""
    if kind is DeadlineKind.LEARNER_PERMIT:
        return due <= add_months(day, LEARNER_PERMIT_MONTHS)
    if kind is DeadlineKind.PLATE_RETENTION:
        return due <= add_months(day, PLATE_RETENTION_MONTHS)
    if kind is DeadlineKind.PRESELECTED_PLATE:
        if calendar is None:
            return due <= _longest_hold_end(day)
        return due <= calendar.add_working_days(day, LONGEST_PLATE_HOLD_WORKING_DAYS)
    return True


@lru_cache(maxsize=256)
def _longest_hold_end(day: dt.date) -> dt.date:
    # Asked with a measure's fixed date, over and over in a bulk run: the calendar walk is worth keeping.
    return default_calendar().add_working_days(day, LONGEST_PLATE_HOLD_WORKING_DAYS)


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
