"""Pages and JSON API: the whole flow through HTTP, role refusals, device tokens, the trust bundle."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import issue_api_token
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.models import CheckpointScan, PassApplication, TransportPass
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.keys import read_certificate
from jiaoguan.passes.qr.trust import TrustStore
from jiaoguan.passes.qr.verify import verify
from tests.factories import accounts
from tests.factories.passes import FRIDAY, application

FORM = {
    "plate_no": application(1).plate_no, "plate_colour": "yellow", "vin": application(1).vin,
    "transport_cert_no": "310115000001",
    "crew-0-name": "张伟", "crew-0-id_number": application(1).crew[0].id_number, "crew-0-phone": "13812345678",
    "origin_code": "310115", "origin_address": "外高桥1号", "destination_code": "420102",
    "destination_address": "解放大道2号", "consignor": "上海某公司", "consignee": "武汉某医院",
    "cargo_category": "energy", "cargo_name": "柴油", "cargo_quantity": "2罐", "cargo_weight_kg": "18000",
    "valid_from": "2022-04-29", "valid_to": "2022-05-05", "contact_name": "周涛", "contact_phone": "13700137000",
}


def as_user(client: TestClient, sign_in, user: Principal) -> TestClient:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


def test_apply_approve_verify_revoke_verify_through_the_pages(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, officer: Principal, checkpoint,
        keys: None) -> None:
    as_user(client, sign_in, agent)
    assert client.get("/passes/apply").status_code == 200
    sent = client.post("/passes/apply", data=FORM | {"csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    app = db.execute(select(PassApplication)).scalar_one()
    assert "pending" in client.get("/passes/mine").text

    as_user(client, sign_in, issuer)
    assert f'/passes/review/{app.id}' in client.get("/passes/review").text
    assert "张伟" in client.get(f"/passes/review/{app.id}").text
    done = client.post(f"/passes/review/{app.id}/approve", data={"csrf_token": "test-csrf-token"},
                       follow_redirects=False)
    assert done.status_code == 303
    p = db.execute(select(TransportPass)).scalar_one()
    assert p.pass_no in done.headers["location"]

    as_user(client, sign_in, agent)
    printed = client.get(f"/passes/pass/{p.pass_no}/print")
    assert printed.status_code == 200 and "<svg" in printed.text and "#80ff80" in printed.text
    assert p.pass_no in client.get(f"/passes/pass/{p.pass_no}/e-pass").text

    as_user(client, sign_in, officer)
    assert client.get("/checkpoint/verify").status_code == 200
    green = client.post("/checkpoint/verify", data={"qr": p.qr_text, "checkpoint": checkpoint.code, "lane": "2",
                                                    "check_ms": "4200", "csrf_token": "test-csrf-token"})
    assert 'data-result="valid"' in green.text and "沪D10001" in green.text

    as_user(client, sign_in, issuer)
    client.post(f"/passes/issued/{p.pass_no}/revoke", data={"reason": "货物不符", "csrf_token": "test-csrf-token"})
    as_user(client, sign_in, officer)
    grey = client.post("/checkpoint/verify", data={"qr": p.qr_text, "checkpoint": checkpoint.code, "lane": "2",
                                                   "csrf_token": "test-csrf-token"})
    assert 'data-result="invalid"' in grey.text and 'data-reason="revoked_pass"' in grey.text
    assert "The pass has been revoked." in grey.text
    logged = db.execute(select(CheckpointScan.valid, CheckpointScan.check_ms).order_by(CheckpointScan.id)).all()
    assert [tuple(r) for r in logged][0] == (True, 4200) and logged[1][0] is False
    figures = client.get(f"/checkpoint/figures?checkpoint={checkpoint.code}&day=2022-04-29")
    assert figures.status_code == 200 and "revoked_pass" in figures.text


def test_the_apply_form_shows_every_problem_next_to_its_field(client: TestClient, sign_in, agent: Principal) -> None:
    as_user(client, sign_in, agent)
    bad = FORM | {"crew-0-phone": "12", "origin_code": "310000", "csrf_token": "test-csrf-token"}
    page = client.post("/passes/apply", data=bad)
    assert page.status_code == 422
    assert page.text.count('class="field-error"') == 2
    assert 'name="plate_no" id="f-plate_no" value="沪D10001"' in page.text  # what was typed is kept


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("get", "/passes/mine", "enterprise_agent"), ("get", "/passes/apply", "enterprise_agent"),
    ("get", "/passes/review", "pass_issuer"), ("get", "/passes/issued", "pass_issuer"),
    ("get", "/checkpoint/verify", "checkpoint_officer"), ("get", "/passes/service-queue", "window_clerk"),
    ("post", "/api/v1/passes/applications/1/approve", "pass_issuer"),
    ("post", "/api/v1/passes/verify", "checkpoint_officer"),
    ("post", "/api/v1/checkpoint/scans", "checkpoint_officer"),
])
def test_each_page_and_call_refuses_the_other_roles(client: TestClient, sign_in, make_user, method: str,
                                                    path: str, allowed: str) -> None:
    for role in ("citizen", "enterprise_agent", "window_clerk", "checkpoint_officer", "pass_issuer"):
        if role == allowed:
            continue
        as_user(client, sign_in, make_user(role, province_code="31"))
        response = getattr(client, method)(path, **({"json": {}} if method == "post" else {}))
        assert response.status_code == 403, (role, path)
    client.cookies.clear()
    anonymous = getattr(client, method)(path, follow_redirects=False)
    assert anonymous.status_code in (401, 303, 403)


def test_a_scanner_device_verifies_with_its_token_and_syncs_offline_scans_once(
        client: TestClient, db: Session, agent: Principal, issuer: Principal, officer: Principal, checkpoint,
        keys: None) -> None:
    p = apps.approve(db, apps.submit_application(db, agent, application()).id, issuer)
    token = issue_api_token(db, officer, "lane 2 scanner")
    device = {"Authorization": f"Bearer {token}"}
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    body = client.post("/api/v1/passes/verify", headers=device,
                       json={"qr": p.qr_text, "checkpoint": checkpoint.code, "lane": "2", "scan_id": "s-1"}).json()
    assert body["valid"] is True and body["reason"] is None and body["scan_id"] == "s-1"
    assert body["claims"]["pass"]["pass_no"] == p.pass_no
    scans = {"scans": [{"scan_id": f"off-{i}", "checkpoint": checkpoint.code, "lane": "2",
                        "scanned_at": (FRIDAY - dt.timedelta(minutes=i)).isoformat(), "valid": i != 2,
                        "reason": R.EXPIRED if i == 2 else None, "plate": p.plate_no, "check_ms": 3000}
                       for i in range(1, 4)]}
    first = client.post("/api/v1/checkpoint/scans", headers=device, json=scans).json()
    again = client.post("/api/v1/checkpoint/scans", headers=device, json=scans).json()
    assert (first["accepted"], first["duplicates"]) == (3, 0)
    assert (again["accepted"], again["duplicates"]) == (0, 3)
    figures = client.get(f"/api/v1/checkpoint/figures?checkpoint={checkpoint.code}&day=2022-04-29",
                         headers=device).json()
    assert (figures["total"], figures["released"]) == (4, 3)


def test_the_trust_bundle_is_public_signed_by_the_root_and_lists_revoked_passes(
        client: TestClient, db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    p = apps.approve(db, apps.submit_application(db, agent, application()).id, issuer)
    client.cookies.clear()
    root = read_certificate(client.get("/api/v1/passes/trust-root").content)
    bundle = client.get("/api/v1/passes/trust-bundle")
    assert bundle.headers["content-type"] == "application/cose"
    assert verify(p.qr_text, TrustStore.from_bundle(bundle.content, root), FRIDAY).valid
    apps_revoked = client.get("/api/v1/passes/trust-root").text
    assert "PRIVATE" not in apps_revoked and "PRIVATE" not in bundle.text
    from jiaoguan.passes.issuance.revocation import revoke_pass

    revoke_pass(db, p.pass_no, issuer, "test")
    store = TrustStore.from_bundle(client.get("/api/v1/passes/trust-bundle").content, root)
    assert verify(p.qr_text, store, FRIDAY).reason == R.REVOKED_PASS


def test_the_api_lists_every_problem_of_an_application(client: TestClient, sign_in, agent: Principal) -> None:
    as_user(client, sign_in, agent)
    body = {k: v for k, v in FORM.items() if not k.startswith("crew-")}
    body |= {"crew": [{"name": "张伟", "id_number": "310115198001010010", "phone": "1"}], "vin": "X"}
    response = client.post("/api/v1/passes/applications", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "passes.application_invalid"
    assert {e["field"] for e in problem["errors"]} == {"vin", "crew[0].id_number", "crew[0].phone"}


def test_a_csv_upload_over_the_size_limit_names_the_size_limit(client: TestClient, sign_in,
                                                               agent: Principal) -> None:
    from jiaoguan.passes.applications.csv_batch import MAX_BYTES, template_csv

    as_user(client, sign_in, agent)
    big = template_csv().encode() + b"\n" * MAX_BYTES
    response = client.post("/api/v1/passes/applications/batch", files={"file": ("fleet.csv", big, "text/csv")})
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["code"] == "csv.too_large"
    assert problem["message_en"] == "The file is too large (at most 2 MB)."
    assert problem["message_zh"] == "文件过大（最大 2 MB）。"


def test_an_agent_sees_only_its_own_enterprises_passes(client: TestClient, sign_in, db: Session, agent: Principal,
                                                     issuer: Principal, make_user, keys: None) -> None:
    p = apps.approve(db, apps.submit_application(db, agent, application()).id, issuer)
    other_firm = accounts.enterprise(db, credit_code="91310000MA1K000000", name="别家公司", division="310101",
                                     phone=None)
    as_user(client, sign_in, make_user("enterprise_agent", enterprise_id=other_firm.id, province_code="31"))
    assert client.get(f"/passes/pass/{p.pass_no}/print").status_code == 403
    assert client.get(f"/api/v1/passes/{p.pass_no}").status_code == 403
    as_user(client, sign_in, agent)
    assert client.get(f"/api/v1/passes/{p.pass_no}").json()["qr"] == p.qr_text


def test_nav_offers_the_pass_pages_to_their_roles(client: TestClient, sign_in, agent: Principal, issuer: Principal,
                                                  officer: Principal) -> None:
    for user, path in ((agent, "/passes/mine"), (issuer, "/passes/review"), (officer, "/checkpoint/verify")):
        as_user(client, sign_in, user)
        assert re.search(f'href="{path}"', client.get("/").text), path
