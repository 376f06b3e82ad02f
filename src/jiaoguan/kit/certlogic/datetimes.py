"""Date-times of CertLogic: parsed only by `plusTime` and `dccDateOfBirth`, always UTC, millisecond precision.

Offsets follow the JavaScript `Date.setUTC…` methods the specification names: adding a month or a year
lets a day that does not exist overflow into the next month (2020-02-29 + 1 year = 2021-03-01). That is
*not* Civil Code month arithmetic; deadlines use `jiaoguan.kit.calendar` for that.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from jiaoguan.kit.certlogic.errors import CertLogicError

TIME_UNITS = ("year", "month", "day", "hour")

_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{1,2}):?(\d{2})?)?$"
)


def date_of_birth(text: str) -> dt.datetime:
    """`dccDateOfBirth`: the last instant-at-midnight consistent with a possibly partial date."""
    if m := _YEAR.match(text):
        return _utc(int(m[1]), 12, 31)
    if m := _YEAR_MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        return _utc(year, month, calendar.monthrange(year, month)[1])
    if m := _DATE.match(text):
        return _utc(int(m[1]), int(m[2]), int(m[3]))
    raise CertLogicError(f"not a valid date of birth: {text}")


def parse(text: str) -> dt.datetime:
    """A date or date-time string in one of the formats the specification allows."""
    if _YEAR.match(text) or _YEAR_MONTH.match(text) or _DATE.match(text):
        return date_of_birth(text)
    m = _DATE_TIME.match(text)
    if not m:
        raise CertLogicError(f"not an allowed date or date-time format: {text}")
    millis = int((m[7] or ".0")[1:4].ljust(3, "0"))
    offset = dt.timedelta(0)
    if m[9]:
        sign = -1 if m[9] == "-" else 1
        offset = sign * dt.timedelta(hours=int(m[10]), minutes=int(m[11] or 0))
    try:
        local = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]),
                            millis * 1000, tzinfo=dt.timezone(offset))
    except ValueError as exc:
        raise CertLogicError(f"not a valid date-time: {text}") from exc
    return local.astimezone(dt.UTC)


def plus_time(text: str, amount: int, unit: str) -> dt.datetime:
    moment = parse(text)
    try:
        if unit == "day":
            return moment + dt.timedelta(days=amount)
        if unit == "hour":
            return moment + dt.timedelta(hours=amount)
        if unit in ("month", "year"):
            return _plus_months(moment, amount * (12 if unit == "year" else 1))
    except (OverflowError, ValueError) as exc:
        raise CertLogicError(f"date-time out of range: {text} + {amount} {unit}") from exc
    raise CertLogicError(f"unknown time unit {unit!r}")


def _plus_months(moment: dt.datetime, months: int) -> dt.datetime:
    # JavaScript's setUTCMonth: keep the day number and let it overflow into the following month.
    year, month0 = divmod(moment.year * 12 + moment.month - 1 + months, 12)
    first = moment.replace(year=year, month=month0 + 1, day=1)
    return first + dt.timedelta(days=moment.day - 1)


def _utc(year: int, month: int, day: int) -> dt.datetime:
    try:
        return dt.datetime(year, month, day, tzinfo=dt.UTC)
    except ValueError as exc:
        raise CertLogicError(f"not a valid date: {year:04d}-{month:02d}-{day:02d}") from exc
