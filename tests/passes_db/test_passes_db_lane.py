"""The scanner's lane (passes/lane.py): a request with a device token is answered ahead of the API routers, and
answers exactly as the documented route does — the same body, the same refusals, the same problems."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import ApiToken
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import issue_api_token
from jiaoguan.passes import lane
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.issuance.revocation import compromise_key
from jiaoguan.passes.models import CheckpointScan, PassSigningKey
from jiaoguan.passes.qr import reasons as R
from tests.factories.passes import application

PATH = "/api/v1/passes/verify"


@pytest.fixture()
def approved(db: Session, agent: Principal, issuer: Principal, keys: None):  # type: ignore[no-untyped-def]
    return apps.approve(db, apps.submit_application(db, agent, application()).id, issuer)


def _device(client: TestClient, token: str) -> dict[str, str]:
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    return {"Authorization": f"Bearer {token}"}


def test_only_a_request_with_a_device_token_is_claimed_by_the_lane(client: TestClient) -> None:
    route = next(r for r in client.app.router.routes if isinstance(r, lane.DeviceTokenRoute))  # type: ignore[attr-defined]
    scope = {"type": "http", "path": PATH, "method": "POST", "headers": [(b"authorization", b"Bearer jgt_x")]}
    assert route.matches(scope)[0].name == "FULL"
    assert route.matches({**scope, "headers": [(b"cookie", b"jg_session=x")]})[0].name == "NONE"
    assert route.matches({**scope, "path": PATH + "/x"})[0].name == "NONE"


def test_the_lane_answers_as_the_session_route_does_and_logs_the_scan_for_its_officer(
        client: TestClient, sign_in, db: Session, officer: Principal, checkpoint, approved) -> None:
    body = {"qr": approved.qr_text, "checkpoint": checkpoint.code, "lane": "3"}
    token = issue_api_token(db, officer, "lane 3 scanner")
    by_device = client.post(PATH, headers=_device(client, token), json={**body, "scan_id": "dev-1"})
    client.cookies.set("jg_csrf", "test-csrf-token")
    client.headers["X-CSRF-Token"] = "test-csrf-token"   # a browser session's call needs its CSRF token
    sign_in(client, officer)
    by_session = client.post(PATH, json={**body, "scan_id": "web-1"})
    assert by_device.status_code == by_session.status_code == 200
    one, other = by_device.json(), by_session.json()
    for answer in (one, other):
        answer.pop("scan_id"), answer.pop("check_ms", None), answer.pop("scanned_at", None)
    assert one == other and one["valid"] is True
    assert "set-cookie" not in by_device.headers   # a device keeps no cookies: no CSRF cookie is made for it
    scans = {s.scan_uid: s for s in db.scalars(select(CheckpointScan).where(
        CheckpointScan.scan_uid.in_(["dev-1", "web-1"])))}
    assert {s.officer_user_id for s in scans.values()} == {officer.id}
    assert scans["dev-1"].lane == "3"


def test_the_lane_refuses_other_roles_revoked_and_unknown_tokens_as_problems(
        client: TestClient, db: Session, officer: Principal, issuer: Principal, checkpoint, approved) -> None:
    body = {"qr": approved.qr_text, "checkpoint": checkpoint.code}
    issuer_token = issue_api_token(db, issuer, "issuer's laptop")
    refused = client.post(PATH, headers=_device(client, issuer_token), json=body)
    assert refused.status_code == 403, (issuer.role, refused.text)
    assert refused.headers["content-type"].startswith("application/problem+json")
    unknown = client.post(PATH, headers=_device(client, "jgt_not-a-token"), json=body)
    assert (unknown.status_code, unknown.json()["code"]) == (401, "accounts.bad_token")
    token = issue_api_token(db, officer, "lost scanner")
    db.execute(update(ApiToken).where(ApiToken.user_id == officer.id).values(revoked=True))
    assert client.post(PATH, headers=_device(client, token), json=body).status_code == 401
    assert db.scalar(select(CheckpointScan.id).where(CheckpointScan.officer_user_id == issuer.id)) is None


def test_bad_input_to_the_lane_is_a_validation_problem_naming_the_field(
        client: TestClient, db: Session, officer: Principal, checkpoint, approved) -> None:
    device = _device(client, issue_api_token(db, officer, "lane 1 scanner"))
    missing = client.post(PATH, headers=device, json={"checkpoint": checkpoint.code})
    assert missing.status_code == 422
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (missing.json()["code"], missing.json()["field"]) == ("web.validation_failed", "qr")
    not_json = client.post(PATH, headers={**device, "content-type": "application/json"}, content=b"{not json")
    assert (not_json.status_code, not_json.json()["code"]) == (422, "web.validation_failed")
    elsewhere = client.post(PATH, headers=device, json={"qr": approved.qr_text, "checkpoint": "NO-SUCH"})
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "passes.no_such_checkpoint")


def test_a_key_compromised_after_a_scan_refuses_its_old_qr_at_the_next_scan(
        client: TestClient, db: Session, officer: Principal, checkpoint, approved) -> None:
    """The lane reads the signing keys' stamp with the checkpoint: a cached trust store never outlives a revocation."""
    device = _device(client, issue_api_token(db, officer, "lane 4 scanner"))
    old_qr = approved.qr_text
    body = {"qr": old_qr, "checkpoint": checkpoint.code}
    assert client.post(PATH, headers=device, json=body).json()["valid"] is True
    compromise_key(db, keystore.current_signing_key(db, "31").kid, "private key leaked", reissue=False)
    again = client.post(PATH, headers=device, json=body).json()
    assert (again["valid"], again["reason"]) == (False, R.REVOKED_KEY)


