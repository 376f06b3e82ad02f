"""The hotline desk through HTTP: find the caller (ID numbers masked), open a ticket, answer with a reusable
answer, stop the clock while waiting on the caller, close with the SLA judged in desk hours, plan callbacks;
the citizen sees their own calls; the supervisor sees SLA kept; every transition admits its declared roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.hotline import answers
from jiaoguan.hotline.states import TICKET
from jiaoguan.hotline.tickets import remind_due_callbacks
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.states import SYSTEM_ROLES
from tests.factories import registry as reg
from tests.hotline.conftest import as_user

ALL_ROLES = [r.value for r in Role] + sorted(SYSTEM_ROLES)
EXPECTED = {"wait": {"hotline_agent"}, "resume": {"hotline_agent", "system", "cli"},
            "close": {"hotline_agent", "supervisor"}}


def test_every_ticket_transition_admits_exactly_the_roles_declared_for_it() -> None:
    for t in TICKET.transitions:
        for state in TICKET.states:
            for role in ALL_ROLES:
                assert TICKET.can(state, t.action, role) is (state in t.source and role in EXPECTED[t.action])


def _open(c: TestClient, **kw: Any) -> Any:
    body = {"type": "consultation", "subject": "驾驶证到期怎么换？", **kw}
    return c.post("/api/v1/hotline/tickets", json=body)


def _act(c: TestClient, tid: int, action: str, version: int, **kw: Any) -> Any:
    return c.post(f"/api/v1/hotline/tickets/{tid}/actions", json={"action": action, "version": version, **kw})


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_is_admitted_to_the_ticket_actions_or_refused(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        make_user: Callable[..., User], clock: FixedClock, role: str) -> None:
    agent = as_user(client, sign_in, staff["agent"])
    tid = _open(agent, caller_name="来电人", caller_phone="13700001111").json()["id"]
    c = as_user(client, sign_in, make_user(role, province_code="11"))
    r = _act(c, tid, "wait", 1, reason="等材料")
    assert r.status_code == (200 if role == "hotline_agent" else 403), r.text
    version = 2 if role == "hotline_agent" else 1
    r = _act(c, tid, "close", version, resolution="已答复")
    assert r.status_code == (200 if role in ("hotline_agent", "supervisor") else 403), r.text


def test_an_agent_finds_the_caller_by_mobile_name_or_id_number_and_sees_the_id_masked(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session) -> None:
    person = reg.person(db, phone="13622223333")
    c = as_user(client, sign_in, staff["agent"])
    for q in ("13622223333", person.name, person.id_number):
        found = c.get("/api/v1/hotline/callers", params={"q": q}).json()
        assert [f["person_id"] for f in found] == [person.id], q
        assert found[0]["id_number_masked"] == person.id_number[:6] + "********" + person.id_number[-4:]
    page = c.post("/hotline/desk", data={"q": person.id_number, "csrf_token": "test-csrf-token"})
    assert person.id_number not in page.text and person.id_number[-4:] in page.text
    searches = db.scalars(select(AuditRecord).where(AuditRecord.action == "hotline.caller_search")).all()
    assert len(searches) == 4 and all(person.id_number not in a.summary for a in searches)


def test_a_ticket_runs_with_its_clock_stopped_while_waiting_on_the_caller(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, clock: FixedClock,
        event_sink: Callable[[Session], list[tuple[str, dict]]]) -> None:  # type: ignore[type-arg]
    person = reg.person(db, phone="13622224444")
    c = as_user(client, sign_in, staff["agent"])
    t = _open(c, type="help", caller_person_id=person.id).json()
    assert t["caller_phone"] == "13622224444" and t["budget_hours"] == 8
    assert t["due_at"].startswith("2024-09-24T02:00")  # Monday 10:00 + 8 desk hours = Tuesday 10:00 Beijing
    assert t["sla_state"] == "on_time"

    clock.advance(dt.timedelta(hours=1))
    r = _act(c, t["id"], "wait", 1, reason="请来电人提供号牌")
    assert r.json()["due_at"] is None and r.json()["sla_state"] == "stopped"
    clock.advance(dt.timedelta(days=2))  # Wednesday 11:00: two desk days passed while waiting
    r = _act(c, t["id"], "resume", 2)
    # 7 h left from Wednesday 11:00: 6 h on Wednesday, 1 h on Thursday → Thursday 10:00 Beijing
    assert r.json()["due_at"].startswith("2024-09-26T02:00")
    clock.advance(dt.timedelta(hours=3))
    r = _act(c, t["id"], "close", 3, resolution="已告知补领材料")
    body = r.json()
    assert (body["status"], body["sla_kept"], body["sla_state"]) == ("closed", True, "kept")

    told = [m.template for m in db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "13622224444"))]
    assert told == ["hotline_ticket_opened", "hotline_ticket_closed"]
    seen = event_sink(db)
    assert [n for n, _ in seen] == ["hotline.ticket_opened", "hotline.ticket_closed"]
    assert seen[1][1] | {"ticket": 0} == {"province": "11", "day": "2024-09-25", "ticket": 0, "type": "help",
                                          "person": str(person.id), "sla_kept": True, "id": t["id"],
                                          "from": "open", "to": "closed"}


def test_a_ticket_closed_after_its_budget_misses_its_sla(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        clock: FixedClock) -> None:
    c = as_user(client, sign_in, staff["agent"])
    t = _open(c, caller_name="来电人", caller_phone="13700001111").json()
    clock.advance(dt.timedelta(hours=5))  # 4 h budget for a consultation
    assert c.get(f"/api/v1/hotline/tickets/{t['id']}").json()["ticket"]["sla_state"] == "overdue"
    r = _act(c, t["id"], "close", 1, resolution="已答复")
    assert r.json()["sla_kept"] is False and r.json()["sla_state"] == "missed"
    sup = as_user(client, sign_in, staff["supervisor"])
    rows = {r["type"]: r for r in sup.get("/api/v1/hotline/sla").json()}
    assert rows["consultation"]["closed"] == 1 and rows["consultation"]["kept"] == 0
    assert "专线服务时限" in sup.get("/hotline/sla").text or "Hotline SLA" in sup.get("/hotline/sla").text


def test_answers_are_loaded_from_the_shipped_file_searched_and_given_to_the_caller(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, clock: FixedClock) -> None:
    report = answers.load(db, answers.SHIPPED.read_text(encoding="utf-8"))
    assert report.added >= 8 and answers.load(db, answers.SHIPPED.read_text(encoding="utf-8")).unchanged >= 8
    c = as_user(client, sign_in, staff["agent"])
    found = c.get("/api/v1/hotline/answers", params={"q": "容缺"}).json()
    assert [a["key"] for a in found] == ["licence-renewal-medical"]
    assert c.get("/api/v1/hotline/answers", params={"q": "medical certificate"}).json()[0]["key"] == \
        "licence-renewal-medical"
    tid = _open(c, caller_name="来电人", caller_phone="13700001111").json()["id"]
    r = c.post(f"/hotline/tickets/{tid}/answer", data={"answer_key": "licence-renewal-medical",
                                                      "csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert r.status_code == 303
    notes = c.get(f"/api/v1/hotline/tickets/{tid}").json()["notes"]
    assert notes[0]["answer_key"] == "licence-renewal-medical" and "容缺办" in notes[0]["body"]
    assert "licence-renewal-medical" in c.get("/hotline/answers", params={"q": "体检"}).text


def test_callbacks_are_listed_for_their_agent_and_reminded_once_when_due(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, clock: FixedClock) -> None:
    c = as_user(client, sign_in, staff["agent"])
    tid = _open(c, caller_name="来电人", caller_phone="13700001111").json()["id"]
    past = c.post(f"/api/v1/hotline/tickets/{tid}/callbacks", json={"due_at": "2024-09-23T09:00:00"})
    assert past.json()["code"] == "hotline.callback_past"
    cb = c.post(f"/api/v1/hotline/tickets/{tid}/callbacks", json={"due_at": "2024-09-23T15:00:00", "note": "回电"})
    assert cb.status_code == 201 and cb.json()["due_at"].startswith("2024-09-23T07:00")
    assert [x["id"] for x in c.get("/api/v1/hotline/callbacks").json()] == [cb.json()["id"]]
    assert remind_due_callbacks(db) == 0
    clock.advance(dt.timedelta(hours=4, minutes=50))
    assert remind_due_callbacks(db) == 1 and remind_due_callbacks(db) == 0
    assert c.post(f"/api/v1/hotline/callbacks/{cb.json()['id']}/done").json()["done_at"] is not None
    assert c.get("/api/v1/hotline/callbacks").json() == []


def test_the_desk_pages_open_answer_wait_resume_and_close_a_ticket(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        clock: FixedClock) -> None:
    c = as_user(client, sign_in, staff["agent"])
    form = {"csrf_token": "test-csrf-token"}
    bad = c.post("/hotline/tickets", data={**form, "type": "help", "subject": "x", "caller_name": "张三"})
    assert bad.status_code == 422 and 'id="desk-error"' in bad.text
    r = c.post("/hotline/tickets", data={**form, "type": "help", "subject": "车辆年检咨询", "caller_name": "张三",
                                         "caller_phone": "13700001111"}, follow_redirects=False)
    url = r.headers["location"]
    for path, data in (("answer", {"body": "请预约检验"}), ("wait", {"version": "1", "reason": "等号牌"}),
                       ("resume", {"version": "2"}), ("callbacks", {"due": "2024-09-24T10:00", "note": "回访"}),
                       ("close", {"version": "3", "resolution": "已答复"})):
        assert c.post(f"{url}/{path}", data={**form, **data}, follow_redirects=False).status_code == 303, path
    page = c.get(url).text
    assert 'id="ticket-status"' in page and "请预约检验" in page and 'id="action-close"' not in page
    assert c.get("/hotline/callbacks").status_code == 200


def test_a_citizen_sees_their_own_calls_and_no_one_elses(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        citizen: User, make_user: Callable[..., User], clock: FixedClock) -> None:
    agent = as_user(client, sign_in, staff["agent"])
    tid = _open(agent, caller_person_id=citizen.person_id).json()["id"]
    c = as_user(client, sign_in, citizen)
    assert [t["id"] for t in c.get("/api/v1/hotline/tickets").json()] == [tid]
    assert c.get(f"/api/v1/hotline/tickets/{tid}").json()["callbacks"] == []
    assert f'id="my-ticket-{tid}"' in c.get("/hotline/mine").text
    other = as_user(client, sign_in, make_user(Role.citizen, province_code="11"))
    assert other.get(f"/api/v1/hotline/tickets/{tid}").json()["code"] == "hotline.ticket_not_found"
    assert other.get("/api/v1/hotline/tickets").json() == []


def test_a_stale_ticket_form_is_refused(client: TestClient, sign_in: Callable[[TestClient, User], TestClient],
                                        staff: dict[str, User], clock: FixedClock) -> None:
    c = as_user(client, sign_in, staff["agent"])
    tid = _open(c, caller_name="来电人", caller_phone="13700001111").json()["id"]
    assert _act(c, tid, "wait", 1).status_code == 200
    assert _act(c, tid, "resume", 1).json()["code"] == "hotline.stale"
    assert _act(c, tid, "wait", 2).json()["code"] == "hotline.transition_refused"


def test_an_admin_sets_the_desk_hours_and_the_next_ticket_follows_them(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        clock: FixedClock) -> None:
    admin = as_user(client, sign_in, staff["admin"])
    body = {"province_code": "11", "opens": "08:00", "closes": "12:00", "consultation_hours": 2, "help_hours": 6,
            "appointment_hours": 6, "emergency_hours": 12}
    assert admin.put("/api/v1/hotline/settings/11", json=body).status_code == 200
    sup = as_user(client, sign_in, staff["supervisor"])
    assert sup.put("/api/v1/hotline/settings/11", json=body).status_code == 403
    assert sup.get("/api/v1/hotline/settings/11").json()["closes"] == "12:00"
    c = as_user(client, sign_in, staff["agent"])
    t = _open(c, type="help", caller_name="来电人", caller_phone="13700001111").json()
    # Monday 10:00: 2 h left that morning, 4 h on Tuesday 08:00–12:00 → Tuesday 12:00 Beijing (04:00 UTC)
    assert (t["budget_hours"], t["due_at"][:16]) == (6, "2024-09-24T04:00")
    form = {"csrf_token": "test-csrf-token", "province": "11", "opens": "09:00", "closes": "17:00",
            "consultation": "4", "help": "8", "appointment": "8", "emergency": "24"}
    admin = as_user(client, sign_in, staff["admin"])
    assert admin.post("/hotline/settings", data=form, follow_redirects=False).status_code == 303
    assert 'id="desk-settings"' in admin.get("/hotline/sla").text
