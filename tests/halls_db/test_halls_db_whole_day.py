"""A hall runs a whole day (issue 12, "Done means"), through HTTP as each person uses it: citizens book the 09:30
vehicle time until it is full (the next one is refused), walk-ins take numbers at the kiosk, a truck driver whose
vehicle holds an active key-material pass goes to the key-material window, an ambulance crew registered as an
emergency case is called first at the emergency window by the clerk who owns the case, and an elderly caller the
hotline booked is served at the assisted window. Every call comes in the order the rules say, and after every
step no slot holds more than its places, nor a count that differs from its bookings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.service import principal_of
from jiaoguan.halls.models import Booking, HallOffice, HallWindow, Slot
from jiaoguan.halls.states import TAKING
from jiaoguan.kit.clock import FixedClock
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.issuance.keystore import init_keys
from tests.factories import accounts, halls, registry
from tests.factories.hotline import LETTER_PDF
from tests.factories.passes import application, register

API = "/api/v1/halls"
HOTLINE = "/api/v1/hotline"
TODAY = "2022-05-09"


def _as(client: TestClient, sign_in: Callable[..., TestClient], user: Any) -> TestClient:
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user) if user is not None else client


def _window(db: Session, hall: HallOffice, code: str) -> int:
    return db.execute(select(HallWindow.id).where(HallWindow.hall_office_id == hall.id, HallWindow.code == code)
                      ).scalar_one()


def _slot(db: Session, hall: HallOffice, group: str, at: int) -> int:
    return db.execute(select(Slot.id).where(Slot.hall_office_id == hall.id, Slot.business_group == group,
                                            Slot.day == dt.date.fromisoformat(TODAY), Slot.start_min == at)
                      ).scalar_one()


def _capacity_holds(db: Session, hall: HallOffice) -> None:
    """No slot past its places, and each slot's count is exactly its bookings that hold a place."""
    db.expire_all()
    held = dict(db.execute(select(Booking.slot_id, func.count()).where(
        Booking.hall_office_id == hall.id, Booking.status.in_(TAKING)).group_by(Booking.slot_id)).all())
    for s in db.scalars(select(Slot).where(Slot.hall_office_id == hall.id, Slot.day == dt.date.fromisoformat(TODAY))):
        assert 0 <= s.booked <= s.capacity and s.booked == held.get(s.id, 0), (s.start_min, s.booked, s.capacity)


def _truck_with_an_active_pass(db: Session) -> str:
    firm = accounts.enterprise(db)
    agent = accounts.user(db, "enterprise_agent", enterprise_id=firm.id, province_code="31")
    issuer = accounts.user(db, "pass_issuer", province_code="31")
    init_keys(db, ["31"])
    register(db, firm.id, 41)
    form = dataclasses.replace(application(41), valid_from=dt.date(2022, 5, 9), valid_to=dt.date(2022, 5, 18))
    issued = apps.approve(db, apps.submit_application(db, principal_of(agent), form).id, principal_of(issuer))
    db.commit()
    return issued.plate_no


