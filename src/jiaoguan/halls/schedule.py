"""The pure schedule core: when an office is open on a date, and the slots cut from those hours.

Regular hours are set per weekday; extended hours (延时服务) add periods on chosen weekdays within a date
range; weekend service days open a Saturday or Sunday within a date range. The calendar decides the
day: a statutory holiday is closed; a make-up working day (调休, a Saturday worked) keeps Monday's
regular hours; a plain weekend is open only where a weekend rule covers it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_

REGULAR, EXTENDED, WEEKEND = "regular", "extended", "weekend"
HOURS_KINDS = (REGULAR, EXTENDED, WEEKEND)


@dataclass(frozen=True)
class HoursRule:
    kind: str
    weekday: int
    open_min: int
    close_min: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def applies(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Period:
    open_min: int
    close_min: int
    extended: bool = False
    weekend: bool = False


@dataclass(frozen=True)
class SlotCut:
    start_min: int
    end_min: int
    extended: bool
    weekend: bool


def periods_on(day: dt.date, *, working: bool, holiday_name: str | None, rules: Iterable[HoursRule]) -> list[Period]:
    """The opening periods of `day`, earliest first (empty: closed)."""
    rules = [r for r in rules if r.applies(day)]
    if working:
        weekday = day.weekday() if day.weekday() < 5 else 0  # a make-up working day keeps Monday's hours
        found = [Period(r.open_min, r.close_min) for r in rules if r.kind == REGULAR and r.weekday == weekday]
        found += [Period(r.open_min, r.close_min, extended=True) for r in rules
                  if r.kind == EXTENDED and r.weekday == weekday]
    elif holiday_name:
        found = []
    else:
        found = [Period(r.open_min, r.close_min, weekend=True) for r in rules
                 if r.kind == WEEKEND and r.weekday == day.weekday()]
    return sorted(found, key=lambda p: (p.open_min, p.close_min))


def cut_slots(periods: Iterable[Period], slot_minutes: int) -> list[SlotCut]:
    """Whole slots of `slot_minutes` within each period; overlapping periods give each start once."""
    if slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    seen: set[int] = set()
    cuts: list[SlotCut] = []
    for p in periods:
        start = p.open_min
        while start + slot_minutes <= p.close_min:
            if start not in seen:
                seen.add(start)
                cuts.append(SlotCut(start, start + slot_minutes, p.extended, p.weekend))
            start += slot_minutes
    return sorted(cuts, key=lambda c: c.start_min)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hhmm(text: str) -> int:
    """Minutes after midnight of "HH:MM" (00:00 to 24:00); anything else is the caller's bad input (422), not a 500
    (schemathesis sent "30:00")."""
    hours, _, mins = text.strip().partition(":")
    if not (hours.isdigit() and (mins.isdigit() or not mins) and len(hours) <= 2 and len(mins) <= 2):
        raise InvalidInput(N_("A time is written HH:MM, from 00:00 to 24:00."), code="halls.bad_time")
    value = int(hours) * 60 + int(mins or 0)
    if not 0 <= value <= 24 * 60 or int(mins or 0) >= 60:
        raise InvalidInput(N_("A time is written HH:MM, from 00:00 to 24:00."), code="halls.bad_time")
    return value
