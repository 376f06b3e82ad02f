import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit.calendar import WorkingDayCalendar, add_months, add_natural_days, add_years

D = dt.date.fromisoformat
cal = WorkingDayCalendar()


@pytest.mark.parametrize(("start", "n", "end"), [
    ("2022-05-31", 3, "2022-08-31"),
    ("2022-11-30", 3, "2023-02-28"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2023-12-31", 2, "2024-02-29"),
    ("2022-04-21", 3, "2022-07-21"),
    ("2022-03-31", -1, "2022-02-28"),
    ("2022-01-15", -13, "2020-12-15"),
])
def test_months_follow_civil_code_article_202(start, n, end):
    assert add_months(D(start), n) == D(end)


def test_years_are_twelve_months():
    assert add_years(D("2024-02-29"), 1) == D("2025-02-28")
    assert add_years(D("2024-02-29"), 4) == D("2028-02-29")


def test_natural_days_do_not_count_the_first_day():
    assert add_natural_days(D("2025-09-29"), 3) == D("2025-10-02")


def test_a_period_ending_on_a_holiday_ends_on_the_next_working_day():
    assert cal.period_end(D("2025-07-01"), months=3) == D("2025-10-09")
    assert cal.period_end(D("2025-07-01"), months=3, roll_holiday=False) == D("2025-10-01")


def test_a_period_ending_on_a_make_up_working_day_is_not_moved():
    assert cal.period_end(D("2025-09-25"), days=3) == D("2025-09-28")


def test_a_period_of_months_and_days_adds_the_months_first():
    assert cal.period_end(D("2022-01-31"), months=1, days=1, roll_holiday=False) == D("2022-03-01")


def test_a_ten_day_period_ending_on_a_weekend_moves_to_monday():
    assert cal.period_end(D("2025-11-05"), days=10) == D("2025-11-17")


@given(st.dates(D("1900-01-01"), D("2200-12-31")), st.integers(-1200, 1200))
def test_adding_months_lands_in_the_target_month_without_overshooting(d, n):
    result = add_months(d, n)
    target = d.year * 12 + d.month - 1 + n
    assert (result.year, result.month - 1) == divmod(target, 12)
    assert result.day == min(d.day, calendar.monthrange(result.year, result.month)[1])


@given(st.dates(D("2023-01-01"), D("2027-12-31")), st.integers(0, 24), st.integers(0, 60))
def test_a_rolled_period_end_is_a_working_day_no_earlier_than_the_raw_end(d, months, days):
    raw = cal.period_end(d, months=months, days=days, roll_holiday=False)
    rolled = cal.period_end(d, months=months, days=days)
    assert rolled >= raw and cal.is_working_day(rolled)
