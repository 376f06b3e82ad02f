"""Checkpoints verify offline (issue #4): the officer's page keeps the trust snapshot, and with the network
gone a genuine pass is green, an altered one and a revoked one grey, with the reasons qr/verify.py gives —
also for crafted QRs at the decoder's limits and for passes signed with another province's key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import urllib.request
import zlib
from typing import Any

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiaoguan.passes.checkpoint.offline import snapshot_json
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.b45 import ALPHABET, b45decode, b45encode
from jiaoguan.passes.qr.codec import PREFIX, CrewMember, PassClaims, PassContent, decompress, wrap
from jiaoguan.passes.qr.cose import parse_sign1, raw_es256_signature, sig_structure, sign1
from jiaoguan.passes.qr.keys import (
    PASS_SIGNING_EKU,
    KeyPair,
    create_national_root,
    issue_signing_certificate,
    read_certificate,
)
from jiaoguan.passes.qr.trust import TrustStore, build_trust_bundle, pass_revocation_hash
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
    page.wait_for_function("() => (localStorage.getItem('jiaoguan.offlineScans') || '[]') === '[]'")
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


# --- crafted input and province-bound keys: the browser gives the reasons Python gives ---------------

JS_VERIFY_WITH = """async ([qrs, snapshot, now]) => {
  const out = [];
  for (const qr of qrs) { const r = await JiaoguanOffline.verify(qr, snapshot, {now: now}); out.push(r.reason); }
  return out;
}"""


def _signed(payload: bytes, pair: KeyPair, unprotected: bytes = b"\xa0") -> bytes:
    protected = cbor2.dumps({1: -7, 4: pair.kid})
    der = pair.private_key.sign(sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
    return (b"\xd2\x84" + _bstr(protected) + unprotected + _bstr(payload) + _bstr(raw_es256_signature(der)))


def _bstr(data: bytes) -> bytes:
    return cbor2.dumps(data)


def _legacy_certificate(root: KeyPair, subject_province: str | None) -> tuple[Any, x509.Certificate]:
    """A signing certificate without the province extension (made before it existed), or with no province."""
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.NameAttribute(NameOID.COMMON_NAME, "legacy signer")]
    if subject_province:
        names.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, subject_province))
    cert = (x509.CertificateBuilder().subject_name(x509.Name(names)).issuer_name(root.certificate.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(root.certificate.not_valid_before_utc)
            .not_valid_after(root.certificate.not_valid_after_utc)
            .add_extension(x509.ExtendedKeyUsage([PASS_SIGNING_EKU]), critical=False)
            .sign(root.private_key, hashes.SHA256()))
    return key, cert


def _crafted_qrs() -> tuple[list[str], TrustStore, float]:
    """Passes of two provinces' keys, forgeries across provinces, and QRs at and past every decoder limit."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    root = create_national_root(now=now - dt.timedelta(days=30))
    guangdong = issue_signing_certificate(root, "44", now=now - dt.timedelta(days=1))
    shanghai = issue_signing_certificate(root, "310000", now=now - dt.timedelta(days=1))
    legacy_key, legacy_cert = _legacy_certificate(root, "44")
    bare_key, bare_cert = _legacy_certificate(root, None)
    store = TrustStore.from_bundle(build_trust_bundle(
        [guangdong.certificate, shanghai.certificate, legacy_cert, bare_cert], root, issued_at=now), root.certificate)
    legacy = KeyPair(legacy_key, legacy_cert)  # type: ignore[arg-type]
    bare = KeyPair(bare_key, bare_cert)  # type: ignore[arg-type]

    content = PassContent("440300000001", "粤B12345", "yellow", "440305", "310115", "medical",
                          (CrewMember.masked("张三丰", "110105199001011234"),), 1)
    start = now - dt.timedelta(hours=1)

    def claims(issuer: str, pass_no: str) -> PassClaims:
        return PassClaims(issuer, start, start, start + dt.timedelta(days=5),
                          dataclasses.replace(content, pass_no=pass_no))

    def signed_pass(pair: KeyPair, issuer: str, pass_no: str) -> str:
        return wrap(_signed(cbor2.dumps(claims(issuer, pass_no).to_cwt()), pair))

    genuine_cwt = claims("440000", "440300000001").to_cwt()
    body = cbor2.dumps(genuine_cwt)

    def with_claim(extra: bytes) -> bytes:  # the genuine claims plus one crafted entry (key 99)
        return bytes([0xA0 | (len(genuine_cwt) + 1)]) + body[1:] + b"\x18\x63" + extra

    def in_header(value: bytes) -> str:  # a crafted value in the unprotected header of a genuine pass
        return wrap(_signed(body, guangdong, b"\xa1\x18\x63" + value))

    qrs = [
        signed_pass(guangdong, "440000", "440300000001"),  # valid
        signed_pass(shanghai, "310000", "310115000001"),  # valid
        signed_pass(legacy, "440000", "440300000002"),  # valid: a certificate from before the extension
        signed_pass(guangdong, "310000", "310115000001"),  # wrong_province: a Shanghai pass, Guangdong's key
        signed_pass(guangdong, "310000", "440300000001"),  # wrong_province
        signed_pass(guangdong, "440000", "310115000001"),  # wrong_province
        signed_pass(shanghai, "440000", "440300000001"),  # wrong_province
        signed_pass(guangdong, "\ufeff440000", "440300000001"),  # wrong_province: a BOM is not a province
        signed_pass(bare, "440000", "440300000001"),  # key_not_allowed: bound to no province
        in_header(b"\x81" * 13 + b"\x00"),  # valid: the integer is 16 deep (tag, array, header map, 13 arrays)
        in_header(b"\x81" * 14 + b"\x00"),  # cbor_too_deep: 17
        in_header(cbor2.dumps(list(range(256)))),  # valid
        in_header(cbor2.dumps(list(range(257)))),  # cbor_too_long
        in_header(b"\x9f" + b"\x00" * 257 + b"\xff"),  # cbor_too_long
        in_header(cbor2.dumps(2**64)),  # cbor_int_too_large
        in_header(cbor2.dumps(cbor2.CBORTag(1, 0))),  # cbor_tag_not_allowed
        in_header(b"\x1b" + b"\xff" * 8),  # valid: a 64-bit integer
        in_header(b"\xa1\x81\x00\x00"),  # bad_cose: an array as a map key
        wrap(_signed(with_claim(cbor2.dumps("字" * 1365)), guangdong)),  # valid: 4,095 bytes
        wrap(_signed(with_claim(cbor2.dumps("字" * 1366)), guangdong)),  # cbor_too_long
        wrap(_signed(with_claim(b"\x81" * 290 + b"\x00"), guangdong)),  # cbor_too_deep, signed
        wrap(_signed(with_claim(cbor2.dumps(math.nan)), guangdong)),  # valid: a NaN in an unknown claim
        wrap(_signed(with_claim(b"\x7f\x61a\x61b\xff"), guangdong)),  # valid: an indefinite text
        wrap(_signed(with_claim(b"\x5f\x61a\xff"), guangdong)),  # bad_cose: a text chunk in bytes
        wrap(_signed(with_claim(b"\x62\xc3\x28"), guangdong)),  # bad_cose: not UTF-8
        wrap(cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -7, 4: guangdong.kid}), {}, with_claim(
            b"\x81" * 290 + b"\x00"), bytes(64)]))),  # bad_signature: rewrapped, claims unreadable
        wrap(cbor2.dumps(cbor2.CBORTag(98, [b"", {}, b"", b""]))),  # cbor_tag_not_allowed
        wrap(cbor2.dumps(cbor2.CBORTag(61, cbor2.CBORTag(18, [b"", {}, b"", b""])))),  # bad_cose: no algorithm
        wrap(cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -7, 3: "x" * 4097}), {}, b"", b""]))),  # too long
        PREFIX + b45encode(zlib.compress(b"\x00" * 65_537, 9)),  # payload_too_large
        PREFIX + b45encode(zlib.compress(b"\x00" * 65_536, 9)),  # exactly the cap: bad_cose, not too large
        PREFIX + "0" * 4293,  # payload_too_large: longer than any QR code
        PREFIX + "字" * 4293,  # payload_too_large before Base45
    ]
    return qrs, store, now.timestamp()


def test_the_browser_refuses_crafted_and_cross_province_passes_for_the_reasons_python_gives(
        page: Any, live_server: str) -> None:
    _open_verify_page(page)
    qrs, store, now = _crafted_qrs()
    expected = [_python_reason(q, store, now) for q in qrs]
    assert expected.count(R.WRONG_PROVINCE) == 5 and expected.count(None) == 9, expected
    assert {R.CBOR_TOO_DEEP, R.CBOR_TOO_LONG, R.CBOR_INT_TOO_LARGE, R.CBOR_TAG_NOT_ALLOWED,
            R.PAYLOAD_TOO_LARGE} <= set(expected)
    snapshot = snapshot_json(store)
    assert page.evaluate(JS_VERIFY_WITH, [qrs, snapshot, now]) == expected
