import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit.calendar import DayOverride, WorkingDayCalendar, default_calendar

D = dt.date.fromisoformat
cal = WorkingDayCalendar()


@pytest.mark.parametrize("day", [f"2025-10-0{i}" for i in range(1, 9)])
def test_national_day_2025_is_off_from_the_first_to_the_eighth(day):
    assert cal.is_holiday(D(day))


@pytest.mark.parametrize("day", ["2025-09-28", "2025-10-11"])
def test_the_make_up_weekend_days_of_national_day_2025_are_working_days(day):
    assert D(day).weekday() >= 5
    assert cal.is_working_day(D(day))
    assert cal.holiday_name(D(day)) is None


def test_a_holiday_is_named_in_chinese_and_english():
    day = cal.day(D("2025-10-01"))
    assert (day.name, day.name_en, day.source) == ("国庆节", "National Day", "statutory")
    assert cal.holiday_name(D("2025-10-06")) == "中秋节"  # 2025's Mid-autumn falls inside the week


def test_spring_festival_2026_is_nine_days_with_two_make_up_saturdays():
    off = [D("2026-02-15") + dt.timedelta(days=i) for i in range(9)]
    assert all(cal.holiday_name(d) == "春节" for d in off)
    assert cal.is_working_day(D("2026-02-14")) and cal.is_working_day(D("2026-02-28"))
    assert cal.is_working_day(D("2026-02-24"))


@pytest.mark.parametrize(("day", "working"), [
    ("2024-02-04", True), ("2024-02-10", False), ("2024-02-17", False), ("2024-02-18", True),
    ("2024-09-29", True), ("2024-10-07", False), ("2024-10-12", True),
    ("2025-01-26", True), ("2025-01-28", False), ("2025-02-04", False), ("2025-02-08", True),
])
def test_published_2024_and_2025_holidays_and_make_up_days(day, working):
    assert cal.is_working_day(D(day)) is working


def test_a_plain_weekend_is_a_rest_day_without_a_holiday_name():
    assert cal.is_holiday(D("2025-11-08"))
    assert cal.holiday_name(D("2025-11-08")) is None


def test_next_working_day_is_the_day_itself_when_it_is_a_working_day():
    assert cal.next_working_day(D("2025-09-30")) == D("2025-09-30")
    assert cal.next_working_day(D("2025-10-01")) == D("2025-10-09")


def test_counting_working_days_starts_the_day_after():
    assert cal.add_working_days(D("2025-09-30"), 0) == D("2025-09-30")
    assert cal.add_working_days(D("2025-09-30"), 1) == D("2025-10-09")
    assert cal.add_working_days(D("2025-09-26"), 1) == D("2025-09-28")  # the make-up Sunday counts
    assert cal.add_working_days(D("2025-09-26"), 3) == D("2025-09-30")
    assert cal.add_working_days(D("2025-09-26"), 4) == D("2025-10-09")


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        cal.add_working_days(D("2025-09-30"), -1)


def test_working_days_between_counts_after_start_up_to_end():
    assert cal.working_days_between(D("2025-09-30"), D("2025-10-10")) == 2
    assert cal.working_days_between(D("2025-10-10"), D("2025-09-30")) == -2
    assert cal.working_days_between(D("2025-10-01"), D("2025-10-01")) == 0


def test_an_unpublished_year_falls_back_to_monday_to_friday_and_says_so():
    assert cal.is_known(2026) and not cal.is_known(2027)
    assert cal.day(D("2027-01-01")).source == "weekday_fallback"
    assert cal.is_working_day(D("2027-01-01"))  # a Friday: the guess misses New Year's Day
    assert cal.is_holiday(D("2027-01-02"))


def test_overrides_for_2027_decide_first_and_make_the_year_known():
    spring = {D("2027-02-05") + dt.timedelta(days=i): DayOverride(False, "春节", "Spring Festival")
              for i in range(8)}
    overrides = {D("2027-01-01"): DayOverride(False, "元旦"), D("2027-01-30"): True, **spring}
    cal27 = WorkingDayCalendar(overrides)
    assert cal27.is_known(2027)
    assert cal27.holiday_name(D("2027-01-01")) == "元旦"
    assert cal27.is_working_day(D("2027-01-30"))  # a make-up Saturday
    assert cal27.day(D("2027-01-30")).source == "override"
    assert cal27.next_working_day(D("2027-02-05")) == D("2027-02-15")
    assert cal27.add_working_days(D("2026-12-31"), 1) == D("2027-01-04")


def test_an_override_can_close_a_published_working_day():
    closed = WorkingDayCalendar({D("2025-09-30"): DayOverride(False, "停电")})
    assert closed.holiday_name(D("2025-09-30")) == "停电"
    assert closed.add_working_days(D("2025-09-29"), 1) == D("2025-10-09")


def test_overrides_that_leave_no_working_day_are_reported():
    never = WorkingDayCalendar({D("2027-01-01") + dt.timedelta(days=i): False for i in range(400)})
    with pytest.raises(ValueError):
        never.next_working_day(D("2027-01-01"))


def test_the_default_calendar_is_shared():
    assert default_calendar() is default_calendar()


days = st.dates(D("2023-06-01"), D("2027-06-30"))


@given(days, st.integers(1, 30))
def test_adding_working_days_always_lands_on_a_working_day(d, n):
    assert cal.is_working_day(cal.add_working_days(d, n))


@given(days, st.integers(0, 30))
def test_adding_working_days_is_strictly_increasing_in_n(d, n):
    assert cal.add_working_days(d, n + 1) > cal.add_working_days(d, n)


@given(days, st.integers(0, 30))
def test_working_days_between_inverts_adding_them(d, n):
    assert cal.working_days_between(d, cal.add_working_days(d, n)) == n


@given(days)
def test_no_working_day_is_skipped_before_the_next_working_day(d):
    nxt = cal.next_working_day(d)
    assert cal.is_working_day(nxt)
    assert cal.working_days_between(d - dt.timedelta(days=1), nxt - dt.timedelta(days=1)) == 0
