"""The PRC working-day calendar (工作日) and Civil Code period arithmetic.

Statutory holidays and make-up working days (调休) come from the State Council's yearly notice,
shipped in the `chinesecalendar` package. That package only knows the years published when it was
built; for a later year the calendar falls back to Monday–Friday and says so (`is_known`), so
callers can warn that an administrator must enter the year as overrides. Overrides are consulted
first and also serve local closures.

Month arithmetic follows the Civil Code: art 201 (the first day is not counted), art 202 (no
corresponding day -> the last day of that month), art 203 (a period ending on a statutory holiday or
rest day ends on the next working day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import chinese_calendar

# chinesecalendar's English holiday names, as the Chinese names people read on notices.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# No real calendar has this many rest days in a row; more means the overrides are wrong.
_MAX_REST_RUN = 366


@dataclass(frozen=True)
class DayOverride:
    """An administrator's ruling for one day: working or not, and why (e.g. "春节")."""

    working: bool
    name: str | None = None
    name_en: str | None = None


@dataclass(frozen=True)
class Day:
    date: dt.date
    working: bool
    name: str | None        # the holiday (or make-up day's holiday) in Chinese, if any
    name_en: str | None
    source: str             # "override" | "statutory" | "weekday_fallback"

    @property
    def holiday(self) -> bool:
        return not self.working


def add_months(d: dt.date, n: int) -> dt.date:
    """The corresponding day n months on; a missing day is the month's last (Civil Code art 202)."""
    months = d.year * 12 + (d.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    if d.day <= 28:   # every month has the day (the deadlines judge millions of dates, many of them a month's end)
        return dt.date(year, month, d.day)
    return dt.date(year, month, min(d.day, days_in_month(year, month)))


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """`calendar.monthrange(year, month)[1]` without the weekday it also works out."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def add_years(d: dt.date, n: int) -> dt.date:
    return add_months(d, 12 * n)


def add_natural_days(d: dt.date, n: int) -> dt.date:
    """n natural days (自然日) after d; d itself is not counted (Civil Code art 201)."""
    return d + dt.timedelta(days=n)


_DAYS_KEPT = 50_000   # about 137 years of days: a sweep over every deadline stays within it


class WorkingDayCalendar:
    def __init__(self, overrides: Mapping[dt.date, DayOverride | bool] | None = None) -> None:
        self._overrides = {
            day: rule if isinstance(rule, DayOverride) else DayOverride(working=rule)
            for day, rule in (overrides or {}).items()
        }
        self._override_years = {day.year for day in self._overrides}
        # Days already looked up: an instance never changes (a new override set is a new calendar), and asking
        # chinesecalendar (an exception for every day of an unpublished year) cost a tenth of the issuer's queue.
        self._days: dict[dt.date, Day] = {}

    @staticmethod
    def published(year: int) -> bool:
        """Does the shipped State Council data cover `year`?"""
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:  # chinesecalendar's way of saying "no State Council data for this year"
            return False
        return True

    def is_known(self, year: int) -> bool:
        """False when `year` is neither published nor entered by an administrator (Mon–Fri guess)."""
        return year in self._override_years or self.published(year)

    def day(self, d: dt.date) -> Day:
        found = self._days.get(d)
        if found is None:
            if len(self._days) > _DAYS_KEPT:
                self._days.clear()
            found = self._days[d] = self._look_up(d)
        return found

    def _look_up(self, d: dt.date) -> Day:
        rule = self._overrides.get(d)
        if rule is not None:
            return Day(d, rule.working, rule.name, rule.name_en, "override")
        try:
            working = chinese_calendar.is_workday(d)
            _, name_en = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:  # unpublished year, no override: Mon–Fri, flagged so callers can warn
            return Day(d, d.weekday() < 5, None, None, "weekday_fallback")
        return Day(d, working, HOLIDAY_NAMES_ZH.get(name_en, name_en) if name_en else None, name_en,
                   "statutory")

    def is_working_day(self, d: dt.date) -> bool:
        return self.day(d).working

    def is_holiday(self, d: dt.date) -> bool:
        """Not a working day: a statutory holiday or a rest day (weekend not worked)."""
        return not self.day(d).working

    def holiday_name(self, d: dt.date) -> str | None:
        """The Chinese name of the holiday `d` is part of (None on working days and plain weekends)."""
        info = self.day(d)
        return None if info.working else info.name

    def next_working_day(self, d: dt.date) -> dt.date:
        """d itself when it is a working day, otherwise the first working day after it."""
        for _ in range(_MAX_REST_RUN):
            if self.is_working_day(d):
                return d
            d += dt.timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_REST_RUN} days; check the calendar overrides")

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after d (d itself is not counted); n = 0 gives d."""
        if n < 0:
            raise ValueError("n must not be negative")
        for _ in range(n):
            d = self.next_working_day(d + dt.timedelta(days=1))
        return d

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative if end is before start).

        The inverse of `add_working_days`: working_days_between(d, add_working_days(d, n)) == n.
        """
        if end < start:
            return -self.working_days_between(end, start)
        span = (end - start).days
        return sum(self.is_working_day(start + dt.timedelta(days=i)) for i in range(1, span + 1))

    def period_end(self, start: dt.date, *, months: int = 0, days: int = 0,
                   roll_holiday: bool = True) -> dt.date:
        """Last day of a period of `months` then `days` counted from `start` (Civil Code arts 201–203).

        With `roll_holiday`, an end on a statutory holiday or rest day moves to the next working day.
        """
        end = add_natural_days(add_months(start, months), days)
        return self.next_working_day(end) if roll_holiday else end


@cache
def default_calendar() -> WorkingDayCalendar:
    """The calendar with no overrides (published years only); services pass their own with overrides."""
    return WorkingDayCalendar()
