"""容缺办 end to end over HTTP with the registry's real effects: the licence renewed without the medical
certificate, the obligation open with its due date, new business blocked past it, the certificate handed in on
the application and the obligation closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.registry.changes.obligations import open_obligations, sweep_obligations
from jiaoguan.registry.queries import records_of_person
from jiaoguan.registry.records import LicenceRecord
from tests.factories import business as f


def _licence(db: Session, person_id: int) -> LicenceRecord:
    return next(r for r in records_of_person(db, person_id) if isinstance(r, LicenceRecord))


def test_renewal_without_the_certificate_opens_an_obligation_that_the_certificate_closes(
        db: Session, as_user, citizen: f.Citizen, seat: Principal,
        events_seen: list[tuple[str, dict[str, Any]]]) -> None:
    before = _licence(db, citizen.person_id)
    c = as_user(citizen.user)
    made = c.post("/api/v1/business/applications", json={"business": "licence_renewal",
                                                          "later": ["medical_certificate"]}).json()
    assert made["later_materials"] == ["medical_certificate"]
    for m in ("id_card", "photo"):
        c.post(f"/api/v1/business/applications/{made['id']}/documents", data={"material": m},
               files={"file": (f"{m}.png", f.PNG, "image/png")})
    sub = c.post(f"/api/v1/business/applications/{made['id']}/submit", json={"version": made["version"]}).json()
    assert sub["status"] == "submitted" and sub["notice"] == []
    s = as_user(seat)
    v = sub["version"]
    for action in ("accept", "start_review", "approve"):
        r = s.post(f"/api/v1/business/applications/{made['id']}/actions/{action}", json={"version": v})
        assert r.status_code == 200, r.text
        v = r.json()["version"]
    effect = r.json()["effect"]
    assert effect["applied"] is True and effect["data"]["business"] == "licence-renewal"
    after = _licence(db, citizen.person_id)
    assert after.valid_to is not None and before.valid_to is not None and after.valid_to > before.valid_to
    owed = open_obligations(db, citizen.person_id)
    assert len(owed) == 1 and owed[0].kind == "medical_certificate" and owed[0].due > dt.date(2022, 4, 29)
    assert after.medical_due == owed[0].due
    opened = [p for n, p in events_seen if n == "business.obligation_opened"]
    assert opened and opened[0]["due"] == owed[0].due.isoformat() and opened[0]["obligation"] == owed[0].id

    page = c.get(f"/business/applications/{made['id']}")
    assert 'id="upload-form"' in page.text or r.json()["status"] == "approved"
    handed = c.post(f"/api/v1/business/applications/{made['id']}/documents", data={"material": "medical_certificate"},
                    files={"file": ("cert.pdf", f.PDF, "application/pdf")})
    assert handed.status_code == 201, handed.text
    assert open_obligations(db, citizen.person_id) == []
    assert [n for n, _ in events_seen].count("business.obligation_closed") == 1


def test_an_obligation_past_its_due_date_blocks_new_business(db: Session, as_user, citizen: f.Citizen,
                                                             seat: Principal) -> None:
    app = f.application(db, citizen.user, materials=("id_card", "photo"), later=["medical_certificate"])
    from jiaoguan.business import service

    for action in ("accept", "start_review", "approve"):
        service.act(db, seat, app.id, action, expected_version=app.version)
    due = open_obligations(db, citizen.person_id)[0].due
    sweep_obligations(db, due + dt.timedelta(days=1))
    db.commit()
    from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
    from tests.factories.passes import FRIDAY

    previous = get_clock()
    set_clock(FixedClock(FRIDAY.replace(year=due.year, month=due.month, day=due.day) + dt.timedelta(days=2)))
    try:
        r = as_user(citizen.user).post("/api/v1/business/applications", json={"business": "e_licence"})
    finally:
        set_clock(previous)
    assert r.status_code == 409 and r.json()["code"] == "business.obligation_overdue"
