"""Documents checked by content and stored by hash, seen only by the applicant and the staff on the case;
proxies (委托代办) with consent, limits, expiry and revocation; the face check (实人) and its fallback."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.business import access, service
from jiaoguan.kit.settings import get_settings
from tests.factories import business as f
from tests.factories.passes import FRIDAY


def test_an_upload_is_checked_by_content_and_stored_under_its_hash(db: Session, as_user: Callable[..., object],
                                                                   citizen: f.Citizen, seat: Principal) -> None:
    app = f.application(db, citizen.user, materials=(), submit=False)
    db.commit()
    c = as_user(citizen.user)
    ok = c.post(f"/api/v1/business/applications/{app.id}/documents", data={"material": "photo"},  # type: ignore[attr-defined]
                files={"file": ("me.jpg", f.PDF, "image/jpeg")})
    assert ok.status_code == 201 and ok.json()["media_type"] == "application/pdf"  # the content decides
    digest = hashlib.sha256(f.PDF).hexdigest()
    assert ok.json()["sha256"] == digest
    assert (get_settings().data_dir / "documents" / digest[:2] / digest[2:]).read_bytes() == f.PDF
    fake = c.post(f"/api/v1/business/applications/{app.id}/documents", data={"material": "photo"},  # type: ignore[attr-defined]
                  files={"file": ("me.png", b"MZ\x90\x00 not a picture", "image/png")})
    assert fake.status_code == 422 and fake.json()["code"] == "business.document_refused"
    big = c.post(f"/api/v1/business/applications/{app.id}/documents", data={"material": "photo"},  # type: ignore[attr-defined]
                 files={"file": ("big.png", f.PNG + b"\0" * (5 * 1024 * 1024), "image/png")})
    assert big.status_code == 422
    odd = c.post(f"/api/v1/business/applications/{app.id}/documents", data={"material": "mortgage_contract"},  # type: ignore[attr-defined]
                 files={"file": ("x.png", f.PNG, "image/png")})
    assert odd.status_code == 422
    doc_id = ok.json()["id"]
    assert c.get(f"/api/v1/business/documents/{doc_id}").content == f.PDF  # type: ignore[attr-defined]
    stranger = f.citizen(db, expiry=FRIDAY.date() + dt.timedelta(days=30))
    db.commit()
    assert as_user(stranger.user).get(f"/api/v1/business/documents/{doc_id}").status_code == 404  # type: ignore[attr-defined]
    service.submit(db, citizen.user, app.id, expected_version=app.version)
    db.commit()
    assert as_user(seat).get(f"/business/documents/{doc_id}").status_code == 200  # type: ignore[attr-defined]
    service.claim(db, seat, app.id)
    db.commit()
    other_seat = f.staff(db, Role.online_seat)
    db.commit()
    assert as_user(other_seat).get(f"/api/v1/business/documents/{doc_id}").status_code == 404  # type: ignore[attr-defined]


def test_a_relative_applies_by_proxy_within_the_authorisation_only(db: Session, as_user: Callable[..., object],
                                                                    citizen: f.Citizen, seat: Principal) -> None:
    child = f.citizen(db, expiry=FRIDAY.date() + dt.timedelta(days=300))
    db.commit()
    parent = as_user(citizen.user)
    no_consent = parent.post("/api/v1/business/proxies", json={  # type: ignore[attr-defined]
        "proxy_username": child.user.username, "relation": "child", "businesses": ["licence_renewal"],
        "expires_on": "2022-10-01", "consent": False})
    assert no_consent.status_code == 422 and no_consent.json()["code"] == "business.proxy_invalid"
    given = parent.post("/api/v1/business/proxies", json={  # type: ignore[attr-defined]
        "proxy_username": child.user.username, "relation": "child", "businesses": ["licence_renewal"],
        "expires_on": "2022-10-01", "consent": True})
    assert given.status_code == 201 and "until 2022-10-01" in given.json()["consent_text"]
    kid = as_user(child.user)
    made = kid.post("/api/v1/business/applications", json={  # type: ignore[attr-defined]
        "business": "licence_renewal", "on_behalf_of": citizen.user.id})
    assert made.status_code == 201, made.text
    assert made.json()["by_proxy"] is True
    app = access.get_application(db, made.json()["id"])
    assert app.applicant_user_id == citizen.user.id and app.licence_id == citizen.licence_id
    assert as_user(citizen.user).get(f"/api/v1/business/applications/{app.id}").status_code == 200  # type: ignore[attr-defined]
    page = kid.get(f"/business/applications/{app.id}")  # type: ignore[attr-defined]
    assert 'id="by-proxy"' in page.text
    other = kid.post("/api/v1/business/applications", json={  # type: ignore[attr-defined]
        "business": "vehicle_licence_replacement", "on_behalf_of": citizen.user.id})
    assert other.status_code == 403 and other.json()["code"] == "business.proxy_refused"
    not_delegable = kid.post("/api/v1/business/applications", json={  # type: ignore[attr-defined]
        "business": "licence_lost", "on_behalf_of": citizen.user.id})
    assert not_delegable.status_code == 403
    revoked = parent.post(f"/api/v1/business/proxies/{given.json()['id']}/revoke")  # type: ignore[attr-defined]
    assert revoked.json()["revoked"] is True
    again = kid.post("/api/v1/business/applications", json={  # type: ignore[attr-defined]
        "business": "licence_renewal", "on_behalf_of": citizen.user.id})
    assert again.status_code == 403
    assert parent.get("/business/proxies").status_code == 200  # type: ignore[attr-defined]


def test_a_face_verified_business_waits_for_the_face_check_and_falls_back_to_the_id_photo(
        db: Session, as_user: Callable[..., object], citizen: f.Citizen, seat: Principal) -> None:
    c = as_user(citizen.user)
    made = c.post("/api/v1/business/applications", json={"business": "licence_lost"}).json()  # type: ignore[attr-defined]
    assert made["identity_level"] == "face" and made["identity_status"] == "pending"
    r = c.post(f"/api/v1/business/applications/{made['id']}/submit", json={"version": made["version"]})  # type: ignore[attr-defined]
    assert r.status_code == 409 and r.json()["code"] == "business.face_check_needed"
    failed = c.post(f"/api/v1/business/applications/{made['id']}/face-check", json={"evidence": "blurred"})  # type: ignore[attr-defined]
    assert failed.json()["identity_status"] == "pending"
    c.post(f"/api/v1/business/applications/{made['id']}/documents", data={"material": "id_card_photo"},  # type: ignore[attr-defined]
           files={"file": ("id.jpg", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")})
    now = c.get(f"/api/v1/business/applications/{made['id']}").json()  # type: ignore[attr-defined]
    assert now["identity_status"] == "manual"
    assert c.post(f"/api/v1/business/applications/{made['id']}/submit",  # type: ignore[attr-defined]
                  json={"version": now["version"]}).status_code == 200
    sent = c.get(f"/api/v1/business/applications/{made['id']}").json()  # type: ignore[attr-defined]
    c.post(f"/api/v1/business/applications/{made['id']}/actions/withdraw",  # type: ignore[attr-defined]
           json={"version": sent["version"]})  # one open application of a business at a time
    second = c.post("/api/v1/business/applications", json={"business": "licence_lost"}).json()  # type: ignore[attr-defined]
    ok = c.post(f"/api/v1/business/applications/{second['id']}/face-check", json={"evidence": "confirm"})  # type: ignore[attr-defined]
    assert ok.json()["identity_status"] == "verified"


def test_an_application_pinned_to_a_workflow_version_keeps_its_transitions(db: Session, citizen: f.Citizen,
                                                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from jiaoguan.business import states

    old = f.application(db, citizen.user, submit=False)
    v1 = json.loads(states._files()["standard.v1.json"])
    v2 = v1 | {"version": 2, "transitions": [t for t in v1["transitions"] if t["action"] != "withdraw"]}
    monkeypatch.setattr(states, "_files", lambda: {"standard.v1.json": json.dumps(v1),
                                                   "standard.v2.json": json.dumps(v2)})
    states.workflows.cache_clear()
    try:
        other = f.citizen(db, expiry=dt.date(2022, 6, 8))  # one open application of a business per person
        new = f.application(db, other.user, submit=False)
        assert (old.workflow, new.workflow) == ("standard@1", "standard@2")
        service.withdraw(db, citizen.user, old.id, expected_version=old.version)
        assert old.status == "withdrawn"
        try:
            service.withdraw(db, other.user, new.id, expected_version=new.version)
        except ValueError as exc:
            assert "withdraw" in str(exc)
        else:
            raise AssertionError("the new version has no withdraw")
    finally:
        monkeypatch.undo()
        states.workflows.cache_clear()
