"""The booking rules form on the admin's schedule page: saved, audited and obeyed by the very next booking;
refused with a readable sentence beside each rule at fault (in both languages), on the page and through the API;
"every office" sets them for all; the exemption switches decide who a no-show ban spares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.service import principal_of
from jiaoguan.halls import booking, offices
from jiaoguan.halls.errors import Banned
from jiaoguan.halls.models import HallOffice, Slot
from jiaoguan.halls.rules import RULES
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.clock import FixedClock
from tests.factories import halls, registry

API = "/api/v1/halls"


def _slot(db: Session, hall: HallOffice, at: int, day: str = "2022-05-10") -> int:
    return db.execute(select(Slot.id).where(Slot.hall_office_id == hall.id, Slot.business_group == "vehicle",
                                            Slot.day == dt.date.fromisoformat(day), Slot.start_min == at)).scalar_one()


def _form(hall: HallOffice, db: Session, **changes: object) -> dict[str, str]:
    now = offices.booking_rules(db, hall.id)
    form = {k: str(v) for k, v in now.items() if not isinstance(v, bool)}
    form.update({k: "1" for k, v in now.items() if v is True})
    form.update({k: str(v) for k, v in changes.items()})
    return form


def test_saved_rules_are_audited_and_hold_for_the_next_booking(
        client: TestClient, db: Session, hall: HallOffice, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    (p,) = halls.people(db, 1)
    citizen = make_user("citizen", person_id=p.id, province_code="11")
    admin = make_user("admin")
    sign_in(client, admin)
    page = client.get(f"/halls/schedule?office={hall.id}")
    assert page.status_code == 200 and 'id="rules-form"' in page.text
    assert all(f'name="{r.name}"' in page.text for r in RULES)
    saved = client.post(f"/halls/schedule/{hall.id}/rules", data=_form(hall, db, person_daily_cap=1, hold_minutes=3),
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    db.expire_all()
    trail = db.scalars(select(AuditRecord.summary).where(AuditRecord.action == "halls.office_rules",
                                                         AuditRecord.object_id == str(hall.id))).all()
    assert any("person_daily_cap 2→1" in t and "hold_minutes 10→3" in t for t in trail)
    sign_in(client, citizen)
    first = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 600), "idempotency_key": "rules-key-1"})
    assert first.status_code == 201
    held_until = dt.datetime.fromisoformat(first.json()["hold_expires_at"])
    assert held_until - clock.now() == dt.timedelta(minutes=3)
    second = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 660), "idempotency_key": "rules-key-2"})
    assert second.status_code == 409 and second.json()["code"] == "halls.daily_cap"
    sign_in(client, admin)
    client.post(f"/halls/schedule/{hall.id}/rules", data=_form(hall, db, person_daily_cap=2))
    sign_in(client, citizen)
    third = client.post(f"{API}/bookings", json={"slot_id": _slot(db, hall, 660), "idempotency_key": "rules-key-3"})
    assert third.status_code == 201


def test_wrong_rules_are_named_beside_each_rule_and_nothing_is_saved(
        client: TestClient, db: Session, hall: HallOffice, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    sign_in(client, make_user("admin"))
    client.cookies.set("jg_lang", "en")
    bad = _form(hall, db, hold_minutes=0, exempt_elderly_age=30, checkin_late_minutes="soon",
                horizon_days=1, min_notice_minutes=3000, no_show_ban_days=0)
    refused = client.post(f"/halls/schedule/{hall.id}/rules", data=bad)
    assert refused.status_code == 422
    text = refused.text
    assert 'id="err-hold_minutes"' in text and "Enter a whole number from 1 to 60." in text
    assert 'id="err-checkin_late_minutes"' in text and 'value="soon"' not in text
    # Once every number is a number in its bounds, the checks between rules speak.
    bad["checkin_late_minutes"], bad["hold_minutes"] = "15", "10"
    refused = client.post(f"/halls/schedule/{hall.id}/rules", data=bad)
    assert refused.status_code == 422
    for name in ("min_notice_minutes", "no_show_ban_days", "exempt_elderly_age"):
        assert f'id="err-{name}"' in refused.text, name
    assert "The minimum notice must end within the booking horizon." in refused.text
    client.cookies.set("jg_lang", "zh")
    zh = client.post(f"/halls/schedule/{hall.id}/rules", data=bad)
    assert zh.status_code == 422 and "最短提前预约时间必须在可预约天数之内" in zh.text
    db.expire_all()
    assert offices.booking_rules(db, hall.id)["min_notice_minutes"] == 60      # nothing saved
    api = client.put(f"{API}/offices/{hall.id}/schedule",
                     json={"hours": [], "plans": [], "rules": {"hold_minutes": 0, "person_daily_cap": 11},
                           "generate_days": 0})
    assert api.status_code == 422 and api.json()["code"] == "halls.invalid_rules"
    assert set(api.json()["fields"]) == {"hold_minutes", "person_daily_cap"}


def test_only_the_admin_sets_rules_and_every_office_can_be_set_at_once(
        client: TestClient, db: Session, hall: HallOffice, clock: FixedClock, make_user: Callable[..., Any],
        sign_in: Callable[..., TestClient]) -> None:
    other = halls.hall(db, province="31")
    for role in ("supervisor", "window_clerk", "citizen"):
        sign_in(client, make_user(role, province_code="11"))
        refused = client.post(f"/halls/schedule/{hall.id}/rules", data=_form(hall, db, horizon_days=30))
        assert refused.status_code == 403, role
    sign_in(client, make_user("admin"))
    shared = {**_form(hall, db, horizon_days=30), "all_offices": "1"}
    done = client.post(f"/halls/schedule/{hall.id}/rules", data=shared, follow_redirects=False)
    assert done.status_code == 303
    db.expire_all()
    assert offices.booking_rules(db, other.id)["horizon_days"] == 30
    # One office's own change then overrides the shared value there only.
    client.post(f"/halls/schedule/{other.id}/rules", data=_form(other, db, horizon_days=7))
    db.expire_all()
    assert (offices.booking_rules(db, hall.id)["horizon_days"], offices.booking_rules(db, other.id)["horizon_days"]) \
        == (30, 7)


def test_the_exemption_switches_decide_who_a_ban_spares(db: Session, clock: FixedClock,
                                                        make_user: Callable[..., Any]) -> None:
    hall = halls.hall(db, no_show_limit=1)
    elder = registry.person(db, birth=dt.date(1940, 1, 1))              # 82 in 2022
    agent = principal_of(make_user("hotline_agent", province_code="11"))
    booking.book(db, slot_id=_slot(db, hall, 540, day="2022-05-09"), person_id=elder.id, actor=agent,
                 channel="clerk", idempotency_key="elder-missed")
    clock.advance(dt.timedelta(hours=2))
    assert booking.mark_no_shows(db) == 1
    booking.book(db, slot_id=_slot(db, hall, 600), person_id=elder.id, actor=agent, channel="clerk",
                 idempotency_key="elder-ok")                                   # spared: over 70
    offices.configure_office(db, hall.id, exempt_elderly_age=85)
    with pytest.raises(Banned):
        booking.book(db, slot_id=_slot(db, hall, 660), person_id=elder.id, actor=agent, channel="clerk",
                     idempotency_key="elder-banned")
    booking.book(db, slot_id=_slot(db, hall, 660), person_id=elder.id, actor=agent, channel="hotline",
                 idempotency_key="elder-hotline")                              # spared: the hotline booked
    offices.configure_office(db, hall.id, exempt_hotline=False)
    with pytest.raises(Banned):
        booking.book(db, slot_id=_slot(db, hall, 600, day="2022-05-11"), person_id=elder.id, actor=agent,
                     channel="hotline", idempotency_key="elder-hotline-2")
