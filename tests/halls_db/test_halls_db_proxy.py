"""代办 through HTTP: a relative the citizen authorised books a time for them; the principal sees it as theirs,
their day cap and their missed appointments count; an authority that does not cover the business, was revoked or
has run out is refused, and so is a citizen naming a stranger's ID number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.service import principal_of
from jiaoguan.business import proxies
from jiaoguan.business.catalogue_store import seed
from jiaoguan.halls import booking
from jiaoguan.halls.models import HallOffice, Slot
from jiaoguan.halls.offices import hall_office
from jiaoguan.kit.clock import FixedClock
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.notify.delivery import deliver_due
from tests.factories import halls

API = "/api/v1/halls"


def _slot(db: Session, hall: HallOffice, at: int, group: str = "vehicle", day: str = "2022-05-10") -> int:
    return db.execute(select(Slot.id).where(Slot.hall_office_id == hall.id, Slot.business_group == group,
                                            Slot.day == dt.date.fromisoformat(day), Slot.start_min == at)).scalar_one()


def _family(db: Session, make_user: Callable[..., Any], businesses: list[str],
            until: dt.date = dt.date(2022, 6, 30)) -> tuple[Any, Any, int]:
    """A principal (an elderly parent's account) who authorises their child for `businesses` until `until`."""
    seed(db)
    parent_person, child_person = halls.people(db, 2)
    parent = make_user("citizen", person_id=parent_person.id, province_code="11", username=f"laobo{parent_person.id}")
    child = make_user("citizen", person_id=child_person.id, province_code="11", username=f"xiaoming{child_person.id}")
    row = proxies.authorise(db, principal_of(parent), proxy_username=child.username, relation="child",
                            businesses=businesses, expires_on=until, consent=True)
    db.commit()
    return parent, child, row.id


def test_a_proxy_books_for_the_principal_who_sees_it_as_theirs(
        client: TestClient, db: Session, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db, person_daily_cap=1)
    parent, child, _ = _family(db, make_user, ["vehicle_licence_replacement"])
    sign_in(client, child)
    page = client.get(f"/halls/book?office={hall.id}&group=vehicle&day=2022-05-10")
    assert "book-for" in page.text and parent.username in page.text
    made = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "idempotency_key": "proxy-key-01",
                                                "hold": False, "on_behalf_of": parent.id})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["channel"] == "proxy" and body["by_proxy"] is True and body["proxy_name"] == child.username
    assert "代办" in client.get(f"/halls/bookings/{body['id']}").text
    # The day cap is the principal's: a second time that day is refused, even one the proxy books.
    again = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 660), "idempotency_key": "proxy-key-02",
                                                 "on_behalf_of": parent.id})
    assert again.status_code == 409 and again.json()["code"] == "halls.daily_cap"
    # The proxy's own booking is theirs, not the principal's: their own cap is untouched.
    own = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "idempotency_key": "proxy-key-03"})
    assert own.status_code == 201 and own.json()["by_proxy"] is False
    sign_in(client, parent)
    mine = client.get(f"{API}/bookings").json()
    assert [(b["id"], b["by_proxy"], b["proxy_name"]) for b in mine] == [(body["id"], True, child.username)]
    listed = client.get("/halls/mine").text
    assert "代办" in listed and child.username in listed
    assert client.get(f"/halls/bookings/{body['id']}").status_code == 200


