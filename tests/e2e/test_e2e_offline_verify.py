"""Checkpoints verify offline (issue #4): the officer's page keeps the trust snapshot, and with the network
gone a genuine pass is green, an altered one and a revoked one grey, with the reasons verify.py gives."""

from __future__ import annotations

import datetime as dt
import random
import urllib.request
import zlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.b45 import ALPHABET, b45decode, b45encode
from jiaoguan.passes.qr.codec import PREFIX, decompress, wrap
from jiaoguan.passes.qr.cose import parse_sign1, sign1
from jiaoguan.passes.qr.keys import read_certificate
from jiaoguan.passes.qr.trust import TrustStore, pass_revocation_hash
from jiaoguan.passes.qr.verify import verify
from tests.e2e.conftest import assert_accessible, screenshot, sign_in

JS_VERIFY = """async ([qrs, now, issuedAt]) => {
  const snapshot = JSON.parse(localStorage.getItem("jiaoguan.offlineTrust"));
  snapshot.issued_at = issuedAt;
  const out = [];
  for (const qr of qrs) { const r = await JiaoguanOffline.verify(qr, snapshot, {now: now}); out.push(r.reason); }
  return out;
}"""


def _agent_passes(page: Any) -> list[dict[str, Any]]:
    sign_in(page, "agent")
    apps = page.request.get("/api/v1/passes/applications").json()
    return [page.request.get(f"/api/v1/passes/{a['pass_no']}").json() for a in apps if a["pass_no"]]


def _active_passes(page: Any) -> list[dict[str, Any]]:
    return [p for p in _agent_passes(page) if p["status"] == "active"]


def _revoke(page: Any, pass_no: str) -> None:
    sign_in(page, "issuer")
    page.goto(f"/passes/issued?q={pass_no}")
    form = page.locator(f"tr[data-pass='{pass_no}'] form.revoke-form")
    form.locator("input[name='reason']").fill("车辆已不再承运重点物资")
    form.locator("button").click()
    page.wait_for_selector("#issued-notice")


def _server_store(base: str) -> TrustStore:
    with urllib.request.urlopen(base + "/api/v1/passes/trust-root") as r:
        root = read_certificate(r.read())
    with urllib.request.urlopen(base + "/api/v1/passes/trust-bundle") as r:
        return TrustStore.from_bundle(r.read(), root)


def _python_reason(qr: str, store: TrustStore, now: float) -> str | None:
    return verify(qr, store, dt.datetime.fromtimestamp(now, dt.UTC)).reason


def _open_verify_page(page: Any) -> None:
    sign_in(page, "officer")
    page.goto("/checkpoint/verify")
    page.wait_for_selector("#offline-status[data-issued-at]")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def _check(page: Any, qr: str, plate: str = "") -> Any:
    page.fill("#qr", qr)
    page.fill("input[name='plate']", plate)
    page.click("#verify-button")
    page.wait_for_selector("#verdict")
    return page.locator("#verdict")


def _next_vehicle(page: Any) -> None:
    page.click("#next-vehicle")
    page.wait_for_selector("#qr", state="visible")


