"""A business from the citizen's apply to completion, over HTTP: 一次告知 in the applicant's language, the SLA
clock stopped while waiting on them, post delivery, the events of the figures' contract and the messages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business.models import BusinessApplication, BusinessStep
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from tests.factories import business as f

Seen = list[tuple[str, dict[str, Any]]]


def _events(seen: Seen, name: str) -> list[dict[str, Any]]:
    return [p for n, p in seen if n == name]


def _messages(db: Session, user_id: int) -> list[OutboxMessage]:
    return list(db.execute(select(OutboxMessage).where(OutboxMessage.channel == "inapp",
                                                       OutboxMessage.recipient == str(user_id))
                           .order_by(OutboxMessage.id)).scalars())


def test_a_citizen_applies_and_a_seat_works_the_case_to_completion(db: Session, as_user, citizen: f.Citizen,
                                                                    seat: Principal, clock: FixedClock,
                                                                    events_seen: Seen) -> None:
    c = as_user(citizen.user)
    made = c.post("/api/v1/business/applications", json={"business": "licence_renewal", "delivery_method": "post",
                                                          "delivery_address": "北京市东城区1号"})
    assert made.status_code == 201, made.text
    app = made.json()
    assert app["status"] == "draft" and app["workflow"] == "standard@1"
    up = c.post(f"/api/v1/business/applications/{app['id']}/documents", data={"material": "id_card"},
                files={"file": ("id.png", f.PNG, "image/png")})
    assert up.status_code == 201 and up.json()["media_type"] == "image/png"
    sub = c.post(f"/api/v1/business/applications/{app['id']}/submit", json={"version": app["version"]})
    assert sub.status_code == 200 and sub.json()["status"] == "submitted"
    assert _events(events_seen, "business.submitted")[0] | {"id": 0} == {
        "id": 0, "from": "draft", "to": "submitted", "province": "11", "day": "2022-04-29",
        "business": "licence_renewal", "person": str(citizen.person_id), "channel": "online", "proxy": False,
        "emergency": False}

    s = as_user(seat)
    box = s.get("/api/v1/business/inbox").json()
    assert [i["id"] for i in box["items"]] == [app["id"]] and box["counts"] == {"submitted": 1}
    version = sub.json()["version"]
    acc = s.post(f"/api/v1/business/applications/{app['id']}/actions/accept", json={"version": version})
    assert acc.status_code == 200
    accepted = acc.json()
    # Accepted on Friday 29 April 2022: one working day after the May Day holiday is Thursday 5 May.
    assert accepted["accepted_on"] == "2022-04-29" and accepted["sla_due"] == "2022-05-05"
    assert accepted["assignee_user_id"] == seat.id

    corr = s.post(f"/api/v1/business/applications/{app['id']}/actions/request_correction",
                  json={"version": accepted["version"], "note": "照片背景须为白色"})
    assert corr.status_code == 200
    waiting = corr.json()
    assert waiting["clock_stopped"] and waiting["sla_due"] is None
    assert [(i["kind"], i["code"]) for i in waiting["notice"]] == [
        ("material", "medical_certificate"), ("material", "photo"), ("note", "note")]
    told = [m for m in _messages(db, citizen.user.id) if m.template == "business_correction"]
    assert len(told) == 1
    assert told[0].params["items"] == ("1. 缺少：身体条件证明（原件）。\n2. 缺少：本人近期证件照。\n"
                                       "3. 坐席说明：照片背景须为白色")

    clock.advance(dt.timedelta(days=6))  # Thursday 5 May, after the holiday: the applicant answers
    for m in ("medical_certificate", "photo"):
        c.post(f"/api/v1/business/applications/{app['id']}/documents", data={"material": m},
               files={"file": (f"{m}.pdf", f.PDF, "application/pdf")})
    got = c.get(f"/api/v1/business/applications/{app['id']}")
    assert got.status_code == 200, got.text
    current = got.json()
    res = c.post(f"/api/v1/business/applications/{app['id']}/actions/resubmit", json={"version": current["version"]})
    assert res.status_code == 200
    # The working day the applicant took (5 May) does not count: the one working day is Friday 6 May.
    assert res.json()["sla_due"] == "2022-05-06" and not res.json()["clock_stopped"]

    v = res.json()["version"]
    for action in ("start_review", "approve"):
        r = s.post(f"/api/v1/business/applications/{app['id']}/actions/{action}", json={"version": v})
        assert r.status_code == 200, r.text
        v = r.json()["version"]
    assert r.json()["effect"]["applied"] in (True, False)
    issued = s.post(f"/api/v1/business/applications/{app['id']}/actions/issue",
                    json={"version": v, "carrier": "EMS", "tracking": "1100223344556"})
    assert issued.json()["delivery_status"] == "posted" and issued.json()["delivery_tracking"] == "1100223344556"
    clock.advance(dt.timedelta(days=1))  # Friday 6 May, the due day
    s = as_user(seat)  # a new day's sign-in (a session lasts a week)
    done = s.post(f"/api/v1/business/applications/{app['id']}/actions/complete",
                  json={"version": issued.json()["version"]})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["sla_kept"] is True
    completed = _events(events_seen, "business.completed")
    assert completed[0]["sla_kept"] is True and completed[0]["online"] is True and completed[0]["day"] == "2022-05-06"
    assert len(_events(events_seen, "business.accepted")) == 1
    templates = [m.template for m in _messages(db, citizen.user.id)]
    assert templates == ["business_submitted", "business_accepted", "business_correction", "business_approved",
                         "business_issued"]
    steps = db.execute(select(BusinessStep.action).where(BusinessStep.application_id == app["id"])
                       .order_by(BusinessStep.id)).scalars().all()
    assert steps == ["create", "submit", "accept", "request_correction", "resubmit", "start_review", "approve",
                     "issue", "complete"]
    page = as_user(citizen.user).get(f"/business/applications/{app['id']}")
    assert page.status_code == 200 and "1100223344556" in page.text


def test_a_rejection_tells_the_applicant_why_and_emits_the_event(db: Session, as_user, citizen: f.Citizen,
                                                                 seat: Principal, events_seen: Seen) -> None:
    app = f.application(db, citizen.user)
    db.commit()
    r = as_user(seat).post(f"/api/v1/business/applications/{app.id}/actions/reject",
                           json={"version": app.version, "note": "驾驶证处于扣押状态"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert _events(events_seen, "business.rejected")[0]["business"] == "licence_renewal"
    rejected = [m for m in _messages(db, citizen.user.id) if m.template == "business_rejected"]
    assert rejected[0].params["reason"] == "驾驶证处于扣押状态"


def test_an_instant_business_is_done_at_once_when_nothing_is_missing(db: Session, as_user,
                                                                     citizen: f.Citizen) -> None:
    app = f.application(db, citizen.user, "driver_contact_change", materials=("id_card",),
                        answers={"phone": "13800138001"})
    assert app.status == "completed" and app.sla_kept is True
    assert json.loads(app.effect_json)["data"]["changed"]["phone"] == "13800138001"
    # One open application of a business per person: each open case below is another citizen's.
    second, third = (f.citizen(db, expiry=dt.date(2022, 6, 8)) for _ in range(2))
    missing = f.application(db, second.user, "driver_contact_change", materials=(), answers={"phone": "13800138002"})
    assert missing.status == "submitted"
    refused = f.application(db, third.user, "driver_contact_change", materials=("id_card",),
                            answers={"phone": "12"})
    assert refused.status == "submitted"  # the register refused the number: a seat looks at it


def test_the_applicant_pages_track_and_answer_a_correction(db: Session, as_user, citizen: f.Citizen,
                                                           seat: Principal) -> None:
    app = f.application(db, citizen.user, materials=("id_card", "photo"), later=["medical_certificate"])
    db.commit()
    s = as_user(seat)
    s.post(f"/business/applications/{app.id}/do/accept", data={"version": app.version})
    db.refresh(app)
    s.post(f"/business/applications/{app.id}/do/request_correction", data={"version": app.version,
                                                                           "note": "请补充清晰照片"})
    c = as_user(citizen.user)
    mine = c.get("/business/mine")
    assert mine.status_code == 200 and f'data-application="{app.id}"' in mine.text
    page = c.get(f"/business/applications/{app.id}")
    assert "请补充清晰照片" in page.text and 'data-action="resubmit"' in page.text
    assert "容缺" in page.text
    db.refresh(app)
    r = c.post(f"/business/applications/{app.id}/do/resubmit", data={"version": app.version}, follow_redirects=False)
    assert r.status_code == 303
    db.refresh(app)
    assert app.status == "resubmitted"
    stops = json.loads(app.clock_stops_json)
    assert stops == [["2022-04-29", "2022-04-29"]]


def test_an_application_keeps_its_catalogue_entry_when_the_catalogue_changes(db: Session, citizen: f.Citizen,
                                                                             seat: Principal) -> None:
    from jiaoguan.business import catalogue_store, service, snapshot

    app = f.application(db, citizen.user)
    spec = catalogue_store.get_spec(db, "licence_renewal").to_json()
    catalogue_store.update_business(db, "licence_renewal", spec | {"sla_working_days": 5, "materials": []})
    service.act(db, seat, app.id, "accept", expected_version=app.version)
    row = db.get(BusinessApplication, app.id)
    assert row is not None and row.sla_days == 1 and row.sla_due is not None
    assert [m.code for m in snapshot.spec_of_application(row).materials] == ["id_card", "medical_certificate",
                                                                            "photo"]


def test_one_request_may_create_and_submit_and_the_notice_lists_what_is_missing(
        db: Session, as_user, citizen: f.Citizen) -> None:
    r = as_user(citizen.user).post("/api/v1/business/applications",
                                   json={"business": "licence_renewal", "submit": True})
    assert r.status_code == 201 and r.json()["status"] == "submitted"