def test_the_principal_is_told_who_booked_and_who_cancelled_which_appointment_for_them(
        client: TestClient, db: Session, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db)
    parent, child, _ = _family(db, make_user, ["plate_replacement"])
    sign_in(client, child)
    # The page's way: hold under "Book for", then confirm.
    form = client.post("/halls/book", data={"slot_id": _slot(db, hall, 600), "key": "proxy-tell-1",
                                            "on_behalf_of": str(parent.id)}, follow_redirects=False)
    assert form.status_code == 303, form.text
    booking_id = int(form.headers["location"].rsplit("/", 1)[1])
    assert not _told(db, "hall_booking_by_proxy")                       # a hold is not yet an appointment
    assert client.post(f"/halls/bookings/{booking_id}/confirm", follow_redirects=False).status_code == 303
    assert sorted(_told(db, "hall_booking_by_proxy")) == [("inapp", str(parent.id)), ("sms", "13800138000")]
    code = client.get(f"{API}/bookings/{booking_id}").json()["checkin_code"][:8]
    assert client.post(f"/halls/bookings/{booking_id}/cancel", follow_redirects=False).status_code == 303
    assert sorted(_told(db, "hall_booking_cancelled_by_proxy")) == [("inapp", str(parent.id)),
                                                                    ("sms", "13800138000")]
    # The proxy's own time, booked and cancelled by themselves, tells nobody else.
    own = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 660), "idempotency_key": "proxy-tell-2",
                                               "hold": False})
    assert own.status_code == 201 and client.post(f"{API}/bookings/{own.json()['id']}/cancel",
                                                  json={}).status_code == 200
    assert len(_told(db, "hall_booking_by_proxy")) == 2 and len(_told(db, "hall_booking_cancelled_by_proxy")) == 2
    assert deliver_due(db, cap_per_hour=100) >= 4
    db.commit()
    sign_in(client, parent)
    zh = client.get("/my/messages").text
    office = hall_office(db, hall.id).name
    assert f"{child.username} 为您代办预约：机动车业务，{office}，2022-05-10 10:00。签到码：{code}" in zh
    assert f"{child.username} 代您取消了预约：机动车业务，{office}，2022-05-10 10:00。" in zh
    client.cookies.set("jg_lang", "en")
    en = client.get("/my/messages").text
    assert (f"{child.username} booked an appointment for you: Vehicle registration at {office} on 2022-05-10 "
            f"at 10:00. Check-in code: {code}.") in en
    assert f"{child.username} cancelled your appointment: Vehicle registration at {office}" in en
    sign_in(client, child)
    assert "为您代办预约" not in client.get("/my/messages").text


def test_a_proxys_reschedule_tells_the_principal_the_new_time_only(
        client: TestClient, db: Session, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db)
    parent, child, _ = _family(db, make_user, ["plate_replacement"])
    sign_in(client, child)
    made = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "idempotency_key": "proxy-move-1",
                                                "hold": False, "on_behalf_of": parent.id}).json()
    moved = client.post(f"{API}/bookings/{made['id']}/reschedule",
                        json={"slot_id": _slot(db, hall, 690), "idempotency_key": "proxy-move-2"})
    assert moved.status_code == 200, moved.text
    assert len(_told(db, "hall_booking_by_proxy")) == 4                # the first time and the new one, each twice
    assert _told(db, "hall_booking_cancelled_by_proxy") == []           # not "cancelled": it was moved
    assert deliver_due(db, cap_per_hour=100) >= 4
    db.commit()
    sign_in(client, parent)
    assert f"{child.username} 为您代办预约：机动车业务，{hall_office(db, hall.id).name}，2022-05-10 11:30" in \
        client.get("/my/messages").text


def _told(db: Session, template: str) -> list[tuple[str, str]]:
    return [(c, r) for c, r in db.execute(select(OutboxMessage.channel, OutboxMessage.recipient)
                                          .where(OutboxMessage.template == template)).all()]


def test_the_principals_missed_appointments_ban_a_proxy_booking_too(
        client: TestClient, db: Session, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db, no_show_limit=1, no_show_ban_days=30)
    parent, child, _ = _family(db, make_user, ["plate_replacement"])
    missed = booking.book(db, slot_id=_slot(db, hall, 540, day="2022-05-09"), person_id=principal_of(parent).person_id,
                          actor=principal_of(parent), channel="citizen", idempotency_key="missed-01")
    clock.advance(dt.timedelta(hours=2))                        # 10:00: the 09:00 appointment's check-in closed
    assert booking.mark_no_shows(db) == 1
    db.commit()
    sign_in(client, child)
    refused = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "idempotency_key": "proxy-ban-1",
                                                   "on_behalf_of": parent.id})
    assert refused.status_code == 403 and refused.json()["code"] == "halls.banned"
    assert missed.person_id == principal_of(parent).person_id


