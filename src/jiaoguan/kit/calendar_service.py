"""The one working-day calendar of the running product: chinesecalendar plus the admin's overrides."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit import audit
from jiaoguan.kit.calendar import DayOverride, WorkingDayCalendar
from jiaoguan.kit.calendar_models import CalendarOverride
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.context import current_actor

_lock = threading.Lock()
_cached: tuple[int, WorkingDayCalendar] | None = None  # (override row count stamp, calendar)


def load_calendar(session: Session) -> WorkingDayCalendar:
    """The calendar with every override; rebuilt only when the override table changed."""
    global _cached
    rows = session.execute(select(CalendarOverride)).scalars().all()
    stamp = hash(tuple((r.day, r.working, r.name) for r in rows))
    with _lock:
        if _cached is not None and _cached[0] == stamp:
            return _cached[1]
        cal = WorkingDayCalendar({r.day: DayOverride(r.working, r.name or None) for r in rows})
        _cached = (stamp, cal)
        return cal


def set_override(session: Session, day: dt.date, *, working: bool, name: str = "") -> CalendarOverride:
    row = session.get(CalendarOverride, day)
    if row is None:
        row = CalendarOverride(day=day, working=working, name=name, updated_by=current_actor().label,
                               updated_at=utc_now())
        session.add(row)
    else:
        row.working, row.name = working, name
        row.updated_by, row.updated_at = current_actor().label, utc_now()
    audit.record(session, "calendar.override", "calendar_day", day.isoformat(),
                 f"{'working' if working else 'rest'} {name}".strip())
    session.flush()
    return row


def unknown_years(session: Session, years: range) -> list[int]:
    """Years neither chinesecalendar nor an administrator has described: bookings there need attention."""
    cal = load_calendar(session)
    return [y for y in years if not cal.is_known(y)]
