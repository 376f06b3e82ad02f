"""The registry's change arithmetic (pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.registry import rules
from jiaoguan.registry.rules import Refusal

D = dt.date.fromisoformat


def test_a_clean_six_year_period_is_followed_by_ten_years_then_long_term() -> None:
    assert rules.next_period(6, False) == 10
    assert rules.next_period(10, False) is None
    assert rules.next_period(None, False) is None


def test_a_period_with_a_full_score_cycle_is_followed_by_the_same_period_again() -> None:
    assert rules.next_period(6, True) == 6
    assert rules.next_period(10, True) == 10


def test_a_renewal_in_the_window_runs_on_from_the_old_expiry() -> None:
    r = rules.renewal(valid_to=D("2026-12-01"), period_years=6, classes="C1", birth=D("1980-05-01"),
                      on=D("2026-11-01"))
    assert (r.valid_from, r.valid_to, r.period_years, r.classes, r.downgraded) == (
        D("2026-12-01"), D("2036-12-01"), 10, "C1", False)


def test_a_renewal_after_expiry_runs_from_the_day_of_renewal() -> None:
    r = rules.renewal(valid_to=D("2026-06-01"), period_years=10, classes="C1", birth=D("1980-05-01"),
                      on=D("2026-11-01"))
    assert (r.valid_from, r.valid_to, r.period_years) == (D("2026-11-01"), None, None)


def test_renewal_is_refused_before_the_window_and_a_year_after_expiry() -> None:
    with pytest.raises(Refusal) as early:
        rules.check_renewable(D("2027-03-01"), D("2026-11-01"))
    assert early.value.reason == "not_in_window" and early.value.params == {"date": "2026-12-01"}
    rules.check_renewable(D("2027-01-30"), D("2026-11-01"))   # exactly 90 days before
    rules.check_renewable(D("2025-11-01"), D("2026-11-01"))   # exactly a year after
    with pytest.raises(Refusal) as late:
        rules.check_renewable(D("2025-10-31"), D("2026-11-01"))
    assert late.value.reason == "too_late" and late.value.article == "Decree 162 art 79"


def test_at_sixty_the_large_classes_become_a_small_car_and_a2_keeps_c6() -> None:
    assert rules.downgraded_classes("A1", 60) == "C1"
    assert rules.downgraded_classes("A2 D", 60) == "C1 C6 D"
    assert rules.downgraded_classes("B2", 59) == "B2"


def test_at_seventy_motorcycles_become_a_moped_and_c6_a_small_car() -> None:
    assert rules.downgraded_classes("A2 D", 70) == "C1 F"
    assert rules.downgraded_classes("C1 E", 70) == "C1 F"
    assert rules.downgraded_classes("C2", 75) == "C2"


def test_a_renewal_at_sixty_downgrades_the_classes() -> None:
    r = rules.renewal(valid_to=D("2026-12-01"), period_years=10, classes="A1", birth=D("1966-01-01"),
                      on=D("2026-11-01"))
    assert r.classes == "C1" and r.downgraded


def test_age_counts_full_years() -> None:
    assert rules.age_on(D("1966-11-02"), D("2026-11-01")) == 59
    assert rules.age_on(D("1966-11-01"), D("2026-11-01")) == 60


def test_a_deferral_lasts_at_most_three_years_and_is_asked_for_within_a_year() -> None:
    deadline = D("2026-06-01")
    assert rules.deferred_until(deadline=deadline, requested=D("2029-06-01"), on=D("2026-11-01")) == D("2029-06-01")
    with pytest.raises(Refusal) as too_long:
        rules.deferred_until(deadline=deadline, requested=D("2029-06-02"), on=D("2026-11-01"))
    assert too_long.value.reason == "deferral_too_long"
    with pytest.raises(Refusal) as too_late:
        rules.deferred_until(deadline=deadline, requested=D("2028-01-01"), on=D("2027-06-02"))
    assert too_late.value.reason == "deferral_too_late"


def test_a_temporary_plate_never_outlasts_the_insurance_nor_thirty_days() -> None:
    on = D("2026-11-01")
    assert rules.temporary_plate_until(on=on, days=30, issued_before=0, insurance_until=D("2027-11-01")) == D(
        "2026-11-30")
    assert rules.temporary_plate_until(on=on, days=30, issued_before=2, insurance_until=D("2026-11-10")) == D(
        "2026-11-10")
    for days, before, insurance, reason in ((31, 0, D("2027-01-01"), "temp_plate_days"),
                                            (10, 3, D("2027-01-01"), "temp_plate_limit"),
                                            (10, 0, D("2026-10-31"), "insurance_lapsed")):
        with pytest.raises(Refusal) as refused:
            rules.temporary_plate_until(on=on, days=days, issued_before=before, insurance_until=insurance)
        assert refused.value.reason == reason
    with pytest.raises(Refusal):
        rules.temporary_plate_until(on=on, days=16, issued_before=0, insurance_until=D("2027-01-01"),
                                    replacement=True)


def test_a_preselected_number_is_held_for_working_days_across_a_holiday() -> None:
    # 2026-09-30 (Wed) + 3 working days: the National Day holiday (Oct 1–7) does not use up the hold.
    until = rules.plate_hold_until(D("2026-09-30"), 3)
    assert until > D("2026-10-07")
    assert rules.plate_hold_until(D("2026-11-02"), 3) == D("2026-11-05")


def test_study_removes_one_point_at_a_time_up_to_six_per_cycle() -> None:
    assert rules.study_reduction(3, 0) == 1
    assert rules.study_reduction(3, 5) == 1
    with pytest.raises(Refusal) as limit:
        rules.study_reduction(3, 6)
    assert limit.value.article == "Decree 163 art 27"
    with pytest.raises(Refusal):
        rules.study_reduction(0, 0)


def test_a_camera_violation_is_refused_online_when_the_cycle_would_reach_twelve() -> None:
    rules.check_online_violation(8, 3)
    with pytest.raises(Refusal) as full:
        rules.check_online_violation(9, 3)
    assert full.value.reason == "full_score"


def test_the_exempt_sticker_needs_the_window_insurance_and_closed_violations() -> None:
    valid = D("2027-01-15")
    assert rules.exempt_sticker_until(valid_until=valid, insurance_until=D("2027-06-01"), open_violations=0,
                                      on=D("2026-11-01")) == D("2029-01-15")
    cases = ((D("2026-10-01"), D("2027-06-01"), 0, "sticker_not_in_window"),
             (D("2026-11-01"), D("2026-10-01"), 0, "insurance_lapsed"),
             (D("2026-11-01"), D("2027-06-01"), 2, "open_violations"))
    for on, insurance, violations, reason in cases:
        with pytest.raises(Refusal) as refused:
            rules.exempt_sticker_until(valid_until=valid, insurance_until=insurance, open_violations=violations,
                                       on=on)
        assert refused.value.reason == reason


def test_only_young_small_private_cars_are_inspection_exempt() -> None:
    young = dict(vehicle_type="small_car", use_nature="non_operating", seats=5, registered=D("2022-03-01"))
    assert rules.inspection_exempt(**young, on=D("2026-11-01"))  # type: ignore[arg-type]
    assert not rules.inspection_exempt(**young, on=D("2028-03-01"))  # type: ignore[arg-type]
    assert not rules.inspection_exempt(vehicle_type="heavy_truck", use_nature="freight", seats=2,
                                       registered=D("2025-01-01"), on=D("2026-11-01"))


def test_the_obligation_is_due_on_the_measures_date_else_after_the_default_months() -> None:
    on = D("2026-11-01")
    assert rules.obligation_due(on, measure_due=D("2026-12-31")) == D("2026-12-31")
    assert rules.obligation_due(on, measure_due=None) == D("2027-05-01")
    assert rules.obligation_due(on, measure_due=D("2026-10-01"), default_months=3) == D("2027-02-01")


@given(st.dates(min_value=D("2000-01-01"), max_value=D("2060-12-31")), st.sampled_from([6, 10]),
       st.integers(min_value=-90, max_value=365))
def test_a_renewed_licence_is_valid_on_the_day_of_renewal_and_after_it(valid_to: dt.date, period: int,
                                                                         offset: int) -> None:
    on = valid_to + dt.timedelta(days=offset)
    r = rules.renewal(valid_to=valid_to, period_years=period, classes="C1", birth=D("1990-01-01"), on=on)
    assert r.valid_from <= max(on, valid_to)
    assert r.valid_to is None or r.valid_to > on


@given(st.dates(min_value=D("2000-01-01"), max_value=D("2060-12-31")), st.dates(min_value=D("2000-01-01"),
                                                                                  max_value=D("2060-12-31")))
def test_the_scoring_cycle_contains_the_day(start: dt.date, on: dt.date) -> None:
    s = rules.cycle_start_on(start, on)
    assert s <= on <= rules.cycle_end(start, on)


def test_a_renewal_deferral_keeps_the_licence_renewable_until_its_end() -> None:
    rules.check_renewable(D("2024-06-01"), D("2026-11-01"), deferred_until=D("2027-06-01"))
    with pytest.raises(Refusal):
        rules.check_renewable(D("2024-06-01"), D("2026-11-01"))
