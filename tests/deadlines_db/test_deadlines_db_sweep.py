"""The bulk sweep on a real database: statuses, reminders, idempotence, resumption, one audit per run."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.sweep.models import SweepRegion, SweepRun, SweepTerm
from jiaoguan.deadlines.sweep.run import SweepBusy, sweep
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, PreselectedPlate, Vehicle
from tests.factories.accounts import enterprise
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import D, licence, permit, person, plate_hold, vehicle


@pytest.fixture()
def clock() -> Iterator[FixedClock]:
    before = get_clock()
    fixed = FixedClock(dt.datetime(2022, 6, 1, 2, 0, tzinfo=dt.UTC))
    set_clock(fixed)
    yield fixed
    set_clock(before)


def status(db: Session, model: type, row_id: int) -> str:
    return str(db.execute(select(model.status).where(model.id == row_id)).scalar_one())


def missed(db: Session, vehicle_id: int) -> int:
    return int(db.execute(select(Vehicle.missed_cycles).where(Vehicle.id == vehicle_id)).scalar_one())


def messages(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_a_licence_expires_the_day_after_its_validity_and_is_cancelled_a_year_later(db, clock) -> None:
    lic = licence(db, person(db), valid_to=D("2021-06-10"))
    sweep(db, D("2021-06-10"), measures=())
    assert status(db, DrivingLicence, lic.id) == "valid"
    sweep(db, D("2021-06-11"), measures=())
    assert status(db, DrivingLicence, lic.id) == "expired"
    sweep(db, D("2022-06-10"), measures=())
    assert status(db, DrivingLicence, lic.id) == "expired"
    sweep(db, D("2022-06-11"), measures=())
    assert status(db, DrivingLicence, lic.id) == "cancelled"


def test_the_mps_suspension_holds_the_cancellation_until_the_first_of_november(db, clock) -> None:
    publish_shipped(db, "MPS-2022-04-21")
    lic = licence(db, person(db), valid_to=D("2021-06-10"), status="expired")
    for day in ("2022-06-11", "2022-10-31"):
        sweep(db, D(day))
        assert status(db, DrivingLicence, lic.id) == "expired", day
    sweep(db, D("2022-11-01"))
    assert status(db, DrivingLicence, lic.id) == "cancelled"


def test_a_licence_expiring_inside_the_window_is_still_cancelled_after_one_year(db, clock) -> None:
    publish_shipped(db, "MPS-2022-04-21")
    lic = licence(db, person(db), valid_to=D("2022-06-10"))
    sweep(db, D("2023-06-10"))
    assert status(db, DrivingLicence, lic.id) == "expired"
    sweep(db, D("2023-06-11"))
    assert status(db, DrivingLicence, lic.id) == "cancelled"


def test_a_never_swept_licence_long_past_expiry_goes_straight_to_cancelled(db, clock) -> None:
    lic = licence(db, person(db), valid_to=D("2019-01-31"))
    report = sweep(db, D("2022-01-01"), measures=())
    assert status(db, DrivingLicence, lic.id) == "cancelled"
    assert report.counts["licences_cancelled"] == 1 and report.counts["licences_expired"] == 0


def test_compulsory_scrapping_takes_effect_after_the_third_missed_cycle_unless_suspended(db, clock) -> None:
    who = person(db)
    # Heavy truck, yearly cycles: validity ends 2019-05-31, then 2020-05-31, 2021-05-31, 2022-05-31.
    truck = vehicle(db, who, inspection=D("2019-05-31"), kind="heavy_truck", use="freight", seats=3)
    sweep(db, D("2021-06-01"), measures=())
    assert missed(db, truck.id) == 2
    sweep(db, D("2022-06-01"), measures=())
    assert missed(db, truck.id) == 3

    held = vehicle(db, who, inspection=D("2019-05-31"), kind="heavy_truck", use="freight", seats=3)
    publish_shipped(db, "MPS-2022-04-21")
    sweep(db, D("2022-06-01"))
    assert missed(db, held.id) == 2
    sweep(db, D("2022-11-01"))
    assert missed(db, held.id) == 3


def test_permits_and_plate_holds_expire_after_their_extended_expiry(db, clock) -> None:
    publish_shipped(db, "MPS-2022-04-21")
    who = person(db)
    lp = permit(db, who, issued=D("2019-05-05"), valid_until=D("2022-05-05"))
    hold = plate_hold(db, who, selected=D("2022-04-20"), valid_until=D("2022-04-28"))
    late = permit(db, who, issued=D("2022-05-01"), valid_until=D("2025-05-01"))
    sweep(db, D("2022-07-28"))
    assert (status(db, LearnerPermit, lp.id), status(db, PreselectedPlate, hold.id)) == ("valid", "held")
    sweep(db, D("2022-07-29"))
    assert status(db, PreselectedPlate, hold.id) == "expired"
    sweep(db, D("2022-08-05"))
    assert status(db, LearnerPermit, lp.id) == "valid"
    sweep(db, D("2022-08-06"))
    assert status(db, LearnerPermit, lp.id) == "expired"
    # Issued after the announcement: the condition of the measure leaves it alone (expires 2025-05-01).
    sweep(db, D("2025-05-02"))
    assert status(db, LearnerPermit, late.id) == "expired"


def test_reminders_go_out_once_at_each_offset_by_sms_and_in_app(db, clock, make_user) -> None:
    who = person(db, phone="13911112222")
    user: User = make_user(Role.citizen, person_id=who.id)
    lic = licence(db, who, valid_to=D("2026-12-31"))
    sent: list[tuple[str, str, int]] = []
    for day, expected in (("2026-11-30", 0), ("2026-12-01", 2), ("2026-12-02", 0), ("2026-12-24", 2), ("2026-12-25", 0),
                          ("2026-12-30", 2), ("2026-12-31", 0), ("2027-01-01", 0)):
        report = sweep(db, D(day), measures=())
        assert report.counts["reminders_licence"] == expected, day
    for m in messages(db):
        params = m.params
        sent.append((m.channel, m.recipient, params["days"]))
        assert m.template == "deadline_reminder" and params["due"] == "2026-12-31"
        assert m.dedupe_key and f":{lic.id}:" in m.dedupe_key
    assert sorted(sent) == sorted([("sms", "13911112222", 30), ("inapp", str(user.id), 30),
                                   ("sms", "13911112222", 7), ("inapp", str(user.id), 7),
                                   ("sms", "13911112222", 1), ("inapp", str(user.id), 1)])


def test_a_run_after_missed_days_sends_the_nearest_offset_only(db, clock) -> None:
    licence(db, person(db), valid_to=D("2026-12-31"))
    sweep(db, D("2026-12-27"), measures=())
    assert [m.params["days"] for m in messages(db)] == [4]
    assert messages(db)[0].dedupe_key.split(":")[4] == "7"


def test_offsets_are_configurable(db, clock) -> None:
    licence(db, person(db), valid_to=D("2026-12-31"))
    assert sweep(db, D("2026-12-17"), offsets=(14,), measures=()).counts["reminders_licence"] == 1
    assert sweep(db, D("2026-12-24"), offsets=(14,), measures=()).counts["reminders_licence"] == 0


def test_the_grace_window_is_the_deadline_reminded_of(db, clock) -> None:
    publish_shipped(db, "MPS-2022-04-21")
    car = vehicle(db, person(db), inspection=D("2022-03-31"))
    sweep(db, D("2022-07-01"))
    (sms,) = [m for m in messages(db) if m.channel == "sms"]
    assert sms.template == "plate_deadline_reminder"
    assert sms.params == {"days": 30, "due": "2022-07-31", "what_msgid": "vehicle inspection", "plate": car.plate_no}


def test_a_reminder_is_written_in_the_readers_language_when_it_is_delivered(db, clock) -> None:
    from jiaoguan.notify.templates import render

    publish_shipped(db, "MPS-2022-04-21")
    car = vehicle(db, person(db), inspection=D("2022-03-31"))
    lic = licence(db, person(db), valid_to=D("2022-07-31"))
    sweep(db, D("2022-07-01"))
    sent = {m.template: m for m in messages(db) if m.channel == "sms"}
    car_zh = render("plate_deadline_reminder", sent["plate_deadline_reminder"].params, "zh_Hans")
    car_en = render("plate_deadline_reminder", sent["plate_deadline_reminder"].params, "en")
    assert car_zh == ("到期提醒", f"提醒：{car.plate_no} 的机动车检验将于 2022-07-31 到期（剩余 30 天）。")
    assert car_en[1] == f"Reminder: vehicle inspection of {car.plate_no} is due on 2022-07-31 (30 days left)."
    licence_zh = render("deadline_reminder", sent["deadline_reminder"].params, "zh_Hans")[1]
    assert licence_zh.startswith("提醒：驾驶证") and lic.valid_to.isoformat() in licence_zh


def test_an_open_medical_certificate_obligation_gets_its_own_reminder(db, clock) -> None:
    licence(db, person(db), valid_to=D("2030-01-01"), medical_due=D("2026-12-08"))
    sweep(db, D("2026-12-01"), measures=())
    (sms,) = messages(db)
    assert sms.template == "obligation_reminder" and sms.params["due"] == "2026-12-08"


def test_a_company_vehicle_is_reminded_to_the_company_contact_and_its_agents(db, clock, make_user) -> None:
    firm = enterprise(db, phone="13700137000")
    agent = make_user(Role.enterprise_agent, enterprise_id=firm.id)
    vehicle(db, None, firm=firm, inspection=D("2026-12-31"), kind="heavy_truck", use="freight", seats=3)
    sweep(db, D("2026-12-01"), measures=())
    assert sorted((m.channel, m.recipient) for m in messages(db)) == [("inapp", str(agent.id)),
                                                                      ("sms", "13700137000")]


def test_a_second_run_on_the_same_day_changes_nothing_and_sends_nothing(db, clock) -> None:
    publish_shipped(db)
    who = person(db)
    licence(db, who, valid_to=D("2021-06-10"))
    licence(db, who, valid_to=D("2022-06-20"), classes="A2", review_due=D("2022-06-25"))
    vehicle(db, who, inspection=D("2022-03-31"))
    vehicle(db, who, inspection=D("2019-05-31"), kind="heavy_truck", use="freight", seats=3)
    permit(db, who, issued=D("2019-07-05"), valid_until=D("2022-07-05"))
    plate_hold(db, who, selected=D("2022-06-20"), valid_until=D("2022-07-01"))
    first = sweep(db, D("2022-07-02"), batch=2)
    assert first.updates > 0 and first.messages > 0
    outbox = len(messages(db))
    second = sweep(db, D("2022-07-02"), batch=2)
    assert (second.updates, second.messages, second.resumed) == (0, 0, False)
    assert len(messages(db)) == outbox


def test_a_crashed_run_continues_where_it_stopped(db, clock) -> None:
    who = person(db)
    rows = [licence(db, who, valid_to=D("2021-01-31") + dt.timedelta(days=i)) for i in range(6)]
    db.commit()

    def crash_after_first_chunk(phase: str, done: int, total: int) -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        sweep(db, D("2021-06-01"), batch=2, measures=(), progress=crash_after_first_chunk)
    db.rollback()
    assert [status(db, DrivingLicence, r.id) for r in rows].count("expired") == 2
    with pytest.raises(SweepBusy):   # the crashed run still holds its lease
        sweep(db, D("2021-06-01"), batch=2, measures=())
    clock.advance(dt.timedelta(minutes=11))
    report = sweep(db, D("2021-06-01"), batch=2, measures=())
    assert report.resumed and report.counts["licences_expired"] == 6
    assert {status(db, DrivingLicence, r.id) for r in rows} == {"expired"}
    run = db.get(SweepRun, report.run_id)
    assert run is not None and run.status == "done" and json.loads(run.counts_json)["licences_expired"] == 6


def test_each_run_writes_one_audit_record_with_its_counts_and_clears_its_scratch_rows(db, clock) -> None:
    licence(db, person(db), valid_to=D("2021-06-10"))
    before = db.execute(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "deadlines.sweep")).scalar_one()
    report = sweep(db, D("2021-07-01"), batch=1, measures=())
    audits = db.execute(select(AuditRecord).where(AuditRecord.action == "deadlines.sweep")
                        .order_by(AuditRecord.id)).scalars().all()
    assert len(audits) == before + 1
    assert "licences_expired 1" in audits[-1].summary and audits[-1].object_id == str(report.run_id)
    for table in (SweepTerm, SweepRegion):
        assert db.execute(select(func.count()).select_from(table)
                          .where(table.run_id == report.run_id)).scalar_one() == 0
