"""SLAs in working days on the PRC calendar (the kit's calendar: statutory holidays, adjusted working days and
the administrator's overrides), with the clock stopped while the case waits on the applicant. Pure.

A case accepted on day A with an SLA of N working days is due on the N-th counting working day after A. A
working day d counts unless the case was waiting on the applicant then: a stop (s, e) — a correction asked for
on s and answered on e — removes the working days s < d ≤ e (the seat's day s counts, the applicant's do not).
An open stop (e = None) holds the clock: no due date until the applicant answers.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Sequence

from jiaoguan.kit.calendar import WorkingDayCalendar

Stop = tuple[dt.date, dt.date | None]
_HORIZON = 800  # days searched for a due date; the longest SLA (60 working days) fits many times over


def stopped(day: dt.date, stops: Sequence[Stop]) -> bool:
    return any(start < day and (end is None or day <= end) for start, end in stops)


# Asking chinesecalendar about a day costs a scan of its tables; an inbox asks about the same few weeks for every
# case. Answers are kept per calendar object (a changed override makes a new calendar, so nothing goes stale).
_memo: weakref.WeakKeyDictionary[WorkingDayCalendar, dict[dt.date, bool]] = weakref.WeakKeyDictionary()


def working(cal: WorkingDayCalendar, day: dt.date) -> bool:
    known = _memo.setdefault(cal, {})
    found = known.get(day)
    if found is None:
        found = known[day] = cal.is_working_day(day)
    return found


def counts(cal: WorkingDayCalendar, day: dt.date, stops: Sequence[Stop]) -> bool:
    return working(cal, day) and not stopped(day, stops)


def due_date(cal: WorkingDayCalendar, accepted_on: dt.date, days: int, stops: Sequence[Stop] = ()) -> dt.date | None:
    """The day the SLA ends; None while the clock is stopped (an open stop)."""
    if any(end is None for _, end in stops):
        return None
    if days <= 0:
        return accepted_on
    day, left = accepted_on, days
    for _ in range(_HORIZON):
        day += dt.timedelta(days=1)
        if counts(cal, day, stops):
            left -= 1
            if left == 0:
                return day
    raise ValueError("no due date within the horizon; check the calendar overrides")


def used(cal: WorkingDayCalendar, accepted_on: dt.date, on: dt.date, stops: Sequence[Stop] = ()) -> int:
    """Counting working days spent after acceptance up to and including `on`."""
    if on <= accepted_on:
        return 0
    return sum(counts(cal, accepted_on + dt.timedelta(days=i), stops) for i in range(1, (on - accepted_on).days + 1))


def remaining(cal: WorkingDayCalendar, accepted_on: dt.date, days: int, on: dt.date,
              stops: Sequence[Stop] = ()) -> int:
    """Working days left (negative: overdue by that many)."""
    return days - used(cal, accepted_on, on, stops)


def kept(cal: WorkingDayCalendar, accepted_on: dt.date, days: int, finished_on: dt.date,
         stops: Sequence[Stop] = ()) -> bool:
    return used(cal, accepted_on, finished_on, stops) <= days
