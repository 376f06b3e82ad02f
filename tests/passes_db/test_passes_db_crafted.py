"""Crafted QR codes at a checkpoint (issue #10, item 8): never a 500, and every scan is logged.

Each QR below is what a forger can make from a genuine pass without its key — the claims nested ~290
deep, a NaN, a number far too long, a NUL in the plate, a zip bomb — or with Guangdong's key, a pass
claiming Shanghai. They go through the scanner API and the officer's page, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import zlib
from collections.abc import Callable
from typing import Any

import cbor2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.models import Checkpoint, CheckpointScan
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.b45 import b45decode, b45encode
from jiaoguan.passes.qr.codec import PASS_CLAIM, PREFIX, PassClaims, PassContent, issue_qr, wrap
from jiaoguan.passes.qr.cose import CoseSign1, parse_sign1
from jiaoguan.passes.qr.verify import verify
from tests.factories.passes import FRIDAY, application


def _genuine(db: Session, agent: Principal, issuer: Principal) -> str:
    return apps.approve(db, apps.submit_application(db, agent, application()).id, issuer).qr_text


def _message(qr: str) -> CoseSign1:
    return parse_sign1(zlib.decompress(b45decode(qr[len(PREFIX):])))


def _rewrapped(qr: str, change: Callable[[dict[Any, Any]], bytes]) -> str:
    """The genuine message with its claims changed and its signature kept (so: not authentic)."""
    message = _message(qr)
    payload = change(cbor2.loads(message.payload))
    return wrap(cbor2.dumps(cbor2.CBORTag(18, [message.protected_bytes, {}, payload, message.signature])))


def _nested(cwt: dict[Any, Any]) -> bytes:
    body = cbor2.dumps(cwt)
    return bytes([0xA0 | (len(cwt) + 1)]) + body[1:] + cbor2.dumps(99) + b"\x81" * 290 + b"\x00"


def _content(cwt: dict[Any, Any], **changes: object) -> bytes:
    cwt[PASS_CLAIM].update(changes)
    return cbor2.dumps(cwt)


CRAFTED = {
    "nested 290 deep": (lambda qr: _rewrapped(qr, _nested), R.BAD_SIGNATURE),
    "a NaN claim": (lambda qr: _rewrapped(qr, lambda c: cbor2.dumps({**c, 99: math.nan})), R.BAD_SIGNATURE),
    "a long number and a NUL": (lambda qr: _rewrapped(qr, lambda c: _content(c, no="3" * 5000, pl="沪\x00D1")),
                                R.BAD_SIGNATURE),
    "a zip bomb": (lambda qr: PREFIX + b45encode(zlib.compress(b"\x00" * 1_000_000, 9)), R.PAYLOAD_TOO_LARGE),
    "a bignum header": (lambda qr: wrap(cbor2.dumps(cbor2.CBORTag(18, [b"", {4: 2**70}, b"", b""]))),
                        R.CBOR_INT_TOO_LARGE),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_qr_gets_a_verdict_from_the_api_and_its_scan_is_logged(
    client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, officer: Principal,
    checkpoint: Checkpoint,
    keys: None, name: str,
) -> None:
    make, reason = CRAFTED[name]
    qr = make(_genuine(db, agent, issuer))
    sign_in(client, officer)
    response = client.post("/api/v1/passes/verify", json={"qr": qr, "checkpoint": checkpoint.code, "lane": "\x001",
                                                          "plate": "沪\x00", "scan_id": f"crafted-{name}"})
    assert response.status_code == 200, response.text
    assert (response.json()["valid"], response.json()["reason"]) == (False, reason)
    scan = db.execute(select(CheckpointScan).where(CheckpointScan.scan_uid == f"crafted-{name}")).scalar_one()
    assert (scan.valid, scan.reason, scan.lane) == (False, reason, "1")
    assert scan.pass_no is None or len(scan.pass_no) <= 12
    assert scan.plate_no is None or "\x00" not in scan.plate_no


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_qr_gets_a_grey_screen_on_the_officers_page_and_is_logged(
    client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, officer: Principal,
    checkpoint: Checkpoint,
    keys: None, name: str,
) -> None:
    make, reason = CRAFTED[name]
    qr = make(_genuine(db, agent, issuer))
    sign_in(client, officer)
    before = db.execute(select(CheckpointScan.id)).all()
    response = client.post("/checkpoint/verify", data={"qr": qr, "checkpoint": checkpoint.code, "lane": "2",
                                                       "csrf_token": "test-csrf-token"})
    assert response.status_code == 200
    assert f'data-reason="{reason}"' in response.text
    assert len(db.execute(select(CheckpointScan.id)).all()) == len(before) + 1


def test_guangdongs_key_cannot_make_a_shanghai_pass_and_the_attempt_is_logged(
    client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, officer: Principal,
    checkpoint: Checkpoint,
    keys: None,
) -> None:
    keystore.init_keys(db, ["44"])
    guangdong = keystore.key_pair(keystore.current_signing_key(db, "44"))
    genuine = _genuine(db, agent, issuer)  # a Shanghai pass
    content = PassContent.from_cbor(cbor2.loads(_message(genuine).payload)[PASS_CLAIM])
    start = FRIDAY - dt.timedelta(hours=1)
    claims = PassClaims("310000", start, start, start + dt.timedelta(days=3),
                        dataclasses.replace(content, pass_no="310000999998"))
    forged = issue_qr(claims, guangdong.private_key, guangdong.kid)
    assert verify(forged, keystore.server_trust_store(db), FRIDAY).reason == R.WRONG_PROVINCE
    sign_in(client, officer)
    body = client.post("/api/v1/passes/verify", json={"qr": forged, "checkpoint": checkpoint.code}).json()
    assert (body["valid"], body["reason"], body["authentic"]) == (False, R.WRONG_PROVINCE, True)
    assert db.execute(select(CheckpointScan.reason).where(CheckpointScan.scan_uid == body["scan_id"])
                      ).scalar_one() == R.WRONG_PROVINCE
