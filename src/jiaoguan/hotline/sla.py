"""The hotline's clocks, pure: working hours at the desk (工作时间) on the PRC calendar, with the clock stopped
while a ticket waits on the caller; natural hours for emergency cases (急事急办).

A ticket's budget is counted only inside the desk's hours on working days (holidays and the weekends around
them are skipped, an adjusted working day — a Saturday worked in exchange for a holiday — counts). A pause
(waiting on the caller) takes its overlap with desk time out of the count; an open pause stops the clock,
so there is no due time until the caller answers. Times are aware datetimes; desk hours are local (Beijing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from jiaoguan.kit.clock import CHINA_TZ

IsWorkingDay = Callable[[dt.date], bool]
Pause = tuple[dt.datetime, dt.datetime | None]
# No due time is looked for further ahead than this: a longer run of rest days means the calendar is wrong.
HORIZON_DAYS = 400


@dataclass(frozen=True)
class DeskHours:
    """When the desk answers, local time, on working days (e.g. 09:00–17:00)."""

    opens: dt.time
    closes: dt.time

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("the desk must close after it opens")

    @property
    def seconds_a_day(self) -> int:
        return (self.closes.hour * 3600 + self.closes.minute * 60) - (self.opens.hour * 3600 + self.opens.minute * 60)


class SlaState(StrEnum):
    on_time = "on_time"
    due_soon = "due_soon"      # less than a quarter of the budget left
    overdue = "overdue"
    stopped = "stopped"        # waiting on the caller: the clock does not run
    kept = "kept"              # closed within the budget
    missed = "missed"          # closed after it


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be aware")
    return moment.astimezone(CHINA_TZ)


def desk_periods(start: dt.datetime, hours: DeskHours, is_working_day: IsWorkingDay,
                 horizon_days: int = HORIZON_DAYS) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The desk's open periods from `start` on (the first one cut at `start`), in local time."""
    here = _local(start)
    day = here.date()
    for _ in range(horizon_days):
        if is_working_day(day):
            opens = dt.datetime.combine(day, hours.opens, CHINA_TZ)
            closes = dt.datetime.combine(day, hours.closes, CHINA_TZ)
            begin = max(opens, here)
            if begin < closes:
                yield begin, closes
        day += dt.timedelta(days=1)


def _minus_pauses(begin: dt.datetime, end: dt.datetime, pauses: Sequence[Pause]
                  ) -> Iterator[tuple[dt.datetime, dt.datetime | None]]:
    """The pieces of [begin, end) outside every pause; a piece ending in None means an open pause began there."""
    cursor = begin
    for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
        p_start = _local(p_start)
        if p_end is not None and _local(p_end) <= cursor:
            continue
        if p_start >= end:
            break
        if p_start > cursor:
            yield cursor, p_start
        if p_end is None:
            yield max(cursor, p_start), None
            return
        cursor = max(cursor, _local(p_end))
        if cursor >= end:
            return
    if cursor < end:
        yield cursor, end


def working_seconds(start: dt.datetime, end: dt.datetime, hours: DeskHours, is_working_day: IsWorkingDay,
                    pauses: Sequence[Pause] = ()) -> int:
    """Desk seconds between `start` and `end`, less the time spent waiting on the caller."""
    stop = _local(end)
    total = 0.0
    for begin, closes in desk_periods(start, hours, is_working_day):
        if begin >= stop:
            break
        for a, b in _minus_pauses(begin, min(closes, stop), pauses):
            if b is None:
                break
            total += (b - a).total_seconds()
    return int(total)


def due_at(start: dt.datetime, budget_hours: float, hours: DeskHours, is_working_day: IsWorkingDay,
           pauses: Sequence[Pause] = ()) -> dt.datetime | None:
    """When `budget_hours` of desk time, pauses left out, run out; None while a pause is open (clock stopped)."""
    left = dt.timedelta(hours=budget_hours)
    for begin, closes in desk_periods(start, hours, is_working_day):
        for a, b in _minus_pauses(begin, closes, pauses):
            if b is None:
                return None
            if b - a >= left:
                return (a + left).astimezone(dt.UTC)
            left -= b - a
    raise ValueError(f"no due time within {HORIZON_DAYS} days: is the calendar all rest days?")


def ticket_state(*, now: dt.datetime, due: dt.datetime | None, budget_hours: float, closed_at: dt.datetime | None,
                 waiting: bool, hours: DeskHours, is_working_day: IsWorkingDay) -> SlaState:
    """Where a ticket stands against its working-hours budget."""
    if closed_at is not None:
        return SlaState.kept if due is None or closed_at <= due else SlaState.missed
    if waiting or due is None:
        return SlaState.stopped
    if now >= due:
        return SlaState.overdue
    left = working_seconds(now, due, hours, is_working_day)
    return SlaState.due_soon if left < budget_hours * 3600 / 4 else SlaState.on_time


def emergency_due(registered_at: dt.datetime, sla_hours: float) -> dt.datetime:
    """急事急办 counts natural hours: an ambulance crew does not wait for Monday."""
    return registered_at + dt.timedelta(hours=sla_hours)


def hours_between(start: dt.datetime, end: dt.datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)
