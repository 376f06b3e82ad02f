"""The hotline's clock, pure: working hours at the desk on the PRC calendar (weekends, statutory holidays and the
adjusted working days around them), with the time spent waiting on the caller left out."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.hotline.sla import DeskHours, SlaState, due_at, emergency_due, ticket_state, working_seconds
from jiaoguan.kit.calendar import DayOverride, WorkingDayCalendar
from jiaoguan.kit.clock import CHINA_TZ

CAL = WorkingDayCalendar()
DESK = DeskHours(dt.time(9), dt.time(17))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


def due(start: str, hours: float, pauses: tuple[tuple[str, str | None], ...] = (),
        cal: WorkingDayCalendar = CAL) -> dt.datetime | None:
    ps = [(at(a), at(b) if b else None) for a, b in pauses]
    found = due_at(at(start), hours, DESK, cal.is_working_day, ps)
    return found.astimezone(CHINA_TZ).replace(tzinfo=None) if found else None


def test_a_budget_inside_one_desk_day_ends_the_same_afternoon() -> None:
    assert due("2024-09-23T10:00", 4) == dt.datetime(2024, 9, 23, 14, 0)


def test_the_evening_and_the_night_do_not_count() -> None:
    assert due("2024-09-23T16:00", 4) == dt.datetime(2024, 9, 24, 12, 0)


def test_a_call_before_the_desk_opens_counts_from_opening() -> None:
    assert due("2024-09-23T07:30", 2) == dt.datetime(2024, 9, 23, 11, 0)
    assert due("2024-09-23T18:00", 1) == dt.datetime(2024, 9, 24, 10, 0)


def test_a_weekend_is_skipped() -> None:
    assert due("2024-09-20T15:00", 4) == dt.datetime(2024, 9, 23, 11, 0)  # Friday → Monday


def test_an_adjusted_working_sunday_counts() -> None:
    # 2024-09-29 (a Sunday) was worked in exchange for the National Day holiday; Saturday the 28th was not.
    assert due("2024-09-27T16:00", 4) == dt.datetime(2024, 9, 29, 12, 0)


def test_a_statutory_holiday_week_is_skipped() -> None:
    # National Day 2024: 1–7 October off; the desk's next working day after 30 September is 8 October.
    assert due("2024-09-30T16:00", 8) == dt.datetime(2024, 10, 8, 16, 0)
    assert due("2024-10-03T10:00", 1) == dt.datetime(2024, 10, 8, 10, 0)


def test_an_administrators_override_closes_a_day_the_state_council_did_not() -> None:
    closed = WorkingDayCalendar({dt.date(2024, 9, 24): DayOverride(working=False, name="本地停办")})
    assert due("2024-09-23T16:00", 4, cal=closed) == dt.datetime(2024, 9, 25, 12, 0)


def test_waiting_on_the_caller_moves_the_due_time_by_the_desk_time_spent_waiting() -> None:
    # 1 h counted on Monday before the pause; the pause covers the rest of Monday and Tuesday to Wednesday 10:00.
    assert due("2024-09-23T10:00", 4, (("2024-09-23T11:00", "2024-09-25T10:00"),)) == dt.datetime(2024, 9, 25, 13, 0)


def test_a_pause_outside_desk_hours_changes_nothing() -> None:
    assert due("2024-09-23T10:00", 4, (("2024-09-23T18:00", "2024-09-24T08:00"),)) == dt.datetime(2024, 9, 23, 14, 0)


def test_while_the_caller_is_awaited_the_clock_is_stopped() -> None:
    assert due("2024-09-23T10:00", 4, (("2024-09-23T11:00", None),)) is None


def test_a_budget_used_up_before_an_open_pause_still_has_its_due_time() -> None:
    assert due("2024-09-23T10:00", 1, (("2024-09-23T15:00", None),)) == dt.datetime(2024, 9, 23, 11, 0)


def test_working_seconds_leave_out_nights_weekends_holidays_and_pauses() -> None:
    ws = working_seconds(at("2024-09-27T16:00"), at("2024-10-08T10:00"), DESK, CAL.is_working_day)
    assert ws == (1 + 8 + 8 + 1) * 3600  # Fri 27th, Sun 29th (worked), Mon 30th, Tue 8 Oct
    paused = working_seconds(at("2024-09-27T16:00"), at("2024-10-08T10:00"), DESK, CAL.is_working_day,
                             [(at("2024-09-29T12:00"), at("2024-09-30T09:30"))])
    assert paused == ws - (5 * 3600 + 1800)


@given(start=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2024, 12, 1)),
       minutes=st.integers(min_value=1, max_value=60 * 40))
def test_the_due_time_is_exactly_the_budget_of_desk_time_away(start: dt.datetime, minutes: int) -> None:
    begin = start.replace(tzinfo=CHINA_TZ, microsecond=0)
    end = due_at(begin, minutes / 60, DESK, CAL.is_working_day)
    assert end is not None and end > begin
    assert working_seconds(begin, end, DESK, CAL.is_working_day) == minutes * 60
    assert CAL.is_working_day(end.astimezone(CHINA_TZ).date())


@given(start=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2024, 12, 1)),
       pause_at=st.integers(min_value=0, max_value=60 * 24 * 10),
       pause_for=st.integers(min_value=0, max_value=60 * 24 * 10))
def test_a_pause_never_brings_the_due_time_closer(start: dt.datetime, pause_at: int, pause_for: int) -> None:
    begin = start.replace(tzinfo=CHINA_TZ, microsecond=0)
    p0 = begin + dt.timedelta(minutes=pause_at)
    plain = due_at(begin, 8, DESK, CAL.is_working_day)
    paused = due_at(begin, 8, DESK, CAL.is_working_day, [(p0, p0 + dt.timedelta(minutes=pause_for))])
    assert plain is not None and paused is not None and paused >= plain


def test_the_ticket_state_follows_the_clock() -> None:
    kw = {"budget_hours": 4.0, "hours": DESK, "is_working_day": CAL.is_working_day}
    d = at("2024-09-23T14:00")
    assert ticket_state(now=at("2024-09-23T10:30"), due=d, closed_at=None, waiting=False, **kw) is SlaState.on_time
    assert ticket_state(now=at("2024-09-23T13:30"), due=d, closed_at=None, waiting=False, **kw) is SlaState.due_soon
    assert ticket_state(now=at("2024-09-23T14:00"), due=d, closed_at=None, waiting=False, **kw) is SlaState.overdue
    assert ticket_state(now=at("2024-09-23T15:00"), due=None, closed_at=None, waiting=True, **kw) is SlaState.stopped
    assert ticket_state(now=at("2024-09-24T09:00"), due=d, closed_at=at("2024-09-23T13:59"), waiting=False,
                        **kw) is SlaState.kept
    assert ticket_state(now=at("2024-09-24T09:00"), due=d, closed_at=at("2024-09-23T14:01"), waiting=False,
                        **kw) is SlaState.missed


def test_emergency_cases_count_natural_hours_through_nights_and_holidays() -> None:
    assert emergency_due(at("2024-09-30T22:00"), 24) == at("2024-10-01T22:00")


def test_desk_hours_must_make_sense_and_times_must_be_aware() -> None:
    with pytest.raises(ValueError):
        DeskHours(dt.time(17), dt.time(9))
    with pytest.raises(ValueError):
        due_at(dt.datetime(2024, 9, 23, 10), 1, DESK, CAL.is_working_day)
