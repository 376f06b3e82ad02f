"""The pure schedule core: periods of a day from the hours and the calendar, slots cut from them."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.halls.schedule import HoursRule, Period, cut_slots, hhmm, parse_hhmm, periods_on

RULES = [HoursRule("regular", d, 540, 720) for d in range(5)] + [
    HoursRule("extended", 3, 1020, 1140, dt.date(2022, 5, 1), dt.date(2022, 5, 31)),
    HoursRule("weekend", 5, 540, 720, dt.date(2022, 5, 14), dt.date(2022, 5, 14)),
]


def test_a_working_weekday_has_its_regular_hours() -> None:
    assert periods_on(dt.date(2022, 5, 9), working=True, holiday_name=None, rules=RULES) == [Period(540, 720)]


def test_extended_hours_apply_within_their_dates_only() -> None:
    may = periods_on(dt.date(2022, 5, 12), working=True, holiday_name=None, rules=RULES)
    june = periods_on(dt.date(2022, 6, 2), working=True, holiday_name=None, rules=RULES)
    assert Period(1020, 1140, extended=True) in may
    assert june == [Period(540, 720)]


def test_a_holiday_is_closed_and_a_make_up_saturday_keeps_mondays_hours() -> None:
    assert periods_on(dt.date(2022, 5, 2), working=False, holiday_name="劳动节", rules=RULES) == []
    assert periods_on(dt.date(2022, 5, 7), working=True, holiday_name="劳动节", rules=RULES) == [Period(540, 720)]


def test_a_plain_weekend_opens_only_on_a_weekend_service_day() -> None:
    assert periods_on(dt.date(2022, 5, 14), working=False, holiday_name=None, rules=RULES) == [
        Period(540, 720, weekend=True)]
    assert periods_on(dt.date(2022, 5, 21), working=False, holiday_name=None, rules=RULES) == []


def test_slots_are_whole_and_inside_their_period() -> None:
    cuts = cut_slots([Period(540, 700), Period(1020, 1140, extended=True)], 30)
    assert [hhmm(c.start_min) for c in cuts] == ["09:00", "09:30", "10:00", "10:30", "11:00", "17:00", "17:30",
                                                 "18:00", "18:30"]
    assert [c.extended for c in cuts][-1] is True


@given(st.lists(st.tuples(st.integers(0, 1400), st.integers(1, 300)), max_size=5), st.integers(5, 120))
def test_no_slot_leaves_its_period_and_no_start_repeats(spans: list[tuple[int, int]], minutes: int) -> None:
    periods = [Period(a, min(a + b, 1440)) for a, b in spans]
    cuts = cut_slots(periods, minutes)
    assert len({c.start_min for c in cuts}) == len(cuts)
    for c in cuts:
        assert c.end_min - c.start_min == minutes
        assert any(p.open_min <= c.start_min and c.end_min <= p.close_min for p in periods)


def test_times_read_and_write_as_hh_mm() -> None:
    assert parse_hhmm("08:30") == 510
    assert hhmm(510) == "08:30"
