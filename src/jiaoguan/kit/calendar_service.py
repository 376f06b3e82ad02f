"""The one working-day calendar of the running product: chinesecalendar plus the admin's overrides."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from jiaoguan.kit import audit, changes
from jiaoguan.kit.calendar import DayOverride, WorkingDayCalendar
from jiaoguan.kit.calendar_entries import MAX_NAME, Entry, Problem, parse_entries
from jiaoguan.kit.calendar_models import CalendarOverride
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.context import current_actor
from jiaoguan.kit.errors import InvalidInput, NotFound
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.prepared import Prepared


class OverrideNameTooLong(InvalidInput):
    code = "kit.calendar_name_too_long"
    message = N_("The name may have at most %(max)s characters.")


class NoSuchOverride(NotFound):
    code = "kit.calendar_no_override"
    message = N_("%(day)s has no override.")


class OverridesNotUnderstood(InvalidInput):
    """Pasted lines with problems: each is listed (`problems`), nothing was saved."""

    code = "kit.calendar_lines_refused"
    message = N_("Nothing was saved: %(count)s line(s) need correcting.")

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(field="lines", count=len(problems))
        self.problems = problems

    def lines(self, locale: str | None = None) -> list[str]:
        return [translate(p.message, locale, **p.params) for p in self.problems]

_lock = threading.Lock()
_cached: tuple[int, WorkingDayCalendar] | None = None  # (override row count stamp, calendar)
_heard: tuple[int, WorkingDayCalendar] | None = None   # (the count of changes heard when read, calendar): kit.changes


_SESSION_KEY = "jiaoguan.calendar"
# Read by every page that counts working days (see kit.prepared.Prepared).
_OVERRIDES = Prepared(select(CalendarOverride.day, CalendarOverride.working, CalendarOverride.name))


def load_calendar(session: Session) -> WorkingDayCalendar:
    """The calendar with every override; rebuilt only when the override table changed.

    Read once per transaction (a page listing many applications asks for it per row), and not at all while this
    process has heard of no change since it last read them (kit.changes); otherwise from the database, so a change
    made through another process is seen by the next request.
    """
    global _cached, _heard
    known = session.info.get(_SESSION_KEY)
    if known is not None and known[0] is session.get_transaction():
        return known[1]  # type: ignore[no-any-return]
    generation = changes.generation(session)   # before the read: a change heard during it is read next time
    heard = _heard
    if generation is not None and heard is not None and heard[0] == generation:
        session.info[_SESSION_KEY] = (session.get_transaction(), heard[1])
        return heard[1]
    rows = _OVERRIDES.rows(session)
    stamp = hash(tuple(rows))
    with _lock:
        if _cached is None or _cached[0] != stamp:
            _cached = (stamp, WorkingDayCalendar({day: DayOverride(working, name or None)
                                                  for day, working, name in rows}))
        cal = _cached[1]
    if generation is not None:
        _heard = (generation, cal)
    session.info[_SESSION_KEY] = (session.get_transaction(), cal)
    return cal


def set_override(session: Session, day: dt.date, *, working: bool, name: str = "") -> CalendarOverride:
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise OverrideNameTooLong(field="name", max=MAX_NAME)
    session.info.pop(_SESSION_KEY, None)
    changes.changed(session)
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


def remove_override(session: Session, day: dt.date) -> None:
    """The day goes back to chinesecalendar (or, in an unpublished year, to Monday–Friday)."""
    row = session.get(CalendarOverride, day)
    if row is None:
        raise NoSuchOverride(day=day.isoformat())
    session.info.pop(_SESSION_KEY, None)
    changes.changed(session)
    session.delete(row)
    audit.record(session, "calendar.override_removed", "calendar_day", day.isoformat(),
                 f"was {'working' if row.working else 'rest'} {row.name}".strip())
    session.flush()


def set_overrides(session: Session, text: str) -> list[Entry]:
    """Every day the pasted lines declare (see `calendar_entries`), all or nothing: one audit record a day."""
    entries, problems = parse_entries(text)
    if problems:
        raise OverridesNotUnderstood(problems)
    for entry in entries:
        set_override(session, entry.day, working=entry.working, name=entry.name)
    return entries


def overrides_of(session: Session, year: int) -> list[CalendarOverride]:
    return list(session.scalars(select(CalendarOverride).where(extract("year", CalendarOverride.day) == year)
                                .order_by(CalendarOverride.day)))


def override_years(session: Session) -> list[int]:
    return sorted({d.year for d in session.scalars(select(CalendarOverride.day))})


def unknown_years(session: Session, years: range) -> list[int]:
    """Years neither chinesecalendar nor an administrator has described: bookings there need attention."""
    cal = load_calendar(session)
    return [y for y in years if not cal.is_known(y)]