def test_the_signers_stamp_read_as_text_is_the_stamp_read_as_rows(db: Session, keys: None) -> None:
    text = db.scalar(select(keystore.SIGNER_STAMP_TEXT))
    rows = tuple(sorted((k, s) for k, s in db.execute(select(PassSigningKey.kid, PassSigningKey.status)
                                                      .where(PassSigningKey.kind == "signing"))))
    assert keystore.stamp_of(text) == rows and len(rows) >= 2
    assert keystore.stamp_of(None) == ()


def test_the_lane_reads_token_and_checkpoint_together_and_refuses_in_the_routes_order(
        client: TestClient, db: Session, make_user, officer: Principal, issuer: Principal, checkpoint,
        approved) -> None:
    """One statement reads the token's user and the checkpoint: who asks is refused before where they ask about
    (401, then 403 for the role, then 404 for no checkpoint, then 403 for another province's), as the route does.
    (A refusal rolls the test's own transaction back too: each request gets a token issued just before it.)"""
    qr = approved.qr_text
    device = _device(client, issue_api_token(db, officer, "lane 2 scanner"))
    padded = client.post(PATH, headers=device, json={"qr": qr, "checkpoint": f" {checkpoint.code} "})
    assert padded.status_code == 200 and padded.json()["valid"] is True
    nowhere = {"qr": qr, "checkpoint": "NO-SUCH"}
    unknown = client.post(PATH, headers=_device(client, "jgt_not-a-token"), json=nowhere)
    assert (unknown.status_code, unknown.json()["code"]) == (401, "accounts.bad_token")
    not_an_officer = client.post(PATH, headers=_device(client, issue_api_token(db, issuer, "laptop")), json=nowhere)
    assert not_an_officer.status_code == 403
    for code in ("NO-SUCH", " ", "BJ\x00G4"):
        device = _device(client, issue_api_token(db, officer, "lane 2 scanner"))
        missing = client.post(PATH, headers=device, json={"qr": qr, "checkpoint": code})
        assert (missing.status_code, missing.json()["code"]) == (404, "passes.no_such_checkpoint"), code
    shanghai = make_user(Role.checkpoint_officer, province_code="31")
    other = client.post(PATH, headers=_device(client, issue_api_token(db, shanghai, "Shanghai scanner")),
                        json={"qr": qr, "checkpoint": checkpoint.code})
    assert (other.status_code, other.json()["code"]) == (403, "passes.checkpoint_other_province")
