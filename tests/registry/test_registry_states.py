"""State tags of registry records (pure: no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.registry.states import (
    Tone,
    licence_states,
    permit_states,
    plate_hold_states,
    vehicle_states,
    worst,
)

ON = dt.date(2026, 11, 26)
days = st.integers(min_value=-3000, max_value=3000)


def licence_codes(valid_to: dt.date | None, *, status: str = "valid", classes: str = "C1", points: int = 0,
                  review_due: dt.date | None = None, medical_due: dt.date | None = None) -> list[str]:
    return [t.code for t in licence_states(status=status, valid_to=valid_to, classes=classes, points=points,
                                           review_due=review_due, medical_due=medical_due, on=ON)]


def test_a_licence_expiring_within_90_days_is_in_its_renewal_window() -> None:
    assert licence_codes(ON + dt.timedelta(days=90)) == ["licence.renewal_window"]
    assert licence_codes(ON) == ["licence.renewal_window"]
    assert licence_codes(ON + dt.timedelta(days=91)) == ["licence.valid"]


def test_a_licence_overdue_up_to_one_year_is_overdue_and_beyond_that_liable_to_cancellation() -> None:
    assert licence_codes(ON - dt.timedelta(days=1)) == ["licence.overdue"]
    assert licence_codes(dt.date(2025, 11, 26)) == ["licence.overdue"]
    assert licence_codes(dt.date(2025, 11, 25)) == ["licence.cancel_eligible"]


def test_a_long_term_licence_never_expires() -> None:
    assert licence_codes(None) == ["licence.long_term"]


def test_a_cancelled_licence_shows_only_that_it_is_cancelled() -> None:
    assert licence_codes(ON - dt.timedelta(days=900), status="cancelled", review_due=ON) == ["licence.cancelled"]


def test_review_and_medical_obligations_are_due_then_overdue() -> None:
    codes = licence_codes(None, classes="A2 D", points=6, review_due=ON + dt.timedelta(days=10),
                          medical_due=ON - dt.timedelta(days=1))
    assert codes == ["licence.long_term", "licence.review_due", "licence.medical_overdue", "licence.points"]


def test_points_are_shown_only_for_a_and_b_classes_which_bring_review() -> None:
    assert "licence.points" not in licence_codes(None, classes="C1", points=6)
    assert "licence.points" in licence_codes(None, classes="B2", points=6)


def test_inspection_is_due_within_three_months_and_overdue_after_its_date() -> None:
    def codes(until: dt.date, missed: int = 0) -> list[str]:
        return [t.code for t in vehicle_states(status="normal", inspection_valid_until=until,
                                               insurance_valid_until=ON + dt.timedelta(days=200),
                                               missed_cycles=missed, on=ON)]

    assert codes(dt.date(2027, 2, 26)) == ["vehicle.inspection_due"]
    assert codes(dt.date(2027, 2, 27)) == ["vehicle.inspection_valid"]
    assert codes(ON - dt.timedelta(days=1), missed=1) == ["vehicle.inspection_overdue"]
    assert codes(ON - dt.timedelta(days=800), missed=3) == ["vehicle.scrap_due", "vehicle.inspection_overdue"]


def test_lapsed_compulsory_insurance_is_flagged() -> None:
    tags = vehicle_states(status="normal", inspection_valid_until=ON + dt.timedelta(days=400),
                          insurance_valid_until=ON - dt.timedelta(days=1), missed_cycles=0, on=ON)
    assert [t.code for t in tags] == ["vehicle.inspection_valid", "vehicle.insurance_lapsed"]
    assert worst(tags) is Tone.BAD


def test_a_learner_permit_expires_after_its_last_day() -> None:
    assert [t.code for t in permit_states(status="valid", valid_until=ON, on=ON)] == ["permit.expiring"]
    assert [t.code for t in permit_states(status="valid", valid_until=ON - dt.timedelta(days=1), on=ON)] == [
        "permit.expired"]
    assert [t.code for t in permit_states(status="used", valid_until=ON, on=ON)] == ["permit.used"]


def test_a_plate_hold_warns_in_its_last_days_then_lapses() -> None:
    assert plate_hold_states(status="held", valid_until=ON + dt.timedelta(days=3), on=ON)[0].code == "plate.hold_ending"
    assert plate_hold_states(status="held", valid_until=ON + dt.timedelta(days=4), on=ON)[0].code == "plate.held"
    assert plate_hold_states(status="held", valid_until=ON - dt.timedelta(days=1), on=ON)[0].code == "plate.lapsed"


def test_state_texts_exist_in_chinese_and_english() -> None:
    tag = licence_states(status="valid", valid_to=ON + dt.timedelta(days=45), classes="C1", points=0,
                         review_due=None, medical_due=None, on=ON)[0]
    assert "2027-01-10" in tag.text("en") and "45" in tag.text("en")
    assert tag.text("zh_Hans") != tag.text("en") and "2027-01-10" in tag.text("zh_Hans")


@given(offset=days)
def test_every_licence_has_exactly_one_validity_state(offset: int) -> None:
    codes = licence_codes(ON + dt.timedelta(days=offset))
    validity = {"licence.valid", "licence.renewal_window", "licence.overdue", "licence.cancel_eligible"}
    assert len([c for c in codes if c in validity]) == 1


@given(offset=days, later=st.integers(min_value=1, max_value=400))
def test_a_licence_state_only_gets_more_urgent_as_time_passes(offset: int, later: int) -> None:
    order = ["licence.valid", "licence.renewal_window", "licence.overdue", "licence.cancel_eligible"]
    valid_to = ON + dt.timedelta(days=offset)

    def state(on: dt.date) -> int:
        tag = licence_states(status="valid", valid_to=valid_to, classes="C1", points=0, review_due=None,
                             medical_due=None, on=on)[0]
        return order.index(tag.code)

    assert state(ON) <= state(ON + dt.timedelta(days=later))


@given(offset=days, missed=st.integers(min_value=0, max_value=5))
def test_a_vehicle_always_has_exactly_one_inspection_state(offset: int, missed: int) -> None:
    tags = vehicle_states(status="normal", inspection_valid_until=ON + dt.timedelta(days=offset),
                          insurance_valid_until=ON, missed_cycles=missed, on=ON)
    assert len([t for t in tags if t.code.startswith("vehicle.inspection_")]) == 1


def test_a_deferred_licence_says_the_holder_may_not_drive() -> None:
    codes = licence_codes(ON + dt.timedelta(days=400), status="deferred")
    assert codes == ["licence.deferred", "licence.valid"]
