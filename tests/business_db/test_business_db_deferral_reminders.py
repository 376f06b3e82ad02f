"""After a deferral (延期换证 / 延期审验 / 延期提交身体条件证明) the holder is reminded through the outbox before the
deferred deadline — 30, 7 and 1 day(s) before — by the daily job the business room declares; a rerun sends
nothing twice, and a deferral whose matter is done sends nothing."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business import documents, identity, service
from jiaoguan.business.deferral_reminders import step_for
from jiaoguan.business.room import ROOM
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from tests.factories import business as f

UNTIL = dt.date(2023, 3, 31)


def _job():  # type: ignore[no-untyped-def]
    """The job as the worker finds it: from the room's declaration."""
    job = next(j for j in ROOM.jobs if j.name == "business.deferral_reminders")
    assert job.every == dt.timedelta(days=1)
    module, name = job.run.split(":")
    return getattr(import_module(module), name)


def _defer(db: Session, who: f.Citizen, seat: Principal, code: str) -> None:
    """The citizen asks for the deferral online (实人 face check), the seat approves it: the register defers."""
    from jiaoguan.registry.models import DrivingLicence

    lic = db.get(DrivingLicence, who.licence_id)
    assert lic is not None
    lic.review_due = lic.medical_due = dt.date(2022, 6, 30)  # a review and a certificate to defer, too
    app = service.create_application(db, who.user, code, answers={"until": UNTIL.isoformat(), "reason": "abroad"})
    identity.face_check(db, who.user, app.id, "confirm")
    for m in ("id_card", "reason_proof"):
        documents.upload(db, who.user, app.id, m, f"{m}.png", f.PNG)
    service.submit(db, who.user, app.id, expected_version=app.version)
    for action in ("accept", "start_review", "approve"):
        service.act(db, seat, app.id, action, expected_version=app.version)
    assert app.status == "approved", app.effect_json
    db.flush()


def _at(clock: FixedClock, when: dt.datetime) -> None:
    clock.advance(when - clock.now())


def _reminders(db: Session) -> list[tuple[str, str, int]]:
    rows = db.execute(select(OutboxMessage).where(OutboxMessage.template == "business_deferral_reminder")
                      .order_by(OutboxMessage.id)).scalars()
    return [(m.channel, m.recipient, m.params["days"]) for m in rows]


@pytest.mark.parametrize("code", ["licence_renewal_deferral", "review_deferral", "medical_deferral"])
def test_a_deferral_is_reminded_before_its_deadline_once_per_step(
        db: Session, citizen: f.Citizen, seat: Principal, clock: FixedClock, code: str) -> None:
    _defer(db, citizen, seat, code)
    run = _job()
    _at(clock, dt.datetime(2023, 2, 28, 9, 0, tzinfo=dt.UTC))  # 31 days before: too early
    run(db)
    assert _reminders(db) == []
    _at(clock, dt.datetime(2023, 3, 1, 9, 0, tzinfo=dt.UTC))   # 30 days before
    run(db)
    run(db)  # a rerun (or a second worker) sends nothing twice
    phone = "13800138000"
    assert _reminders(db) == [("sms", phone, 30), ("inapp", str(citizen.user.id), 30)]
    _at(clock, dt.datetime(2023, 3, 26, 9, 0, tzinfo=dt.UTC))  # 5 days before: the 7-day step
    run(db)
    _at(clock, dt.datetime(2023, 3, 27, 9, 0, tzinfo=dt.UTC))
    run(db)
    assert [r[2] for r in _reminders(db)] == [30, 30, 5, 5]
    _at(clock, dt.datetime(2023, 4, 1, 9, 0, tzinfo=dt.UTC))   # past the deadline: nothing more from here
    run(db)
    assert len(_reminders(db)) == 4


def test_a_deferral_whose_matter_is_done_is_not_reminded(
        db: Session, citizen: f.Citizen, seat: Principal, clock: FixedClock) -> None:
    from jiaoguan.registry.changes.licences import submit_medical_certificate

    _defer(db, citizen, seat, "medical_deferral")
    submit_medical_certificate(db, licence_id=citizen.licence_id, actor=seat, on=dt.date(2022, 5, 2))
    _at(clock, dt.datetime(2023, 3, 30, 9, 0, tzinfo=dt.UTC))
    _job()(db)
    assert _reminders(db) == []


def test_the_steps_are_the_nearest_at_or_above_the_days_left() -> None:
    assert [step_for(n) for n in (31, 30, 8, 7, 2, 1, 0, -1)] == [None, 30, 30, 7, 7, 1, 1, None]
