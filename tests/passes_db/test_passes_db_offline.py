"""The offline trust snapshot: who may fetch it, and that it says what the keystore and the trust bundle say."""

from __future__ import annotations

import base64
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.checkpoint.offline import reason_texts_json
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.issuance.revocation import revoke_pass
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.codec import PREFIX
from jiaoguan.passes.qr.keys import PASS_SIGNING_EKU, extended_key_usages
from jiaoguan.passes.qr.trust import pass_revocation_hash
from jiaoguan.passes.qr.verify import CLOCK_SKEW
from tests.factories.passes import FRIDAY, application

SNAPSHOT = "/api/v1/passes/offline-trust"


def as_user(client: TestClient, sign_in, user: Principal) -> TestClient:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


def test_the_snapshot_lists_every_signing_key_of_the_keystore_with_its_public_key(
        client: TestClient, sign_in, db: Session, officer: Principal, keys: None) -> None:
    as_user(client, sign_in, officer)
    response = client.get(SNAPSHOT)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    snapshot = response.json()
    rows = keystore.signing_rows(db, FRIDAY)
    assert [s["kid"] for s in snapshot["signers"]] == sorted(r.kid for r in rows)
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    for signer in snapshot["signers"]:
        cert = keystore.certificate(keystore.find_key(db, signer["kid"]))
        spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        assert base64.b64decode(signer["spki"]) == spki
        assert signer["not_before"] == int(cert.not_valid_before_utc.timestamp())
        assert signer["not_after"] == int(cert.not_valid_after_utc.timestamp())
        assert signer["may_sign_passes"] is (PASS_SIGNING_EKU.dotted_string in extended_key_usages(cert))
    assert snapshot["issued_at"] == int(FRIDAY.timestamp())
    assert snapshot["max_age_seconds"] == 24 * 3600
    assert snapshot["prefix"] == PREFIX and snapshot["algorithms"] == [-7]
    assert snapshot["clock_skew_seconds"] == CLOCK_SKEW.total_seconds()
    assert snapshot["revoked_kids"] == [] and snapshot["revoked_pass_hashes"] == []
    assert "PRIVATE" not in response.text


def test_a_revoked_pass_appears_as_its_revocation_hash_and_max_age_follows_the_query(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, officer: Principal,
        keys: None) -> None:
    p = apps.approve(db, apps.submit_application(db, agent, application()).id, issuer)
    revoke_pass(db, p.pass_no, issuer, "货物不符")
    as_user(client, sign_in, officer)
    snapshot = client.get(SNAPSHOT, params={"max_age_hours": 6}).json()
    assert snapshot["revoked_pass_hashes"] == [pass_revocation_hash(p.pass_no).hex()]
    assert snapshot["max_age_seconds"] == 6 * 3600
    assert client.get(SNAPSHOT, params={"max_age_hours": 0}).status_code == 422


def test_a_revoked_signing_key_is_listed_as_revoked_and_still_described(
        client: TestClient, sign_in, db: Session, officer: Principal, keys: None) -> None:
    row = keystore.current_signing_key(db, "31")
    row.status = "revoked"
    db.flush()
    as_user(client, sign_in, officer)
    snapshot = client.get(SNAPSHOT).json()
    assert snapshot["revoked_kids"] == [row.kid]
    assert row.kid in {s["kid"] for s in snapshot["signers"]}


def test_only_checkpoint_officers_supervisors_and_admins_may_fetch_the_snapshot(
        client: TestClient, sign_in, db: Session, make_user, agent: Principal, keys: None) -> None:
    db.commit()  # a savepoint release: the refused requests roll back, the keys must stay
    client.cookies.clear()
    assert client.get(SNAPSHOT).status_code == 401
    as_user(client, sign_in, agent)
    assert client.get(SNAPSHOT).status_code == 403
    for role in (Role.supervisor, Role.admin):
        as_user(client, sign_in, make_user(role))
        got = client.get(SNAPSHOT)
        assert got.status_code == 200, got.text


def test_the_verify_page_embeds_the_reason_texts_of_reasons_py_and_loads_the_offline_verifier(
        client: TestClient, sign_in, officer: Principal, checkpoint, keys: None) -> None:
    as_user(client, sign_in, officer)
    html = client.get("/checkpoint/verify").text
    found = re.search(r'<script type="application/json" id="offline-data">(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["reasons"] == reason_texts_json()
    assert set(data["reasons"]) == {*R.REASONS, "valid"}
    assert data["reasons"][R.REVOKED_PASS] == list(R.reason_texts(R.REVOKED_PASS))
    assert "{time}" in data["texts"]["note"]
    assert '<script src="/checkpoint/offline-verify.js" defer></script>' in html


def test_the_service_worker_and_the_verifier_scripts_are_served_as_javascript_to_anyone(client: TestClient) -> None:
    client.cookies.clear()
    worker = client.get("/checkpoint/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["service-worker-allowed"] == "/checkpoint/"
    assert "caches.open" in worker.text
    verifier = client.get("/checkpoint/offline-verify.js")
    assert verifier.status_code == 200 and "DecompressionStream" in verifier.text
    for code in R.REASONS:
        if code != R.ROUTE_MISMATCH:  # the page asks for no route, as the online page does not
            assert f'"{code}"' in verifier.text, code
