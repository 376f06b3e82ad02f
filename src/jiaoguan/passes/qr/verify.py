"""Offline verification of a pass QR: one pure core for the CLI, the officer's page and the scanner API.

A checklist: each step either passes (its name is added to `Verdict.checks`) or ends the check with a
stable reason code and one log event ``pass.verify.<reason>``. The order puts the cheap structural
checks first, then the signature (the only expensive step), then what only an authentic pass can be
judged on. Everything per signer (public key, usages, validity) was parsed when the TrustStore was
built, so a scan costs one Base45 decode, one inflate, three small CBOR decodes and one signature check.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jiaoguan.passes.qr import cbor
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.b45 import Base45Error, b45decode
from jiaoguan.passes.qr.codec import (
    CWT_EXP,
    CWT_IAT,
    CWT_ISS,
    CWT_NBF,
    MAX_QR_CHARS,
    PASS_CLAIM,
    PREFIX,
    DecompressedTooLarge,
    PassContent,
    PassFormatError,
    decompress,
    read_cwt,
)
from jiaoguan.passes.qr.cose import CoseError, parse_sign1, verify_signature
from jiaoguan.passes.qr.trust import Signer, TrustStore, same_province

log = logging.getLogger("jiaoguan.passes.qr.verify")

# Checkpoint devices run offline and their clocks drift; a pass issued minutes ago must not turn grey.
CLOCK_SKEW = dt.timedelta(minutes=5)

CLAIM_NAMES = {1: "iss", 2: "sub", 3: "aud", 4: "exp", 5: "nbf", 6: "iat", 7: "cti", -260: "hcert", PASS_CLAIM: "pass"}
_PLATE_NOISE = str.maketrans("", "", " \t·•-")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Green (`valid`) or grey with a `reason`. `claims` is filled whenever the payload could be read,
    also for a failed signature: show it only as "what the forged pass claims" (see `authentic`)."""

    valid: bool
    reason: str | None
    claims: dict[str, Any] | None = None
    kid: bytes | None = None
    signer: Signer | None = None
    content: PassContent | None = None
    checks: tuple[str, ...] = ()

    @property
    def authentic(self) -> bool:
        return "signature" in self.checks

    def text(self, locale: str | None = None) -> str:
        return R.reason_text(self.reason, locale)

    def texts(self) -> tuple[str, str]:
        return R.reason_texts(self.reason)

    def to_json(self) -> dict[str, Any]:
        zh, en = self.texts()
        return {
            "valid": self.valid,
            "reason": self.reason,
            "message_zh": zh,
            "message_en": en,
            "kid": self.kid.hex() if self.kid else None,
            "authentic": self.authentic,
            "claims": self.claims,
        }


