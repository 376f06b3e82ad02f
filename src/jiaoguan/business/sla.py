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


# An inbox asks, for each of 50 cases, how many working days passed since its acceptance: the same few spans
# (cases accepted on the same days) over and over. Kept per calendar object, like `_memo`.
_spans: weakref.WeakKeyDictionary[WorkingDayCalendar, dict[tuple[dt.date, dt.date], int]] = \
    weakref.WeakKeyDictionary()


def working_between(cal: WorkingDayCalendar, start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end."""
    if end <= start:
        return 0
    known = _spans.setdefault(cal, {})
    found = known.get((start, end))
    if found is None:
        found = known[(start, end)] = sum(working(cal, start + dt.timedelta(days=i))
                                          for i in range(1, (end - start).days + 1))
    return found


def used(cal: WorkingDayCalendar, accepted_on: dt.date, on: dt.date, stops: Sequence[Stop] = ()) -> int:
    """Counting working days spent after acceptance up to and including `on`: the working days of (accepted_on, on]
    less those inside a stop (s, e] — the stops clipped to the span and merged where they overlap, so that a day is
    taken off once."""
    if on <= accepted_on:
        return 0
    spans = sorted((max(s, accepted_on), min(e or on, on)) for s, e in stops)
    merged: list[tuple[dt.date, dt.date]] = []
    for s, e in spans:
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return working_between(cal, accepted_on, on) - sum(working_between(cal, s, e) for s, e in merged)


def remaining(cal: WorkingDayCalendar, accepted_on: dt.date, days: int, on: dt.date,
              stops: Sequence[Stop] = ()) -> int:
    """Working days left (negative: overdue by that many)."""
    return days - used(cal, accepted_on, on, stops)


def kept(cal: WorkingDayCalendar, accepted_on: dt.date, days: int, finished_on: dt.date,
         stops: Sequence[Stop] = ()) -> bool:
    return used(cal, accepted_on, finished_on, stops) <= days
