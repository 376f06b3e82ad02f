"""Decree 162 deadlines of a driving licence, hand-computed."""

from __future__ import annotations

import datetime as dt

from jiaoguan.deadlines.rules.kinds import Deadline, DeadlineKind, VehicleClass
from jiaoguan.deadlines.rules.licence import Licence, cycle_bounds, next_validity_years, statutory_days
from jiaoguan.deadlines.rules.records import deadlines_for

D = dt.date.fromisoformat


def c1(points: tuple[int, ...] = (), **kw: object) -> Licence:
    fields: dict[str, object] = dict(classes=frozenset({"C1"}), first_issued=D("2016-06-10"),
                                     valid_from=D("2016-06-10"), valid_until=D("2022-06-10"), period_years=6,
                                     cycle_points=points)
    fields.update(kw)
    return Licence(**fields)  # type: ignore[arg-type]


def of_kind(found: list[Deadline], kind: DeadlineKind) -> list[Deadline]:
    return [d for d in found if d.kind is kind]


def test_renewal_is_due_on_expiry_and_opens_ninety_days_before() -> None:
    (renewal,) = of_kind(deadlines_for(c1(), D("2022-05-01")), DeadlineKind.LICENCE_RENEWAL)
    assert (renewal.due, renewal.opens, renewal.rule) == (D("2022-06-10"), D("2022-03-12"), "D162-63")


def test_cancellation_and_restoration_appear_once_the_licence_has_expired() -> None:
    assert not of_kind(deadlines_for(c1(), D("2022-06-10")), DeadlineKind.LICENCE_CANCELLATION)
    found = deadlines_for(c1(), D("2022-06-11"))
    assert [d.due for d in of_kind(found, DeadlineKind.LICENCE_CANCELLATION)] == [D("2023-06-10")]
    assert [d.due for d in of_kind(found, DeadlineKind.LICENCE_RESTORATION)] == [D("2025-06-10")]


def test_the_next_validity_grows_from_six_to_ten_to_long_term_without_a_twelve_point_cycle() -> None:
    assert next_validity_years(c1((0, 3, 0, 11, 0, 0))) == 10
    assert next_validity_years(c1((0, 12))) == 6
    ten = c1(valid_from=D("2022-06-10"), valid_until=D("2032-06-10"), period_years=10)
    assert next_validity_years(ten) is None
    points_before_this_validity = c1((12, 12, 12, 12, 12, 12), valid_from=D("2022-06-10"),
                                     valid_until=D("2032-06-10"), period_years=10)
    assert next_validity_years(points_before_this_validity) is None


def test_a_long_term_licence_has_no_renewal() -> None:
    forever = c1(valid_until=None, period_years=None)
    assert not of_kind(deadlines_for(forever, D("2030-01-01")), DeadlineKind.LICENCE_RENEWAL)


def test_scoring_cycles_run_a_year_from_the_first_issue_date() -> None:
    licence = c1()
    assert cycle_bounds(licence, 0) == (D("2016-06-10"), D("2017-06-09"))
    assert cycle_bounds(licence, 5) == (D("2021-06-10"), D("2022-06-09"))


def test_an_a2_review_after_a_cycle_with_points_rolls_past_the_national_day_holiday() -> None:
    a2 = Licence(classes=frozenset({"A2"}), first_issued=D("2016-09-02"), valid_from=D("2016-09-02"),
                 valid_until=D("2026-09-02"), period_years=10, cycle_points=(0, 0, 0, 0, 0, 1))
    (review,) = of_kind(deadlines_for(a2, D("2022-09-15")), DeadlineKind.LICENCE_REVIEW)
    # The cycle ends 2022-09-01; 30 natural days end on 2022-10-01, inside the holiday of 1–7 October,
    # and the next working day is the make-up Saturday 2022-10-08 (Civil Code art 203).
    assert review.due == D("2022-10-08")
    assert a2.vehicle_class is VehicleClass.HEAVY


def test_no_review_when_the_cycle_had_no_points_or_was_already_reviewed() -> None:
    base = dict(classes=frozenset({"B2"}), first_issued=D("2016-09-02"), valid_from=D("2016-09-02"),
                valid_until=D("2026-09-02"), period_years=10)
    clean = Licence(cycle_points=(0,) * 6, **base)  # type: ignore[arg-type]
    reviewed = Licence(cycle_points=(0, 0, 0, 0, 0, 4), last_review=D("2022-09-10"), **base)  # type: ignore[arg-type]
    assert not of_kind(deadlines_for(clean, D("2022-09-15")), DeadlineKind.LICENCE_REVIEW)
    assert not of_kind(deadlines_for(reviewed, D("2022-09-15")), DeadlineKind.LICENCE_REVIEW)
    c1_with_points = c1((0, 0, 0, 0, 6))
    assert not of_kind(deadlines_for(c1_with_points, D("2022-05-01")), DeadlineKind.LICENCE_REVIEW)


def test_a_driver_over_seventy_owes_a_certificate_thirty_days_after_the_cycle_and_risks_cancellation() -> None:
    old = Licence(classes=frozenset({"C1"}), first_issued=D("2000-05-01"), valid_from=D("2016-05-01"),
                  valid_until=None, period_years=None, holder_birth_date=D("1950-01-01"))
    found = deadlines_for(old, D("2022-06-01"))
    assert [d.due for d in of_kind(found, DeadlineKind.MEDICAL_CERTIFICATE)] == [D("2022-05-30")]
    assert [d.due for d in of_kind(found, DeadlineKind.LICENCE_CANCELLATION)] == [D("2023-04-30")]
    handed_in = Licence(**{**old.__dict__, "last_medical_certificate": D("2022-05-10")})
    assert not of_kind(deadlines_for(handed_in, D("2022-06-01")), DeadlineKind.MEDICAL_CERTIFICATE)


def test_a_c5_holder_owes_a_certificate_every_third_cycle() -> None:
    c5 = Licence(classes=frozenset({"C5"}), first_issued=D("2016-01-15"), valid_from=D("2016-01-15"),
                 valid_until=D("2022-01-15"), period_years=6)
    (cert,) = of_kind(deadlines_for(c5, D("2019-02-01")), DeadlineKind.MEDICAL_CERTIFICATE)
    assert cert.due == D("2019-02-13")   # cycle 3 ends 2019-01-14, + 30 days
    assert not of_kind(deadlines_for(c5, D("2018-02-01")), DeadlineKind.MEDICAL_CERTIFICATE)


def test_decree_162_one_three_five_days_are_working_days() -> None:
    # Friday 2022-09-30, then the National Day holiday: three working days end on 2022-10-10.
    assert statutory_days(D("2022-09-30"), 3) == D("2022-10-10")
    assert statutory_days(D("2022-09-30"), 10) == D("2022-10-10")   # natural days, rolled past the holiday
    assert statutory_days(D("2022-09-01"), 12) == D("2022-09-13")