def verify(
    qr: str,
    trust: TrustStore,
    at: dt.datetime | None,
    *,
    expect_plate: str | None = None,
    expect_route: tuple[str | None, str | None] | None = None,
    prefix: str = PREFIX,
    clock_skew: dt.timedelta = CLOCK_SKEW,
) -> Verdict:
    """Verify QR text against `trust` as of `at` (aware datetime); `at=None` skips every time check.

    `expect_route` is (origin, destination) county codes; None in either place means "any".
    """
    if at is not None and at.tzinfo is None:
        raise ValueError("verify() needs an aware datetime")
    checks: list[str] = []

    if not qr.startswith(prefix):
        return _deny(R.BAD_PREFIX, checks)
    checks.append("prefix")

    if len(qr) > MAX_QR_CHARS:
        return _deny(R.PAYLOAD_TOO_LARGE, checks)
    try:
        compressed = b45decode(qr[len(prefix) :])
    except Base45Error:
        return _deny(R.BAD_BASE45, checks)
    checks.append("base45")

    try:
        raw = decompress(compressed)
    except DecompressedTooLarge:
        return _deny(R.PAYLOAD_TOO_LARGE, checks)
    except zlib.error:
        return _deny(R.BAD_COMPRESSION, checks)
    checks.append("compression")

    policy = trust.policy
    try:
        message = parse_sign1(raw)
    except CoseError as exc:
        return _deny(exc.reason or R.BAD_COSE, checks)
    alg, kid = message.alg, message.kid
    if type(alg) is not int or alg not in policy.algorithms or not isinstance(kid, bytes | None):
        return _deny(R.BAD_COSE, checks)
    checks.append("cose")

    if at is not None and trust.is_stale(at):
        return _deny(R.TRUST_STALE, checks, message.payload, kid)
    checks.append("trust_fresh")

    signer = trust.signers.get(kid) if kid is not None else None
    if signer is None:
        return _deny(R.UNKNOWN_KID, checks, message.payload, kid)
    checks.append("kid")

    if not verify_signature(signer.public_key, alg, message.to_be_signed(), message.signature):
        return _deny(R.BAD_SIGNATURE, checks, message.payload, kid, signer)
    checks.append("signature")

    try:
        cwt = read_cwt(message.payload)
        if policy.requires_pass_claim:
            content: PassContent | None = PassContent.from_cbor(cwt.get(PASS_CLAIM))
        else:
            content = _optional_content(cwt)
        if not policy.claims_ok(cwt):
            raise PassFormatError(f"claims do not fit the {policy.name} profile")
    except PassFormatError as exc:
        return _deny(exc.reason or R.BAD_COSE, checks, None, kid, signer)
    claims = _claims_json(cwt, content)
    checks.append("claims")

    def deny(reason: str) -> Verdict:
        _event(reason, kid)
        return Verdict(False, reason, claims, kid, signer, content, tuple(checks))

    if kid in trust.revoked_kids:
        return deny(R.REVOKED_KEY)
    checks.append("key_not_revoked")

    if at is not None:
        now = at.timestamp()
        slack = clock_skew.total_seconds()
        nbf = cwt.get(CWT_NBF)
        if now + slack < cwt[CWT_IAT] or (nbf is not None and now + slack < nbf):
            return deny(R.NOT_YET_VALID)
        if now >= cwt[CWT_EXP]:
            return deny(R.EXPIRED)
    checks.append("validity_period")

    if not policy.allows(signer, cwt) or (at is not None and not signer.valid_at(at)):
        return deny(R.KEY_NOT_ALLOWED)
    checks.append("key_usage")

    if policy.province_bound:
        if content is None or not same_province(signer, cwt[CWT_ISS], content.pass_no):
            return deny(R.WRONG_PROVINCE)
        checks.append("province")

    if content is not None and trust.revoked_passes and trust.pass_revoked(content.pass_no):
        return deny(R.REVOKED_PASS)
    checks.append("pass_not_revoked")

    if expect_plate is not None:
        if content is None or _plate_key(content.plate) != _plate_key(expect_plate):
            return deny(R.PLATE_MISMATCH)
        checks.append("plate")

    if expect_route is not None:
        origin, destination = expect_route
        if (
            content is None
            or (origin and origin != content.origin)
            or (destination and destination != content.destination)
        ):
            return deny(R.ROUTE_MISMATCH)
        checks.append("route")

    _event("valid", kid)
    return Verdict(True, None, claims, kid, signer, content, tuple(checks))


def _deny(
    reason: str,
    checks: list[str],
    payload: bytes | None = None,
    kid: bytes | None = None,
    signer: Signer | None = None,
) -> Verdict:
    """A failure before the claims were trusted: show what the payload says, if it can be read."""
    _event(reason, kid)
    claims = content = None
    if payload is not None:
        try:
            cwt = read_cwt(payload)
            content = _optional_content(cwt)
            claims = _claims_json(cwt, content)
        except PassFormatError:
            pass  # the claims are unreadable too: the verdict carries the reason without them
    return Verdict(False, reason, claims, kid, signer, content, tuple(checks))


def _event(outcome: str, kid: bytes | None) -> None:
    # One structured event per branch; the guard keeps a disabled log free on the hot path.
    if log.isEnabledFor(logging.INFO):
        log.info(f"pass.verify.{outcome}", extra={"kid": kid.hex() if kid else None})


def _optional_content(cwt: Mapping[Any, Any]) -> PassContent | None:
    if PASS_CLAIM not in cwt:
        return None
    try:
        return PassContent.from_cbor(cwt[PASS_CLAIM])
    except PassFormatError:
        return None


def _plate_key(plate: str) -> str:
    return plate.translate(_PLATE_NOISE).upper()


def _claims_json(cwt: Mapping[Any, Any], content: PassContent | None) -> dict[str, Any]:
    """The claims as JSON with readable names (iss, iat, nbf, exp, pass, hcert, …)."""
    out: dict[str, Any] = {}
    for key, value in cwt.items():
        name = CLAIM_NAMES.get(key, str(key)) if type(key) is int else str(key)
        if key == PASS_CLAIM and content is not None:
            out[name] = content.to_json()
        elif type(value) in (str, int):
            out[name] = value
        else:
            out[name] = json_safe(value)
    return out


def json_safe(value: Any) -> Any:
    """CBOR data as JSON data: byte strings as base64, tags as {"tag", "value"}, keys as text, NaN and the
    infinities as text. Its input comes from cbor.loads, whose depth limit bounds this recursion."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, cbor.Tag):
        return {"tag": value.tag, "value": json_safe(value.value)}
    if isinstance(value, cbor.Simple):
        return {"simple": value.value}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity: a response carrying one could not be sent
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
