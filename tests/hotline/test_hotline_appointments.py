"""An appointment call books a slot for the caller through the halls room, over HTTP: once however often the
request is retried, confirmed at once, and allowed even for a caller the no-show ban keeps from booking online."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_of
from jiaoguan.halls import booking, slots
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from tests.factories import halls
from tests.hotline.conftest import as_user


@pytest.fixture()
def hall_clock() -> Iterator[FixedClock]:
    previous = get_clock()
    fixed = FixedClock(halls.MONDAY)  # Monday 9 May 2022, 08:00 Beijing
    set_clock(fixed)
    yield fixed
    set_clock(previous)


def _slot(c: TestClient, office_id: int, day: str) -> dict:  # type: ignore[type-arg]
    found = c.get("/api/v1/hotline/slots", params={"office_id": office_id, "business_group": "licence", "day": day})
    assert found.status_code == 200, found.text
    return found.json()[0]  # type: ignore[no-any-return]


def test_an_appointment_ticket_books_a_slot_for_the_caller_once(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, hall_clock: FixedClock) -> None:
    hall = halls.hall(db)
    (caller,) = halls.people(db, 1)
    c = as_user(client, sign_in, staff["agent"])
    assert hall.id in [o["id"] for o in c.get("/api/v1/hotline/offices").json()]
    t = c.post("/api/v1/hotline/tickets", json={"type": "appointment", "subject": "代老人预约换证",
                                                "caller_person_id": caller.id, "caller_phone": "13700002222"}).json()
    slot = _slot(c, hall.id, "2022-05-10")
    first = c.post(f"/api/v1/hotline/tickets/{t['id']}/booking", json={"slot_id": slot["id"]})
    assert first.status_code == 200, first.text
    again = c.post(f"/api/v1/hotline/tickets/{t['id']}/booking", json={"slot_id": slot["id"]})
    assert again.json()["booking_id"] == first.json()["booking_id"]
    body = first.json()
    assert (body["status"], body["channel"], body["day"]) == ("confirmed", "hotline", "2022-05-10")
    assert body["ticket"]["booking_ref"] == str(body["booking_id"])
    assert [b.id for b in booking.bookings_of_person(db, caller.id)] == [body["booking_id"]]
    assert _slot(c, hall.id, "2022-05-10")["remaining"] == slot["remaining"] - 1


def test_a_consultation_or_an_unknown_caller_books_nothing(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, hall_clock: FixedClock) -> None:
    hall = halls.hall(db)
    c = as_user(client, sign_in, staff["agent"])
    slot = _slot(c, hall.id, "2022-05-10")
    consult = c.post("/api/v1/hotline/tickets", json={"type": "consultation", "subject": "问",
                                                      "caller_name": "张三", "caller_phone": "13700002222"}).json()
    r = c.post(f"/api/v1/hotline/tickets/{consult['id']}/booking", json={"slot_id": slot["id"]})
    assert r.json()["code"] == "hotline.not_appointment"
    unknown = c.post("/api/v1/hotline/tickets", json={"type": "appointment", "subject": "预约",
                                                      "caller_name": "张三", "caller_phone": "13700002222"}).json()
    r = c.post(f"/api/v1/hotline/tickets/{unknown['id']}/booking", json={"slot_id": slot["id"]})
    assert r.json()["code"] == "hotline.caller_unknown"


def test_a_caller_banned_for_no_shows_is_still_booked_by_the_hotline(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        make_user: Callable[..., User], db: Session, hall_clock: FixedClock) -> None:
    hall = halls.hall(db, days=25)
    (caller,) = halls.people(db, 1)
    citizen = principal_of(make_user(Role.citizen, person_id=caller.id, province_code="11"))
    for i in range(3):
        day = dt.date(2022, 5, 10 + i)
        s = booking.open_slots(db, office_id=hall.id, business_group="licence", day=day)[0]
        booking.book(db, slot_id=s.id, person_id=caller.id, actor=citizen, channel="citizen", idempotency_key=f"n{i}")
    hall_clock.advance(dt.timedelta(days=5))
    assert booking.mark_no_shows(db) == 3
    slots.generate(db, hall.id, dt.date(2022, 5, 14), dt.date(2022, 5, 31))
    c = as_user(client, sign_in, staff["agent"])
    t = c.post("/api/v1/hotline/tickets", json={"type": "appointment", "subject": "被限制预约的来电人",
                                                "caller_person_id": caller.id, "caller_phone": "13700002222"}).json()
    slot = _slot(c, hall.id, "2022-05-17")
    r = c.post(f"/api/v1/hotline/tickets/{t['id']}/booking", json={"slot_id": slot["id"]})
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text


def test_the_ticket_page_lists_slots_and_books_one(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, hall_clock: FixedClock) -> None:
    hall = halls.hall(db)
    (caller,) = halls.people(db, 1)
    c = as_user(client, sign_in, staff["agent"])
    t = c.post("/api/v1/hotline/tickets", json={"type": "appointment", "subject": "预约",
                                                "caller_person_id": caller.id, "caller_phone": "13700002222"}).json()
    page = c.get(f"/hotline/tickets/{t['id']}", params={"office": hall.id, "group": "licence", "day": "2022-05-10"})
    assert 'id="slots"' in page.text and 'name="slot_id"' in page.text
    # The kind of call has its own msgid: not the pass pages' "Appointment" (预约时间, an appointment's time).
    assert "</dt><dd>预约</dd>" in page.text and "<dd>预约时间</dd>" not in page.text
    c.cookies.set("jg_lang", "en")
    assert "</dt><dd>Appointment request</dd>" in c.get(f"/hotline/tickets/{t['id']}").text
    c.cookies.set("jg_lang", "zh_Hans")
    slot = _slot(c, hall.id, "2022-05-10")
    r = c.post(f"/hotline/tickets/{t['id']}/book", data={"slot_id": slot["id"], "csrf_token": "test-csrf-token"},
               follow_redirects=False)
    assert r.status_code == 303
    assert 'id="booking-ref"' in c.get(f"/hotline/tickets/{t['id']}").text


def test_the_ticket_page_says_what_the_chosen_offices_no_show_rule_is_for_a_hotline_booking(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, hall_clock: FixedClock) -> None:
    from jiaoguan.halls import offices

    exempting = halls.hall(db)                                         # the default: hotline bookings exempt
    counting = halls.hall(db, exempt_hotline=False, no_show_limit=2, no_show_window_days=90, no_show_ban_days=14)
    lenient = halls.hall(db, no_show_limit=0, exempt_hotline=False)
    (caller,) = halls.people(db, 1)
    c = as_user(client, sign_in, staff["agent"])
    t = c.post("/api/v1/hotline/tickets", json={"type": "appointment", "subject": "预约",
                                                "caller_person_id": caller.id, "caller_phone": "13700002222"}).json()

    def rule(office: int) -> str:
        page = c.get(f"/hotline/tickets/{t['id']}", params={"office": office, "group": "licence"})
        assert page.status_code == 200
        return page.text.split('id="no-show-rule"><small>', 1)[1].split("</small>", 1)[0]

    name = {h: offices.hall_office(db, h.id).name for h in (exempting, counting, lenient)}
    assert rule(exempting.id) == f"由专线代为预约：{name[exempting]} 不将此预约计入爽约限制。"
    assert rule(counting.id) == (f"由专线代为预约：{name[counting]} 对此预约的爽约照常计数"
                                 "（90 天内爽约 2 次，14 天内不能预约）。")
    assert rule(lenient.id) == f"{name[lenient]} 不因爽约限制预约。"
    c.cookies.set("jg_lang", "en")
    assert rule(counting.id) == (f"Booked by the hotline: {offices.hall_office(db, counting.id).name_en} counts a "
                                 "missed appointment like any other (2 missed in 90 days: no booking for 14 days).")
    # The admin turns the exemption back on: the next page load says so.
    offices.configure_office(db, counting.id, exempt_hotline=True)
    db.commit()
    assert "does not count it towards its no-show ban" in rule(counting.id)


def test_an_emergency_case_is_served_at_the_emergency_window_before_everyone_else(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, hall_clock: FixedClock) -> None:
    from jiaoguan.halls import offices, queue
    from tests.factories.hotline import LETTER_PDF

    hall = halls.hall(db)
    (walker,) = halls.people(db, 1)
    queue.walk_in(db, office_id=hall.id, business_group="vehicle", person_id=walker.id)  # someone already waiting
    c = as_user(client, sign_in, staff["clerk"])
    case = c.post("/api/v1/hotline/emergency", data={
        "kind": "ambulance", "unit_name": "北京急救中心", "business": "补领行驶证", "applicant_name": "王医生",
        "applicant_phone": "13911112222"}, files={"letter": ("l.pdf", LETTER_PDF, "application/pdf")}).json()
    r = c.post(f"/api/v1/hotline/emergency/{case['id']}/window-ticket", json={"hall_office_id": hall.id})
    assert r.json()["code"] == "hotline.transition_refused"  # not accepted yet: no owner
    c.post(f"/api/v1/hotline/emergency/{case['id']}/actions", json={"action": "accept", "version": 1})
    other = as_user(client, sign_in, staff["clerk2"])
    r = other.post(f"/api/v1/hotline/emergency/{case['id']}/window-ticket", json={"hall_office_id": hall.id})
    assert r.json()["code"] == "hotline.not_owner"
    c = as_user(client, sign_in, staff["clerk"])
    r = c.post(f"/api/v1/hotline/emergency/{case['id']}/window-ticket", json={"hall_office_id": hall.id})
    assert r.status_code == 200, r.text
    number = r.json()["halls_ticket_ref"].split(":")[1]
    assert number.startswith("E")
    emergency_window = next(w for w in offices.windows(db, hall.id) if w.lane == "emergency")
    offices.set_window_open(db, emergency_window.id, True, staff["clerk"].id)
    called = queue.call_next(db, emergency_window.id, role="window_clerk")
    assert (called.number, called.reference) == (number, f"EC{case['id']}")
    assert f">{number}<" in c.get(f"/hotline/emergency/{case['id']}").text


def test_the_case_page_issues_the_emergency_window_ticket(
        client: TestClient, sign_in: Callable[[TestClient, User], TestClient], staff: dict[str, User],
        db: Session, hall_clock: FixedClock) -> None:
    from tests.factories.hotline import LETTER_PDF

    hall = halls.hall(db)
    c = as_user(client, sign_in, staff["clerk"])
    case = c.post("/api/v1/hotline/emergency", data={
        "kind": "epidemic_staff", "unit_name": "疾控中心", "business": "换证", "applicant_name": "李医生",
        "applicant_phone": "13911113333"}, files={"letter": ("l.pdf", LETTER_PDF, "application/pdf")}).json()
    c.post(f"/api/v1/hotline/emergency/{case['id']}/actions", json={"action": "accept", "version": 1})
    page = c.get(f"/hotline/emergency/{case['id']}")
    assert 'id="action-window-ticket"' in page.text
    r = c.post(f"/hotline/emergency/{case['id']}/window-ticket",
               data={"office": hall.id, "csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert 'id="window-ticket"' in c.get(f"/hotline/emergency/{case['id']}").text