def test_a_hall_runs_a_whole_day(client: TestClient, db: Session, clock: FixedClock,
                                 make_user: Callable[..., Any], sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db, capacity=3)                      # 08:00 Monday; every 30-minute time has 3 places
    clerk = make_user("window_clerk", office_id=hall.office_id, province_code="11")
    agent = make_user("hotline_agent", province_code="11")
    citizens = [make_user("citizen", person_id=p.id, province_code="11") for p in halls.people(db, 4)]
    elder = registry.person(db, birth=dt.date(1941, 3, 3), phone="13600001111")    # 81
    walkers = halls.people(db, 3)
    plate = _truck_with_an_active_pass(db)
    db.commit()

    # 08:00 — four citizens want the 09:30 vehicle time; it has three places.
    nine_thirty = _slot(db, hall, "vehicle", 570)
    codes = []
    for i, who in enumerate(citizens):
        c = _as(client, sign_in, who)
        r = c.post(f"{API}/bookings", json={"slot_id": nine_thirty, "idempotency_key": f"day-booking-{i}",
                                            "hold": False})
        if i < 3:
            assert r.status_code == 201, r.text
            codes.append(r.json()["checkin_code"])
        else:
            assert (r.status_code, r.json()["code"]) == (409, "halls.slot_full")
        _capacity_holds(db, hall)

    # 08:10 — the hotline books the elderly caller's licence renewal at 10:00.
    clock.advance(dt.timedelta(minutes=10))
    c = _as(client, sign_in, agent)
    call = c.post(f"{HOTLINE}/tickets", json={"type": "appointment", "subject": "老人换证预约",
                                              "caller_person_id": elder.id, "caller_phone": "13600001111"})
    assert call.status_code == 201, call.text
    booked = c.post(f"{HOTLINE}/tickets/{call.json()['id']}/booking",
                    json={"slot_id": _slot(db, hall, "licence", 600)})
    assert booked.status_code == 200 and booked.json()["channel"] == "hotline", booked.text
    elder_code = db.get(Booking, booked.json()["booking_id"]).checkin_code  # type: ignore[union-attr]
    _capacity_holds(db, hall)

    # 08:40 — the ambulance crew's case is registered with the unit's letter and accepted by the clerk.
    clock.advance(dt.timedelta(minutes=30))
    c = _as(client, sign_in, clerk)
    case = c.post(f"{HOTLINE}/emergency", data={
        "kind": "ambulance", "unit_name": "北京急救中心", "business": "机动车检验", "plate_no": "京A12000",
        "applicant_name": "赵医生", "applicant_phone": "13911110000"},
        files={"letter": ("letter.pdf", LETTER_PDF, "application/pdf")})
    assert case.status_code == 201, case.text
    accepted = c.post(f"{HOTLINE}/emergency/{case.json()['id']}/actions",
                      json={"action": "accept", "version": case.json()["version"]})
    assert accepted.status_code == 200 and accepted.json()["owner_user_id"] == clerk.id

    # 09:05 — the hall opens: two walk-ins take numbers at the kiosk, then the truck driver.
    clock.advance(dt.timedelta(minutes=25))
    kiosk = _as(client, sign_in, None)
    w1 = kiosk.post(f"{API}/tickets", json={"office_id": hall.id, "business_group": "vehicle",
                                            "id_number": walkers[0].id_number}).json()
    clock.advance(dt.timedelta(minutes=1))
    w2 = kiosk.post(f"{API}/tickets", json={"office_id": hall.id, "business_group": "licence",
                                            "id_number": walkers[1].id_number}).json()
    truck = kiosk.post(f"{API}/tickets", json={"office_id": hall.id, "business_group": "vehicle",
                                               "plate_no": plate}).json()
    assert (w1["number"], w2["number"], truck["number"], truck["lane"]) == ("A001", "A002", "K001", "key_material")

    # 09:08 — the crew arrives: the owner issues their ticket in the emergency lane.
    clock.advance(dt.timedelta(minutes=2))
    c = _as(client, sign_in, clerk)
    issued = c.post(f"{HOTLINE}/emergency/{case.json()['id']}/window-ticket", json={"hall_office_id": hall.id})
    assert issued.status_code == 200, issued.text
    assert issued.json()["halls_ticket_ref"].endswith(":E001")

    # 09:10 — the three booked citizens check in at the kiosk (check-in opened at 09:00); one more walk-in.
    clock.advance(dt.timedelta(minutes=2))
    kiosk = _as(client, sign_in, None)
    appointments = [kiosk.post(f"{API}/checkin", json={"code": "JGHALL:" + code}).json() for code in codes]
    assert [(t["kind"], t["lane"]) for t in appointments] == [("appointment", "normal")] * 3
    w3 = kiosk.post(f"{API}/tickets", json={"office_id": hall.id, "business_group": "vehicle",
                                            "id_number": walkers[2].id_number}).json()

    # 09:12 — the windows call. Emergency first, key material at its window, walk-ins by longest wait while no
    # appointment is due (the 09:30 ones are due from 09:25).
    c = _as(client, sign_in, clerk)
    emergency, key, normal_a, normal_b, assisted = (_window(db, hall, code) for code in ("01", "02", "03", "04", "05"))

    def call(window: int) -> dict[str, Any]:
        r = c.post(f"{API}/windows/{window}/call-next")
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    def serve(ticket: dict[str, Any], minutes: int) -> None:
        assert c.post(f"{API}/tickets/{ticket['id']}/start").status_code == 200
        clock.advance(dt.timedelta(minutes=minutes))
        assert c.post(f"{API}/tickets/{ticket['id']}/complete").json()["status"] == "done"

    clock.advance(dt.timedelta(minutes=2))
    crew = call(emergency)
    assert (crew["number"], crew["reference"]) == ("E001", f"EC{case.json()['id']}")
    assert call(key)["id"] == truck["id"]
    assert [call(normal_a)["id"], call(normal_b)["id"]] == [w1["id"], w2["id"]]
    board = c.get(f"{API}/offices/{hall.id}/board").json()
    assert {x["number"] for x in board["calls"]} == {"E001", "K001", "A001", "A002"}
    case_id = case.json()["id"]
    version = c.get(f"{HOTLINE}/emergency/{case_id}").json()["version"]
    started = c.post(f"{HOTLINE}/emergency/{case_id}/actions", json={"action": "start", "version": version})
    assert started.status_code == 200, started.text
    serve(crew, 8)                                                  # 09:20
    assert c.post(f"{HOTLINE}/emergency/{case_id}/actions",
                  json={"action": "complete", "version": started.json()["version"]}).json()["status"] == "completed"
    serve(truck, 1)
    serve(w1, 1)
    serve(w2, 1)                                                    # 09:23

    # 09:26 — the appointments are due: they go before the walk-in who came at 09:10.
    clock.advance(dt.timedelta(minutes=3))
    due = [call(normal_a), call(normal_b)]
    assert {t["id"] for t in due} <= {t["id"] for t in appointments}
    for t in due:
        serve(t, 2)
    last_appointment = call(normal_a)
    assert last_appointment["kind"] == "appointment"
    serve(last_appointment, 3)
    assert call(normal_b)["id"] == w3["id"]

    # 09:40 — the elderly caller checks in for 10:00 and is served at the assisted window.
    clock.advance(dt.timedelta(minutes=6))
    kiosk = _as(client, sign_in, None)
    elder_ticket = kiosk.post(f"{API}/checkin", json={"code": elder_code}).json()
    assert (elder_ticket["lane"], elder_ticket["number"]) == ("assisted", "B001")
    c = _as(client, sign_in, clerk)
    assert call(assisted)["id"] == elder_ticket["id"]
    serve(elder_ticket, 5)
    serve(w3, 1)
    assert c.post(f"{API}/windows/{normal_a}/call-next").json()["code"] == "halls.queue_empty"

    # The day closes: everyone booked came; the no-show job finds nobody; no slot ever overfilled.
    clock.advance(dt.timedelta(hours=8))
    from jiaoguan.halls.booking import mark_no_shows

    assert mark_no_shows(db) == 0
    _capacity_holds(db, hall)
    sign_in(c, make_user("supervisor", province_code="11"))
    day = c.get(f"{API}/offices/{hall.id}/hall").json()
    assert day["waiting"] == [] and day["bookings_today"] == 4
