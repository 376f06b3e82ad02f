"""The seats' inbox: who sees what, counts per state, filters and search, calling order (急事急办, then
key-material vehicles, then the rest), 专人专办, the fraud hook, the SLA board and the escalation job."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_of
from jiaoguan.business import inbox, service
from jiaoguan.business.models import BusinessApplication
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.passes.applications import service as pass_apps
from jiaoguan.passes.issuance.keystore import init_keys
from tests.factories import accounts
from tests.factories import business as f
from tests.factories.passes import application as pass_application
from tests.factories.passes import register


def _key_material_citizen(db: Session) -> tuple[f.Citizen, str]:
    """A citizen who owns a tractor unit holding an active key-material pass (issued through the pass room's
    services, the vehicle in the register as the pass room requires)."""
    init_keys(db, ["31"])
    firm = accounts.enterprise(db)
    raw = pass_application(7)
    hauler = f.citizen(db, expiry=raw.valid_from.replace(month=6))
    register(db, firm.id, 7, person_owner=hauler.person_id)
    agent = principal_of(accounts.user(db, Role.enterprise_agent, enterprise_id=firm.id, province_code="31"))
    issuer = principal_of(accounts.user(db, Role.pass_issuer, province_code="31"))
    app = pass_apps.submit_application(db, agent, raw)
    pass_apps.approve(db, app.id, issuer)
    return hauler, raw.plate_no


def test_the_queue_orders_emergencies_then_key_material_vehicles_then_the_rest(
        db: Session, as_user: Callable[..., object], citizen: f.Citizen, seat: Principal) -> None:
    plain = f.application(db, citizen.user, "vehicle_licence_replacement", materials=("id_card",))
    hauler, plate = _key_material_citizen(db)
    key = f.application(db, hauler.user, "vehicle_licence_replacement", materials=("id_card",), plate=plate)
    urgent = f.application(db, citizen.user, emergency=True, emergency_reason="送医途中")
    db.commit()
    assert key.key_pass_no is not None and key.priority == 1
    items = as_user(seat).get("/api/v1/business/inbox").json()["items"]  # type: ignore[attr-defined]
    assert [i["id"] for i in items] == [urgent.id, key.id, plain.id]
    assert items[1]["key_pass_no"] == key.key_pass_no
    only_key = as_user(seat).get("/api/v1/business/inbox?priority=key_material").json()  # type: ignore[attr-defined]
    assert [i["id"] for i in only_key["items"]] == [key.id]


def test_unassigned_cases_show_to_the_role_and_assigned_ones_only_to_their_assignee(
        db: Session, as_user: Callable[..., object], citizen: f.Citizen, seat: Principal, clerk: Principal,
        supervisor: Principal) -> None:
    a = f.application(db, citizen.user)
    b = f.application(db, citizen.user, "vehicle_licence_replacement", materials=("id_card",))
    other = f.staff(db, Role.online_seat)
    service.act(db, seat, a.id, "accept", expected_version=a.version)
    db.commit()
    mine = as_user(seat).get("/api/v1/business/inbox").json()  # type: ignore[attr-defined]
    assert {i["id"] for i in mine["items"]} == {a.id, b.id} and mine["counts"] == {"accepted": 1, "submitted": 1}
    theirs = as_user(other).get("/api/v1/business/inbox").json()  # type: ignore[attr-defined]
    assert [i["id"] for i in theirs["items"]] == [b.id]
    assert as_user(other).get(f"/api/v1/business/applications/{a.id}").status_code == 404  # type: ignore[attr-defined]
    assert as_user(clerk).get("/api/v1/business/inbox").json()["items"] == []  # type: ignore[attr-defined]
    everyone = as_user(supervisor).get("/api/v1/business/inbox?scope=all").json()  # type: ignore[attr-defined]
    assert {i["id"] for i in everyone["items"]} == {a.id, b.id}
    assert [i["id"] for i in as_user(seat).get(  # type: ignore[attr-defined]
        "/api/v1/business/inbox?scope=unassigned").json()["items"]] == [b.id]
    by_number = as_user(seat).get(f"/api/v1/business/inbox?q=%23{b.id}").json()  # type: ignore[attr-defined]
    assert [i["id"] for i in by_number["items"]] == [b.id]
    by_plate = as_user(seat).get(f"/api/v1/business/inbox?q={citizen.plate}").json()  # type: ignore[attr-defined]
    assert [i["id"] for i in by_plate["items"]] == [b.id]
    by_state = as_user(seat).get("/api/v1/business/inbox?status=accepted").json()  # type: ignore[attr-defined]
    assert [i["id"] for i in by_state["items"]] == [a.id]
    page = as_user(seat).get("/business/inbox")  # type: ignore[attr-defined]
    assert page.status_code == 200 and f'data-application="{a.id}"' in page.text  # type: ignore[attr-defined]


def test_an_emergency_case_keeps_its_owner_and_only_a_supervisor_reassigns_it(
        db: Session, as_user: Callable[..., object], citizen: f.Citizen, seat: Principal,
        supervisor: Principal) -> None:
    app = f.application(db, citizen.user, emergency=True, emergency_reason="送医途中")
    service.act(db, seat, app.id, "accept", expected_version=app.version)
    other = f.staff(db, Role.online_seat)
    db.commit()
    assert app.owner_locked and app.assignee_user_id == seat.id
    with_other = as_user(other)
    r = with_other.post(f"/api/v1/business/applications/{app.id}/claim")  # type: ignore[attr-defined]
    assert r.status_code == 404
    assign = as_user(seat).post(f"/api/v1/business/applications/{app.id}/assign",  # type: ignore[attr-defined]
                                json={"username": other.username})
    assert assign.status_code == 403
    moved = as_user(supervisor).post(f"/api/v1/business/applications/{app.id}/assign",  # type: ignore[attr-defined]
                                     json={"username": other.username})
    assert moved.status_code == 200 and moved.json()["assignee_user_id"] == other.id and moved.json()["owner_locked"]
    r = with_other.post(f"/api/v1/business/applications/{app.id}/actions/start_review",  # type: ignore[attr-defined]
                        json={"version": moved.json()["version"]})
    assert r.status_code == 200
    r = as_user(seat).post(f"/api/v1/business/applications/{app.id}/actions/approve",  # type: ignore[attr-defined]
                           json={"version": r.json()["version"]})
    assert r.status_code == 404


def test_repeated_replacements_switch_the_case_to_the_window(db: Session, citizen: f.Citizen, seat: Principal,
                                                             clerk: Principal) -> None:
    first = f.application(db, citizen.user, "licence_lost", materials=("id_card", "photo"), submit=False)
    first.identity_status = "verified"
    service.submit(db, citizen.user, first.id, expected_version=first.version)
    second = f.application(db, citizen.user, "vehicle_licence_replacement", materials=("id_card",))
    third = f.application(db, citizen.user, "sticker_replacement", materials=("id_card", "insurance"))
    assert not first.in_person and not second.in_person
    assert third.in_person and third.in_person_reason == "repeated_replacements" and third.queue_role == "window_clerk"
    assert [a.id for a in inbox.inbox(db, clerk, inbox.InboxFilter(scope="all"))] == [third.id]
    assert third.id not in [a.id for a in inbox.inbox(db, seat, inbox.InboxFilter(scope="all"))]


def test_the_board_counts_and_the_escalation_tells_the_supervisor_once(
        db: Session, as_user: Callable[..., object], citizen: f.Citizen, seat: Principal, supervisor: Principal,
        clock: FixedClock) -> None:
    import datetime as dt

    late = f.application(db, citizen.user)
    waiting = f.application(db, citizen.user, "vehicle_licence_replacement", materials=("id_card",))
    service.act(db, seat, late.id, "accept", expected_version=late.version)
    service.act(db, seat, waiting.id, "accept", expected_version=waiting.version)
    service.act(db, seat, waiting.id, "request_correction", expected_version=waiting.version, note="补照片")
    clock.advance(dt.timedelta(days=7))  # Friday 6 May: due Thursday 5 May, one working day late
    first = inbox.escalate(db)
    again = inbox.escalate(db)
    assert (first.overdue, first.due_today) == (1, 0) and first.messages == 2 and again.messages == 0
    told = db.execute(select(OutboxMessage.template, OutboxMessage.recipient).where(
        OutboxMessage.template.like("business_sla_%"))).all()
    assert sorted(told) == sorted([("business_sla_overdue", str(seat.id)),
                                   ("business_sla_escalated", str(supervisor.id))])
    db.commit()
    board = as_user(supervisor).get("/api/v1/business/board").json()  # type: ignore[attr-defined]
    rows = {r["business"]: r for r in board}
    assert rows["licence_renewal"]["overdue"] == 1 and rows["vehicle_licence_replacement"]["waiting"] == 1
    assert as_user(supervisor).get("/business/board").status_code == 200  # type: ignore[attr-defined]
    row = db.get(BusinessApplication, late.id)
    assert row is not None and row.sla_due == dt.date(2022, 5, 5)
