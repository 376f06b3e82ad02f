"""The administrator's calendar overrides reach the working-day calendar (2027 is not in chinesecalendar)."""

from __future__ import annotations

import datetime as dt

from jiaoguan.kit.calendar_service import load_calendar, set_override, unknown_years


def test_an_override_for_2027_makes_the_year_known_and_changes_working_days(db) -> None:
    assert 2027 in unknown_years(db, range(2026, 2028))
    set_override(db, dt.date(2027, 2, 8), working=False, name="春节")
    cal = load_calendar(db)
    assert not cal.is_working_day(dt.date(2027, 2, 8))
    assert cal.is_known(2027)
    # A Friday before the override: the next working day skips the declared rest day and the weekend.
    assert cal.add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 9)
