"""Violations and scoring-cycle points: 电子监控违法处理, 缴纳罚款 through the payment provider, 学法减分."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.context import Actor
from jiaoguan.registry.changes import EffectRefused, apply
from jiaoguan.registry.changes.violations import confirm_payment
from jiaoguan.registry.models import FinePayment, PointEntry
from jiaoguan.registry.payments import DeferredProvider
from tests.factories import registry as f

D = dt.date.fromisoformat
ON = D("2026-11-02")
DRIVER = Actor(7, "citizen", "driver7")


def test_handling_a_camera_violation_adds_its_points_to_the_current_cycle(db: Session) -> None:
    who = f.person(db)
    lic = f.licence(db, who, valid_to=D("2030-01-01"))
    lic.cycle_start = D("2010-03-01")
    v = f.violation(db, vehicle=f.vehicle(db, who, inspection=D("2027-06-01")), points=3, fine=200)
    result = apply(db, "camera-violation", violation_id=v.id, licence_id=lic.id, actor=DRIVER, on=ON)
    assert (v.status, v.person_id, v.licence_id, lic.points) == ("handled", who.id, lic.id, 3)
    assert v.decision_no is not None and result.params["decision"] == v.decision_no
    entry = db.scalars(select(PointEntry).where(PointEntry.licence_id == lic.id)).one()
    assert (entry.delta, entry.cycle_start, entry.reason) == (3, D("2026-03-01"), "violation")
    with pytest.raises(EffectRefused) as again:
        apply(db, "camera-violation", violation_id=v.id, licence_id=lic.id, actor=DRIVER, on=ON)
    assert again.value.code == "registry.violation_not_open"


def test_a_violation_that_would_fill_the_cycle_is_not_handled_online(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2030-01-01"))
    lic.points = 6
    v = f.violation(db, points=6)
    with pytest.raises(EffectRefused) as full:
        apply(db, "camera-violation", violation_id=v.id, licence_id=lic.id, actor=DRIVER, on=ON)
    assert full.value.code == "registry.full_score" and full.value.problem_members()["article"] == "Decree 163 art 14"
    assert (v.status, lic.points) == ("recorded", 6)


def test_the_development_provider_confirms_a_fine_at_once(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2030-01-01"))
    v = f.violation(db, fine=150)
    with pytest.raises(EffectRefused) as unhandled:
        apply(db, "fine-payment", violation_id=v.id, actor=DRIVER, on=ON)
    assert unhandled.value.code == "registry.nothing_to_pay"
    apply(db, "camera-violation", violation_id=v.id, licence_id=lic.id, actor=DRIVER, on=ON)
    result = apply(db, "fine-payment", violation_id=v.id, actor=DRIVER, on=ON)
    payment = db.scalars(select(FinePayment).where(FinePayment.violation_id == v.id)).one()
    assert (v.status, v.paid_on, payment.status, payment.provider, payment.amount_yuan) == (
        "paid", ON, "confirmed", "development", 150)
    assert result.changed["payment_status"] == "confirmed"


def test_a_provider_that_calls_back_leaves_the_fine_pending_until_it_confirms(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2030-01-01"))
    v = f.violation(db)
    apply(db, "camera-violation", violation_id=v.id, licence_id=lic.id, actor=DRIVER, on=ON)
    result = apply(db, "fine-payment", violation_id=v.id, actor=DRIVER, on=ON, provider=DeferredProvider())
    assert (v.status, result.changed["payment_status"]) == ("handled", "pending")
    confirm_payment(db, reference=str(result.changed["payment"]), on=ON + dt.timedelta(days=1))
    confirm_payment(db, reference=str(result.changed["payment"]), on=ON + dt.timedelta(days=2))   # idempotent
    assert (v.status, v.paid_on) == ("paid", ON + dt.timedelta(days=1))


def test_study_removes_a_point_at_a_time_and_at_most_six_per_cycle(db: Session) -> None:
    lic = f.licence(db, f.person(db), valid_to=D("2030-01-01"))
    lic.cycle_start, lic.points = D("2010-03-01"), 9
    for _ in range(6):
        apply(db, "study-points", licence_id=lic.id, actor=DRIVER, on=ON)
    assert lic.points == 3
    with pytest.raises(EffectRefused) as limit:
        apply(db, "study-points", licence_id=lic.id, actor=DRIVER, on=ON)
    assert limit.value.code == "registry.study_limit"
    # A new cycle starts on 2027-03-01: the count starts again.
    apply(db, "study-points", licence_id=lic.id, actor=DRIVER, on=D("2027-03-01"))
    assert lic.points == 2


def test_the_demo_citizen_has_camera_violations_to_handle_and_pay(db: Session) -> None:
    from jiaoguan.accounts.models import User
    from jiaoguan.demo import load_demo
    from jiaoguan.registry.checks import Subject, run
    from jiaoguan.registry.models import DrivingLicence, Vehicle, Violation

    load_demo(people=10, seed=5, session=db, on=ON)
    citizen = db.scalars(select(User).where(User.username == "citizen")).one()
    mine = db.scalars(select(Violation).join(Vehicle, Vehicle.id == Violation.vehicle_id).where(
        Vehicle.owner_person_id == citizen.person_id, Violation.status == "recorded", Violation.points > 0)).all()
    assert len(mine) == 1
    [check] = run(db, ["no open violations"], Subject(person_id=citizen.person_id), ON)
    assert not check.ok and check.params["count"] == 3
    lic = db.scalars(select(DrivingLicence).where(DrivingLicence.person_id == citizen.person_id)).one()
    before = lic.points
    apply(db, "camera-violation", violation_id=mine[0].id, licence_id=lic.id, actor=DRIVER, on=ON)
    apply(db, "fine-payment", violation_id=mine[0].id, actor=DRIVER, on=ON)
    assert (lic.points, mine[0].status) == (before + mine[0].points, "paid")
