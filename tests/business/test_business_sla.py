"""SLA arithmetic on the PRC working-day calendar: weekends, statutory holidays, adjusted working days, the
administrator's overrides, and the clock stopped while the case waits on the applicant."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.business import sla
from jiaoguan.kit.calendar import DayOverride, WorkingDayCalendar

D = dt.date.fromisoformat
CAL = WorkingDayCalendar()


def test_a_friday_acceptance_with_one_working_day_is_due_on_monday() -> None:
    assert sla.due_date(CAL, D("2024-03-08"), 1) == D("2024-03-11")


def test_the_may_day_holiday_is_skipped_and_the_worked_saturday_counts() -> None:
    # 2022: 30 Apr – 4 May off; Sunday 24 Apr and Saturday 7 May worked.
    assert sla.due_date(CAL, D("2022-04-29"), 1) == D("2022-05-05")
    assert sla.due_date(CAL, D("2022-04-29"), 2) == D("2022-05-06")
    assert sla.due_date(CAL, D("2022-04-29"), 3) == D("2022-05-07")
    assert sla.due_date(CAL, D("2022-04-22"), 1) == D("2022-04-24")


def test_national_day_with_its_adjusted_working_days() -> None:
    # 2024: 1–7 Oct off; Sunday 29 Sep and Saturday 12 Oct worked.
    assert sla.due_date(CAL, D("2024-09-27"), 1) == D("2024-09-29")
    assert sla.due_date(CAL, D("2024-09-30"), 1) == D("2024-10-08")
    assert sla.due_date(CAL, D("2024-10-11"), 1) == D("2024-10-12")


def test_an_administrators_override_moves_the_due_date() -> None:
    closed = WorkingDayCalendar({D("2024-03-11"): DayOverride(False, "台风停工")})
    assert sla.due_date(closed, D("2024-03-08"), 1) == D("2024-03-12")
    opened = WorkingDayCalendar({D("2024-03-09"): DayOverride(True, "加班")})
    assert sla.due_date(opened, D("2024-03-08"), 1) == D("2024-03-09")


def test_the_clock_stops_while_the_case_waits_on_the_applicant() -> None:
    # Accepted Monday 4 March with 3 working days: due Thursday; a correction asked for on Tuesday and answered
    # on Friday removes Wednesday to Friday, so it is due the next Tuesday.
    accepted = D("2024-03-04")
    assert sla.due_date(CAL, accepted, 3) == D("2024-03-07")
    stops = [(D("2024-03-05"), D("2024-03-08"))]
    assert sla.due_date(CAL, accepted, 3, stops) == D("2024-03-12")
    assert sla.used(CAL, accepted, D("2024-03-08"), stops) == 1
    assert sla.remaining(CAL, accepted, 3, D("2024-03-11"), stops) == 1


def test_an_open_stop_holds_the_clock_and_leaves_no_due_date() -> None:
    stops: list[sla.Stop] = [(D("2024-03-05"), None)]
    assert sla.due_date(CAL, D("2024-03-04"), 3, stops) is None
    assert sla.used(CAL, D("2024-03-04"), D("2024-03-29"), stops) == 1


def test_a_stop_over_a_holiday_removes_nothing_twice_and_kept_follows_the_used_days() -> None:
    stops = [(D("2022-04-29"), D("2022-05-05"))]
    assert sla.due_date(CAL, D("2022-04-29"), 1, stops) == D("2022-05-06")
    assert sla.kept(CAL, D("2022-04-29"), 1, D("2022-05-06"), stops)
    assert not sla.kept(CAL, D("2022-04-29"), 1, D("2022-05-06"))


@given(start=st.dates(D("2021-01-01"), D("2025-10-01")), days=st.integers(0, 25),
       stop_at=st.integers(0, 20), stop_len=st.integers(0, 15))
def test_the_working_days_used_up_to_the_due_date_are_the_sla(start: dt.date, days: int, stop_at: int,
                                                              stop_len: int) -> None:
    s = start + dt.timedelta(days=stop_at)
    stops = [(s, s + dt.timedelta(days=stop_len))]
    due = sla.due_date(CAL, start, days, stops)
    assert due is not None
    assert sla.used(CAL, start, due, stops) == days
    if days:
        assert sla.used(CAL, start, due - dt.timedelta(days=1), stops) == days - 1


@given(accepted=st.dates(D("2023-12-01"), D("2025-10-01")), span=st.integers(0, 60),
       stops=st.lists(st.tuples(st.integers(-5, 60), st.integers(0, 30), st.booleans()), max_size=4))
def test_the_days_used_are_the_counting_days_one_by_one(accepted: dt.date, span: int,
                                                         stops: list[tuple[int, int, bool]]) -> None:
    # `used` counts by spans (memoised, stops merged); the definition counts day by day. Stops here may overlap.
    on = accepted + dt.timedelta(days=span)
    clock = [(accepted + dt.timedelta(days=a), None if still else accepted + dt.timedelta(days=a + n))
             for a, n, still in stops]
    by_day = sum(sla.counts(CAL, accepted + dt.timedelta(days=i), clock) for i in range(1, span + 1))
    assert sla.used(CAL, accepted, on, clock) == by_day
