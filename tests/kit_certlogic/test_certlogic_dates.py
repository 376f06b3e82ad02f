from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.kit.certlogic import evaluate, evaluate_condition
from jiaoguan.kit.certlogic.datetimes import parse, plus_time


@pytest.mark.parametrize(("amount", "unit", "expected"), [
    (1, "day", "2020-03-01"), (1, "month", "2020-03-29"), (1, "year", "2021-03-01"),
])
def test_plus_time_follows_the_leap_day_table_of_the_specification(amount: int, unit: str,
                                                                   expected: str) -> None:
    assert plus_time("2020-02-29", amount, unit).date().isoformat() == expected


def test_offsets_are_normalised_to_utc_and_fractions_are_cut_to_milliseconds() -> None:
    expected = dt.datetime(2021, 6, 1, 6, 30, 0, 123000, tzinfo=dt.UTC)
    assert parse("2021-06-01T08:00:00.123999+0130") == expected
    assert parse("2021-06-01T08:00:00-1") == dt.datetime(2021, 6, 1, 9, tzinfo=dt.UTC)


def test_a_condition_that_errors_counts_as_false() -> None:
    bad = {"after": [{"var": "x"}, 1]}
    assert evaluate_condition(bad, {"x": 2}) is False
    assert evaluate_condition({"===": [{"var": "x"}, 2]}, {"x": 2}) is True


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2900, 1, 1)), st.integers(-500, 500))
def test_adding_days_then_comparing_agrees_with_python_dates(day: dt.date, n: int) -> None:
    later = {"plusTime": [day.isoformat(), n, "day"]}
    assert evaluate({"not-before": [later, {"plusTime": [day.isoformat(), 0, "day"]}]}, None) is (n >= 0)
    assert plus_time(day.isoformat(), n, "day").date() == day + dt.timedelta(days=n)
