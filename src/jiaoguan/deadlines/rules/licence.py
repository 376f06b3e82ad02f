"""A driving licence's deadlines under Decree 162 (《机动车驾驶证申领和使用规定》, in force 2022-04-01).

Scoring cycles (记分周期) are 12 months counted from the first issue date (初次领证日期). Periods in
natural days that end on a holiday move to the next working day (Civil Code art 203); Decree 162's
"一日/三日/五日" are working days (art 110) — see `statutory_days`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jiaoguan.deadlines.rules.kinds import HEAVY_LICENCE_CLASSES, Deadline, DeadlineKind, VehicleClass
from jiaoguan.kit.calendar import WorkingDayCalendar, add_months, default_calendar
from jiaoguan.kit.ids.licence import AB_CLASSES

RENEWAL_WINDOW_DAYS = 90         # art 63: renew within 90 days before expiry
CANCELLATION_AFTER_MONTHS = 12   # art 79(8): more than one year overdue -> cancelled
RESTORATION_MONTHS = 24          # art 79: restorable within two years of cancellation (科目一)
REVIEW_DAYS = 30                 # art 72: review within 30 days after a cycle with points (A/B classes)
CERTIFICATE_DAYS = 30            # art 74: 70+ certificate within 30 days after each cycle end
CERTIFICATE_AGE = 70
C5_CERTIFICATE_EVERY_CYCLES = 3  # art 74: C5 holders every three years
FULL_SCORE = 12
REVIEW_CLASSES = AB_CLASSES
WORKING_DAY_COUNTS = frozenset({1, 3, 5})  # art 110


@dataclass(frozen=True)
class Licence:
    classes: frozenset[str]          # 准驾车型, e.g. {"C1"} or {"A2", "D"}
    first_issued: dt.date            # 初次领证日期
    valid_from: dt.date
    valid_until: dt.date | None      # None: long-term (长期)
    period_years: int | None         # 6, 10, or None for long-term
    holder_birth_date: dt.date | None = None
    cycle_points: tuple[int, ...] = ()   # points of each scoring cycle since first issue; missing = 0
    last_review: dt.date | None = None
    last_medical_certificate: dt.date | None = None

    @property
    def vehicle_class(self) -> VehicleClass:
        return VehicleClass.HEAVY if self.classes & HEAVY_LICENCE_CLASSES else VehicleClass.OTHER


def statutory_days(start: dt.date, days: int, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """Decree 162: 1, 3 or 5 "日" are working days (art 110); other counts are natural days whose
    last day rolls past a holiday (Civil Code art 203)."""
    cal = calendar or default_calendar()
    if days in WORKING_DAY_COUNTS:
        return cal.add_working_days(start, days)
    return cal.period_end(start, days=days)


def cycle_bounds(licence: Licence, index: int) -> tuple[dt.date, dt.date]:
    """First and last day of scoring cycle `index` (0 = the first year after first issue)."""
    start = add_months(licence.first_issued, 12 * index)
    return start, add_months(licence.first_issued, 12 * (index + 1)) - dt.timedelta(days=1)


def completed_cycles(licence: Licence, on: dt.date) -> int:
    """How many scoring cycles have ended before `on`."""
    count = 0
    while cycle_bounds(licence, count)[1] < on:
        count += 1
    return count


def points_in_cycle(licence: Licence, index: int) -> int:
    return licence.cycle_points[index] if index < len(licence.cycle_points) else 0


def next_validity_years(licence: Licence) -> int | None:
    """Art 62: 6 -> 10 -> long-term (None) when no cycle of the current validity reached 12 points."""
    if licence.period_years is None or licence.valid_until is None:
        return None
    reached_full = any(points_in_cycle(licence, i) >= FULL_SCORE
                       for i in _cycles_overlapping(licence, licence.valid_from, licence.valid_until))
    if reached_full:
        return licence.period_years
    return 10 if licence.period_years == 6 else None


def licence_deadlines(licence: Licence, on: dt.date, calendar: WorkingDayCalendar | None = None
                      ) -> list[Deadline]:
    found: list[Deadline] = []
    expiry = licence.valid_until
    if expiry is not None:
        opens = expiry - dt.timedelta(days=RENEWAL_WINDOW_DAYS)
        found.append(Deadline(DeadlineKind.LICENCE_RENEWAL, expiry, "D162-63", opens=opens,
                              detail=_next_period_detail(licence)))
        if on > expiry:
            found.append(Deadline(DeadlineKind.LICENCE_CANCELLATION,
                                  add_months(expiry, CANCELLATION_AFTER_MONTHS), "D162-79(8)"))
            found.append(Deadline(DeadlineKind.LICENCE_RESTORATION,
                                  add_months(expiry, CANCELLATION_AFTER_MONTHS + RESTORATION_MONTHS),
                                  "D162-79"))
    found.extend(_review(licence, on, calendar))
    found.extend(_medical_certificates(licence, on, calendar))
    return found


def _next_period_detail(licence: Licence) -> str:
    years = next_validity_years(licence)
    return "next validity: long-term" if years is None else f"next validity: {years} years"


def _review(licence: Licence, on: dt.date, calendar: WorkingDayCalendar | None) -> list[Deadline]:
    if not licence.classes & REVIEW_CLASSES:
        return []
    for index in reversed(range(completed_cycles(licence, on))):
        end = cycle_bounds(licence, index)[1]
        if licence.last_review is not None and licence.last_review > end:
            return []
        if points_in_cycle(licence, index) > 0:
            return [Deadline(DeadlineKind.LICENCE_REVIEW, statutory_days(end, REVIEW_DAYS, calendar),
                             "D162-72", opens=end + dt.timedelta(days=1))]
    return []


def _medical_certificates(licence: Licence, on: dt.date, calendar: WorkingDayCalendar | None
                          ) -> list[Deadline]:
    found: list[Deadline] = []
    done = licence.last_medical_certificate
    for index in reversed(range(completed_cycles(licence, on))):
        end = cycle_bounds(licence, index)[1]
        if done is not None and done > end:
            break
        if _aged(licence, CERTIFICATE_AGE, end):
            found.append(_certificate(end, calendar, "aged 70 or over"))
            found.append(Deadline(DeadlineKind.LICENCE_CANCELLATION,
                                  add_months(end, CANCELLATION_AFTER_MONTHS), "D162-79(9)"))
            break
        if "C5" in licence.classes and (index + 1) % C5_CERTIFICATE_EVERY_CYCLES == 0:
            found.append(_certificate(end, calendar, "C5 every three years"))
            break
    return found


def _certificate(cycle_end: dt.date, calendar: WorkingDayCalendar | None, why: str) -> Deadline:
    return Deadline(DeadlineKind.MEDICAL_CERTIFICATE, statutory_days(cycle_end, CERTIFICATE_DAYS, calendar),
                    "D162-74", opens=cycle_end + dt.timedelta(days=1), detail=why)


def _aged(licence: Licence, years: int, day: dt.date) -> bool:
    born = licence.holder_birth_date
    return born is not None and add_months(born, 12 * years) <= day


def _cycles_overlapping(licence: Licence, start: dt.date, end: dt.date) -> range:
    # A cycle overlaps when it ends on or after `start` and begins on or before `end`.
    return range(completed_cycles(licence, start), completed_cycles(licence, end) + 1)