def _altered(qr: str, store: TrustStore) -> str:
    """A Base45 character changed in the middle, chosen so that the text still decodes (a forger's edit)."""
    body = qr[len(PREFIX):]
    now = dt.datetime.now(dt.UTC)
    for offset in range(len(body) // 2, len(body)):
        for ch in ALPHABET:
            if ch == body[offset]:
                continue
            candidate = PREFIX + body[:offset] + ch + body[offset + 1:]
            if verify(candidate, store, now).reason in (R.BAD_SIGNATURE, R.BAD_COMPRESSION):
                return candidate
    raise AssertionError("no decodable alteration found")


def test_with_no_network_a_genuine_pass_is_green_and_altered_or_revoked_ones_are_grey(
        page: Any, live_server: str) -> None:
    passes = _active_passes(page)
    assert len(passes) >= 2, passes
    genuine, revoked = passes[0], passes[1]
    _revoke(page, revoked["pass_no"])

    _open_verify_page(page)
    snapshot = page.evaluate("JSON.parse(localStorage.getItem('jiaoguan.offlineTrust'))")
    assert pass_revocation_hash(revoked["pass_no"]).hex() in snapshot["revoked_pass_hashes"]
    assert_accessible(page)
    store = _server_store(live_server)

    page.context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    verdict = _check(page, genuine["qr"])
    assert verdict.get_attribute("data-result") == "valid"
    assert verdict.get_attribute("data-offline") == "true"
    assert genuine["plate_no"] in page.inner_text("#verdict-plate")
    assert "离线核验" in page.inner_text("#offline-note")
    assert page.inner_text("#reason-en") == R.reason_texts(None)[1]
    assert_accessible(page)
    screenshot(page, "passes-offline-verify-green")

    _next_vehicle(page)
    verdict = _check(page, _altered(genuine["qr"], store))
    assert verdict.get_attribute("data-result") == "invalid"
    assert verdict.get_attribute("data-reason") in (R.BAD_SIGNATURE, R.BAD_COMPRESSION)
    screenshot(page, "passes-offline-verify-altered")

    _next_vehicle(page)
    verdict = _check(page, revoked["qr"])
    assert verdict.get_attribute("data-reason") == R.REVOKED_PASS
    assert page.inner_text("#reason-zh") == R.reason_texts(R.REVOKED_PASS)[0]
    assert_accessible(page)
    screenshot(page, "passes-offline-verify-revoked")

    _next_vehicle(page)
    verdict = _check(page, genuine["qr"], plate="沪Z99999")
    assert verdict.get_attribute("data-reason") == R.PLATE_MISMATCH

    # The page itself opens with no network, from the service worker's cache.
    page.goto("/checkpoint/verify")
    verdict = _check(page, genuine["qr"])
    assert verdict.get_attribute("data-result") == "valid"

    # Back online: the scans made offline reach the checkpoint log, and checks go to the server again.
    page.context.set_offline(False)
    page.goto("/checkpoint/verify")
    page.wait_for_function("(localStorage.getItem('jiaoguan.offlineScans') || '[]') === '[]'")
    verdict = _check(page, genuine["qr"])
    assert verdict.get_attribute("data-result") == "valid"
    assert verdict.get_attribute("data-offline") is None


def test_a_server_that_cannot_be_reached_falls_back_to_the_offline_check(page: Any, live_server: str) -> None:
    genuine = _active_passes(page)[0]
    _open_verify_page(page)

    def refuse_posts(route: Any) -> None:
        if route.request.method == "POST":
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.context.route("**/checkpoint/verify", refuse_posts)
    verdict = _check(page, genuine["qr"])
    assert verdict.get_attribute("data-result") == "valid"
    assert verdict.get_attribute("data-offline") == "true"
    page.context.unroute("**/checkpoint/verify")


def _variants(qr: str, seed: int) -> list[str]:
    """Damaged, altered and forged versions of a genuine QR: every early step of the checklist gets hit."""
    rnd = random.Random(seed)
    body = qr[len(PREFIX):]
    out = [qr, "HC1:" + body, PREFIX + body[:-1], PREFIX + body.lower(), PREFIX + body + "~"]
    for _ in range(12):
        i = rnd.randrange(len(body))
        out.append(PREFIX + body[:i] + rnd.choice(ALPHABET) + body[i + 1:])
    raw = decompress(b45decode(body))
    for _ in range(6):
        i = rnd.randrange(len(raw))
        flipped = raw[:i] + bytes([raw[i] ^ (1 << rnd.randrange(8))]) + raw[i + 1:]
        out.append(wrap(flipped))
    out.append(wrap(raw + b"\x00"))
    out.append(PREFIX + b45encode(zlib.compress(raw)[:-3]))  # truncated stream
    message = parse_sign1(raw)
    stranger = ec.generate_private_key(ec.SECP256R1())
    out.append(wrap(sign1(message.payload, stranger, bytes.fromhex("0011223344556677"))))  # unknown kid
    out.append(wrap(sign1(message.payload, stranger, message.kid)))  # forged with the real kid
    return out


@pytest.mark.parametrize("shift", ["now", "early", "late", "stale"])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_the_browser_verifier_gives_the_same_reason_as_verify_py(
        page: Any, live_server: str, shift: str, seed: int) -> None:
    if page.url == "about:blank":  # hypothesis reuses the page of the first example
        every = [p["qr"] for p in _agent_passes(page)]
        _open_verify_page(page)
        page.evaluate("qrs => { window.__passes = qrs; }", every)
    every = page.evaluate("window.__passes")
    genuine = every[0]
    store = _server_store(live_server)
    snapshot = page.evaluate("JSON.parse(localStorage.getItem('jiaoguan.offlineTrust'))")
    claims = verify(genuine, store, None).claims or {}
    wall = dt.datetime.now(dt.UTC).timestamp()
    # (the instant of the check, when the trust data was issued): fresh trust except in "stale"
    now, issued_at = {"now": (wall, snapshot["issued_at"]), "early": (claims["nbf"] - 3600.5, claims["nbf"] - 7200),
                      "late": (claims["exp"] + 0.5, claims["exp"] - 3600),
                      "stale": (snapshot["issued_at"] + snapshot["max_age_seconds"] + 60, snapshot["issued_at"])}[shift]
    store.issued_at = dt.datetime.fromtimestamp(issued_at, dt.UTC)
    store.max_age = dt.timedelta(seconds=snapshot["max_age_seconds"])
    qrs = every + _variants(genuine, seed)  # every pass of the demo haulier, revoked ones too
    expected = [_python_reason(q, store, now) for q in qrs]
    assert page.evaluate(JS_VERIFY, [qrs, now, issued_at]) == expected
