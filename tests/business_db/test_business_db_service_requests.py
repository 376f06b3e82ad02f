"""集中办理 / 上门办理, now in the business room: an enterprise whose vehicles hold active passes asks through its
page; the province's clerks find the request in the business inbox after the emergencies (特事特办) and schedule
it, the enterprise is told; every route refuses the roles it does not name; the pass room's old addresses
redirect here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_of
from jiaoguan.business.models import ServiceRequest
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.passes.applications import service as pass_apps
from jiaoguan.passes.issuance.keystore import init_keys
from tests.factories import accounts
from tests.factories import business as f
from tests.factories.passes import application as pass_application
from tests.factories.passes import register

Client = Any


def _haulier(db: Session, serial: int = 7) -> tuple[Principal, str]:
    """An agent of a Shanghai haulier whose tractor unit holds an active pass (issued through the pass room)."""
    init_keys(db, ["31"])
    firm = accounts.enterprise(db)
    raw = pass_application(serial)
    register(db, firm.id, serial)
    agent = principal_of(accounts.user(db, Role.enterprise_agent, enterprise_id=firm.id, province_code="31"))
    issuer = principal_of(accounts.user(db, Role.pass_issuer, province_code="31"))
    pass_apps.approve(db, pass_apps.submit_application(db, agent, raw).id, issuer)
    db.commit()
    return agent, raw.plate_no


FORM = {"kind": "door_to_door", "business": "行驶证补领，检验合格标志", "contact_phone": "13800138000",
        "address": "上海市浦东新区张江路1号", "preferred_date": "2022-05-05"}


def test_an_enterprise_asks_and_a_clerk_schedules_it_from_the_business_inbox(
        db: Session, as_user: Callable[..., Client], catalogue: None) -> None:
    agent, plate = _haulier(db)
    clerk = f.staff(db, Role.window_clerk, province="31")
    db.commit()
    firm = as_user(agent)
    sent = firm.post("/business/service-requests", data={**FORM, "plates": plate}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/business/service-requests?notice=sent"
    row = db.execute(select(ServiceRequest).where(ServiceRequest.enterprise_id == agent.enterprise_id)).scalar_one()
    assert (row.status, row.plates, row.province_code) == ("requested", plate, "31")
    assert f'data-request="{row.id}"' in firm.get("/business/service-requests").text

    desk = as_user(clerk)
    inbox = desk.get("/business/inbox")
    assert inbox.status_code == 200 and f'data-service-request="{row.id}"' in inbox.text
    listed = desk.get("/api/v1/business/inbox").json()["service_requests"]
    assert [r["id"] for r in listed] == [row.id] and listed[0]["plates"] == [plate]
    page = desk.get(f"/business/service-requests/{row.id}")
    assert 'id="schedule-form"' in page.text
    done = desk.post(f"/business/service-requests/{row.id}/schedule",
                     data={"when": "2022-05-06T09:30", "note": "带齐行驶证", "version": str(row.version)},
                     follow_redirects=False)
    assert done.status_code == 303
    db.expire_all()
    assert row.status == "scheduled" and row.scheduled_for == dt.datetime(2022, 5, 6, 1, 30, tzinfo=dt.UTC)
    told = db.execute(select(OutboxMessage.channel, OutboxMessage.recipient).where(
        OutboxMessage.template == "business_service_scheduled")).all()
    assert sorted(told) == [("inapp", str(agent.id)), ("sms", "13800138000")]
    assert "2022-05-06 09:30" in firm.get(f"/business/service-requests/{row.id}").text
    stale = desk.post(f"/api/v1/business/service-requests/{row.id}/done", json={"version": row.version - 1})
    assert stale.status_code == 409 and stale.json()["code"] == "business.stale"
    finished = desk.post(f"/api/v1/business/service-requests/{row.id}/done", json={"version": row.version})
    assert finished.status_code == 200 and finished.json()["status"] == "done"
    assert f'data-service-request="{row.id}"' not in desk.get("/business/inbox").text


def test_the_inbox_calls_the_requests_after_the_emergencies_and_before_the_rest(
        db: Session, as_user: Callable[..., Client], catalogue: None) -> None:
    agent, plate = _haulier(db)
    boss = f.staff(db, Role.supervisor, province="31")
    shanghai = f.citizen(db, expiry=dt.date(2022, 6, 1), province="31")
    plain = f.application(db, shanghai.user, "vehicle_licence_replacement", materials=("id_card",))
    urgent = f.application(db, shanghai.user, emergency=True, emergency_reason="送医途中")
    db.commit()
    asked = as_user(agent).post("/api/v1/business/service-requests",
                                json={**FORM, "kind": "batch", "plates": [plate], "address": ""})
    assert asked.status_code == 201, asked.text
    html = as_user(boss).get("/business/inbox").text
    order = re.findall(r'data-(application|service-request)="(\d+)"', html)
    assert order == [("application", str(urgent.id)), ("service-request", str(asked.json()["id"])),
                     ("application", str(plain.id))]


def test_an_enterprise_without_active_passes_is_refused_with_a_problem(
        db: Session, as_user: Callable[..., Client], catalogue: None) -> None:
    firm = accounts.enterprise(db)
    agent = principal_of(accounts.user(db, Role.enterprise_agent, enterprise_id=firm.id, province_code="31"))
    db.commit()
    r = as_user(agent).post("/api/v1/business/service-requests", json={**FORM, "plates": ["沪D10007"]})
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "business.no_active_passes"


@pytest.mark.parametrize("role", [Role.citizen, Role.online_seat, Role.pass_issuer, Role.checkpoint_officer,
                                  Role.hotline_agent, Role.enterprise_agent, Role.admin])
def test_only_the_provinces_clerks_and_supervisors_schedule(
        db: Session, as_user: Callable[..., Client], catalogue: None, role: Role) -> None:
    agent, plate = _haulier(db)
    db.commit()
    made = as_user(agent).post("/api/v1/business/service-requests", json={**FORM, "plates": [plate]}).json()
    other = principal_of(accounts.user(db, role, province_code="31"))
    db.commit()
    body = {"when": "2022-05-06T09:30:00+08:00", "version": made["version"]}
    r = as_user(other).post(f"/api/v1/business/service-requests/{made['id']}/schedule", json=body)
    assert r.status_code == 403, r.text
    elsewhere = f.staff(db, Role.window_clerk, province="11")
    db.commit()
    hidden = as_user(elsewhere).post(f"/api/v1/business/service-requests/{made['id']}/schedule", json=body)
    assert hidden.status_code == 404 and hidden.json()["code"] == "business.no_such_request"


def test_another_enterprise_does_not_see_the_request_and_the_own_one_may_cancel_it(
        db: Session, as_user: Callable[..., Client], catalogue: None) -> None:
    agent, plate = _haulier(db)
    stranger = principal_of(accounts.user(db, Role.enterprise_agent, enterprise_id=accounts.enterprise(db).id,
                                          province_code="31"))
    db.commit()
    made = as_user(agent).post("/api/v1/business/service-requests", json={**FORM, "plates": [plate]}).json()
    assert as_user(stranger).get(f"/api/v1/business/service-requests/{made['id']}").status_code == 404
    gone = as_user(agent).post(f"/api/v1/business/service-requests/{made['id']}/cancel",
                               json={"version": made["version"]})
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"


def test_the_pass_rooms_old_addresses_redirect_here(
        db: Session, as_user: Callable[..., Client], catalogue: None) -> None:
    agent, _ = _haulier(db)
    clerk = f.staff(db, Role.window_clerk, province="31")
    db.commit()
    old = as_user(agent).get("/passes/service-requests", follow_redirects=False)
    assert (old.status_code, old.headers["location"]) == (301, "/business/service-requests")
    posted = as_user(agent).post("/passes/service-requests", data=FORM, follow_redirects=False)
    assert (posted.status_code, posted.headers["location"]) == (308, "/business/service-requests")
    queue = as_user(clerk).get("/passes/service-queue", follow_redirects=False)
    assert (queue.status_code, queue.headers["location"]) == (301, "/business/inbox#service-requests")
    action = as_user(clerk).post("/passes/service-queue/5/done", follow_redirects=False)
    assert (action.status_code, action.headers["location"]) == (308, "/business/service-requests/5/done")
    assert as_user(f.staff(db, Role.online_seat)).get("/passes/service-queue",
                                                     follow_redirects=False).status_code == 403