def test_an_authority_that_does_not_cover_the_business_is_refused(
        client: TestClient, db: Session, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db)
    parent, child, _ = _family(db, make_user, ["licence_renewal"])   # licences only
    sign_in(client, child)
    refused = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "idempotency_key": "proxy-veh-1",
                                                   "on_behalf_of": parent.id})
    assert refused.status_code == 403 and refused.json()["code"] == "halls.proxy_not_authorised"
    form = client.post("/halls/book", data={"slot_id": _slot(db, hall, 600, "licence"), "key": "proxy-lic-form",
                                            "on_behalf_of": str(parent.id)}, follow_redirects=False)
    assert form.status_code == 303, form.text                          # the page's "Book for" choice
    held = client.get(form.headers["location"])
    assert held.status_code == 200 and 'id="by-proxy"' in held.text
    refused = client.post("/halls/book", data={"slot_id": _slot(db, hall, 630), "key": "proxy-veh-form",
                                               "on_behalf_of": str(parent.id)})
    assert refused.status_code == 403
    # A business that does not allow a proxy (licence_lost) covers nothing even when chosen.
    assert "book-for" not in client.get(f"/halls/book?office={hall.id}&group=vehicle&day=2022-05-10").text


def test_a_revoked_or_expired_authority_is_refused(
        client: TestClient, db: Session, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    hall = halls.hall(db, days=14)
    parent, child, authority = _family(db, make_user, ["plate_replacement"], until=dt.date(2022, 5, 12))
    sign_in(client, child)
    held = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "idempotency_key": "proxy-rev-1",
                                                "on_behalf_of": parent.id})
    assert held.status_code == 201 and held.json()["status"] == "held"
    proxies.revoke(db, principal_of(parent), authority)
    db.commit()
    body = {"slot_id": _slot(db, hall, 660), "idempotency_key": "proxy-rev-2", "on_behalf_of": parent.id}
    refused = client.post(f"{API}/bookings", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "halls.proxy_not_authorised"
    late = client.post(f"{API}/bookings/{held.json()['id']}/confirm")   # revoked while the time was held
    assert late.status_code == 403 and late.json()["code"] == "halls.proxy_not_authorised"
    # A second authority, run out by the time the proxy books.
    proxies.authorise(db, principal_of(parent), proxy_username=child.username, relation="child",
                      businesses=["plate_replacement"], expires_on=dt.date(2022, 5, 12), consent=True)
    db.commit()
    clock.advance(dt.timedelta(days=4))                          # Friday 13 May
    body = {"slot_id": _slot(db, hall, 600, day="2022-05-16"), "idempotency_key": "proxy-exp-1",
            "on_behalf_of": parent.id}
    expired = client.post(f"{API}/bookings", json=body)
    assert expired.status_code == 403 and expired.json()["code"] == "halls.proxy_not_authorised"


def test_a_citizen_cannot_book_for_a_stranger_by_id_number(
        client: TestClient, db: Session, hall: HallOffice, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    me, stranger = halls.people(db, 2)
    sign_in(client, make_user("citizen", person_id=me.id, province_code="11"))
    for id_number in (stranger.id_number, "110101199001011237"):   # registered or not: the same answer
        refused = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "id_number": id_number,
                                                       "idempotency_key": f"stranger-{id_number[-4:]}"})
        assert refused.status_code == 403 and refused.json()["code"] == "halls.proxy_not_authorised"
    mine = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "id_number": me.id_number,
                                                "idempotency_key": "self-by-number"})
    assert mine.status_code == 201 and mine.json()["channel"] == "citizen"
