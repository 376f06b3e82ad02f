"""The halls room through HTTP: a citizen books (hold, confirm, QR), the kiosk checks in and issues tickets,
a clerk calls, the board answers (and streams), the admin edits the schedule; the pages render."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.halls import handlers
from jiaoguan.halls.models import Booking, HallOffice, HallWindow, Slot
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.events import Event
from tests.factories import halls

API = "/api/v1/halls"


def _slot(db: Session, hall: HallOffice, day: str = "2022-05-09", at: int = 600) -> int:
    return db.execute(select(Slot.id).where(Slot.hall_office_id == hall.id, Slot.business_group == "vehicle",
                                            Slot.day == dt.date.fromisoformat(day), Slot.start_min == at)).scalar_one()


def test_a_citizen_books_and_the_kiosk_checks_in_and_a_clerk_calls(
        client: TestClient, db: Session, hall: HallOffice, clock: FixedClock, make_user: Callable[..., object],
        sign_in: Callable[..., TestClient]) -> None:
    (p,) = halls.people(db, 1)
    sign_in(client, make_user("citizen", person_id=p.id, province_code="11"))
    offices = client.get(f"{API}/offices", params={"province": "11"}).json()
    assert hall.id in [o["id"] for o in offices]
    slots = client.get(f"{API}/offices/{hall.id}/slots", params={"group": "vehicle", "day": "2022-05-09"}).json()
    chosen = next(s for s in slots if s["start"] == "10:00")
    assert chosen["remaining"] == 5
    body = {"slot_id": chosen["id"], "idempotency_key": "citizen-key-0001"}
    held = client.post(f"{API}/bookings", json=body)
    assert held.status_code == 201 and held.json()["status"] == "held"
    again = client.post(f"{API}/bookings", json=body)
    assert again.json()["id"] == held.json()["id"]
    confirmed = client.post(f"{API}/bookings/{held.json()['id']}/confirm").json()
    assert confirmed["status"] == "confirmed"
    qr = client.get(confirmed["checkin_url"].replace("/halls", f"{API}", 1))
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    page = client.get(f"/halls/bookings/{confirmed['id']}")
    assert "checkin-qr" in page.text
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    clock.advance(dt.timedelta(minutes=100))                       # 09:40
    ticket = client.post(f"{API}/checkin", json={"code": "JGHALL:" + confirmed["checkin_code"]})
    assert ticket.status_code == 200 and ticket.json()["number"] == "A001"
    walk = client.post(f"{API}/tickets", json={"office_id": hall.id, "business_group": "licence"}).json()
    assert walk["number"] == "A002" and walk["ahead"] >= 0 and walk["hint"]
    clerk_office = db.get(HallOffice, hall.id)
    assert clerk_office is not None
    sign_in(client, make_user("window_clerk", office_id=clerk_office.office_id, province_code="11"))
    window = db.execute(select(HallWindow.id).where(HallWindow.hall_office_id == hall.id,
                                                    HallWindow.code == "03")).scalar_one()
    called = client.post(f"{API}/windows/{window}/call-next").json()
    assert called["number"] == "A002"      # the 10:00 appointment is not due before 09:55; the walk-in is
    assert client.post(f"{API}/tickets/{called['id']}/complete").json()["status"] == "done"
    board = client.get(f"{API}/offices/{hall.id}/board").json()
    assert board["waiting"] == {"normal": 1}
    console = client.get(f"/halls/console?window={window}")
    assert console.status_code == 200 and "call-next" in console.text


def test_the_board_streams_its_state(client: TestClient, db: Session, hall: HallOffice, clock: FixedClock) -> None:
    with client.stream("GET", f"{API}/offices/{hall.id}/board/stream", params={"max_events": 1}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    data = next(line for line in text.splitlines() if line.startswith("data: "))
    assert json.loads(data.removeprefix("data: "))["waiting"] == {}


def test_the_admin_edits_the_schedule(client: TestClient, db: Session, hall: HallOffice, clock: FixedClock,
                                      make_user: Callable[..., object], sign_in: Callable[..., TestClient]) -> None:
    sign_in(client, make_user("admin"))
    body = {"hours": [{"kind": "regular", "weekday": d, "opens": "08:30", "closes": "12:00"} for d in range(5)]
            + [{"kind": "weekend", "weekday": 6, "opens": "09:00", "closes": "12:00", "valid_from": "2022-05-15",
                "valid_to": "2022-05-15"}],
            "plans": [{"business_group": "violation", "slot_minutes": 20, "capacity": 3}], "generate_days": 7}
    saved = client.put(f"{API}/offices/{hall.id}/schedule", json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["slots_made"] > 0
    sunday = client.get(f"{API}/offices/{hall.id}/slots", params={"group": "violation", "day": "2022-05-15"}).json()
    assert [s["start"] for s in sunday][:2] == ["09:00", "09:20"]
    bad = client.put(f"{API}/offices/{hall.id}/schedule",
                     json={**body, "hours": [{"kind": "regular", "weekday": 0, "opens": "12:00", "closes": "08:00"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "halls.invalid_schedule"
    assert client.get(f"/halls/schedule?office={hall.id}").status_code == 200


def test_pages_render(client: TestClient, db: Session, hall: HallOffice, clock: FixedClock,
                      make_user: Callable[..., object], sign_in: Callable[..., TestClient]) -> None:
    for path in (f"/halls/kiosk/{hall.id}", f"/halls/board/{hall.id}"):
        assert client.get(path).status_code == 200, path
    (p,) = halls.people(db, 1)
    sign_in(client, make_user("citizen", person_id=p.id, province_code="11"))
    flow = client.get(f"/halls/book?office={hall.id}&group=vehicle&day=2022-05-10")
    assert flow.status_code == 200 and "data-slot" in flow.text
    assert client.get("/halls/mine").status_code == 200
    sign_in(client, make_user("supervisor", province_code="11"))
    assert client.get(f"/halls/hall?office={hall.id}").status_code == 200


def test_a_business_booking_request_books_an_inspection(db: Session, clock: FixedClock) -> None:
    hall = halls.hall(db, groups=("inspection",))
    (p,) = halls.people(db, 1)
    event = Event("e1", "business.booking_requested", {"kind": "inspection", "business": "vehicle_inspection",
                                                      "id": 77, "person": str(p.id), "province": "11",
                                                      "day": "2022-05-09"}, clock.now())
    handlers.on_booking_requested(db, event)
    made = db.execute(select(Booking).where(Booking.person_id == p.id)).scalar_one()
    assert (made.channel, made.business_group, made.day, made.business_ref) == (
        "business", "inspection", dt.date(2022, 5, 10), "vehicle_inspection#77")
    assert made.hall_office_id == hall.id


def test_staff_act_only_in_their_halls(client: TestClient, db: Session, hall: HallOffice, clock: FixedClock,
                                       make_user: Callable[..., object], sign_in: Callable[..., TestClient]) -> None:
    other = halls.hall(db, province="31")
    window = db.execute(select(HallWindow.id).where(HallWindow.hall_office_id == other.id,
                                                    HallWindow.code == "03")).scalar_one()
    sign_in(client, make_user("window_clerk", office_id=hall.office_id, province_code="11"))
    assert client.post(f"{API}/windows/{window}/call-next").status_code == 404
    own = db.execute(select(HallWindow.id).where(HallWindow.hall_office_id == hall.id,
                                                 HallWindow.code == "04")).scalar_one()
    closed = client.post(f"{API}/windows/{own}/open", json={"is_open": False})
    assert closed.status_code == 200 and closed.json()["is_open"] is False
    (p,) = halls.people(db, 1)
    from jiaoguan.registry.queries import person_of

    facts = person_of(db, p.id)
    assert facts is not None
    made = client.post(f"{API}/exemptions", json={"id_number": facts.id_number, "reason": "disabled"})
    assert made.status_code == 201 and made.json()["person_id"] == p.id
    sign_in(client, make_user("supervisor", province_code="11"))
    assert client.get(f"{API}/offices/{other.id}/hall").status_code == 404
    assert client.get(f"{API}/offices/{hall.id}/hall").status_code == 200


def test_a_supervisor_runs_an_allocation(client: TestClient, db: Session, clock: FixedClock,
                                         make_user: Callable[..., object], sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db, capacity=1, groups=(), exam_allocation="acceptance_order", days=14)
    from jiaoguan.halls import allocation

    for i, p in enumerate(halls.people(db, 3)):
        allocation.request_place(db, office_id=hall.id, business_group="exam", day=dt.date(2022, 5, 20),
                                 person_id=p.id, accepted_on=dt.date(2022, 3, 1) + dt.timedelta(days=i), actor=None)
    db.commit()
    sign_in(client, make_user("supervisor", province_code="11"))
    ran = client.post(f"{API}/offices/{hall.id}/allocation/run", params={"day": "2022-05-20"})
    assert ran.status_code == 200, ran.text
    assert [s["position"] for s in ran.json()["standings"]] == [1, 2, 3]
    assert ran.json()["allocated"] == 3
    again = client.post(f"{API}/offices/{hall.id}/allocation/run", params={"day": "2022-05-20"})
    assert again.status_code == 409 and again.json()["code"] == "halls.already_allocated"
    public = client.get(f"{API}/offices/{hall.id}/allocation", params={"day": "2022-05-20"}).json()
    assert public["seed"] and public["capacity"] == 6
