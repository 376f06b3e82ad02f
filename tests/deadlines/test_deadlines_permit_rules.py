from __future__ import annotations

import datetime as dt

from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.rules.permits import (
    LearnerPermit,
    MedicalCertificateObligation,
    PlateRetention,
    PreselectedPlate,
    learner_permit_expiry,
    preselected_plate_expiry,
)
from jiaoguan.deadlines.rules.records import deadlines_for

D = dt.date.fromisoformat


def test_a_learner_permit_is_valid_three_years() -> None:
    assert learner_permit_expiry(LearnerPermit(D("2019-05-05"), "C1")) == D("2022-05-05")


def test_a_learner_permit_issued_on_a_leap_day_ends_on_the_last_day_of_february() -> None:
    assert learner_permit_expiry(LearnerPermit(D("2020-02-29"), "C1")) == D("2023-02-28")


def test_a_learner_permit_does_not_outlive_the_upper_age_of_its_class() -> None:
    permit = LearnerPermit(D("2021-01-10"), "B2", holder_birth_date=D("1961-06-15"))
    assert learner_permit_expiry(permit) == D("2022-06-14")
    no_cap = LearnerPermit(D("2021-01-10"), "C1", holder_birth_date=D("1961-06-15"))
    assert learner_permit_expiry(no_cap) == D("2024-01-10")


def test_a_preselected_plate_number_is_kept_for_working_days_across_a_holiday() -> None:
    # Selected Wednesday 2022-09-28: Thursday, Friday, then 1–7 October off, then the make-up Saturday.
    assert preselected_plate_expiry(PreselectedPlate(D("2022-09-28"), 3)) == D("2022-10-08")
    # 15 working days from 2022-04-06: 7–8, 11–15, 18–22 April, then the make-up Sunday 24 April, 25, 26.
    assert preselected_plate_expiry(PreselectedPlate(D("2022-04-06"), 15)) == D("2022-04-26")


def test_a_released_plate_number_is_retained_two_years() -> None:
    (retention,) = deadlines_for(PlateRetention(D("2020-03-31")), D("2020-04-01"))
    assert (retention.kind, retention.due) == (DeadlineKind.PLATE_RETENTION, D("2022-03-31"))


def test_a_rongque_obligation_is_due_on_its_set_date() -> None:
    (cert,) = deadlines_for(MedicalCertificateObligation(D("2022-05-01"), D("2022-12-31")), D("2022-06-01"))
    assert (cert.kind, cert.due, cert.opens) == (DeadlineKind.MEDICAL_CERTIFICATE, D("2022-12-31"), D("2022-05-01"))
