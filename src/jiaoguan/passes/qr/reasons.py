"""Stable reason codes of pass verification and what they say to the officer (zh / en).

Codes are an interface (API, CLI, checkpoint log, figures): never rename one, only add.
"""

from __future__ import annotations

from jiaoguan.kit.i18n import N_, both, translate
from jiaoguan.passes.qr import cbor

BAD_PREFIX = "bad_prefix"
BAD_BASE45 = "bad_base45"
BAD_COMPRESSION = "bad_compression"
BAD_COSE = "bad_cose"
UNKNOWN_KID = "unknown_kid"
BAD_SIGNATURE = "bad_signature"
KEY_NOT_ALLOWED = "key_not_allowed"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
REVOKED_PASS = "revoked_pass"
REVOKED_KEY = "revoked_key"
TRUST_STALE = "trust_stale"
PLATE_MISMATCH = "plate_mismatch"
ROUTE_MISMATCH = "route_mismatch"
WRONG_PROVINCE = "wrong_province"
# Limits on crafted input (cbor.py): a QR no issuer makes, refused before it can cost anything.
PAYLOAD_TOO_LARGE = "payload_too_large"
CBOR_TOO_DEEP = cbor.TOO_DEEP
CBOR_TOO_LONG = cbor.TOO_LONG
CBOR_INT_TOO_LARGE = cbor.INT_TOO_LARGE
CBOR_TAG_NOT_ALLOWED = cbor.TAG_NOT_ALLOWED

MESSAGES: dict[str | None, str] = {
    None: N_("The pass is valid."),
    BAD_PREFIX: N_("Not a pass QR code: the prefix is not recognised."),
    BAD_BASE45: N_("The QR code text is damaged (Base45)."),
    BAD_COMPRESSION: N_("The QR code data is damaged (compression)."),
    BAD_COSE: N_("The QR code does not hold a well-formed signed pass (CBOR/COSE)."),
    UNKNOWN_KID: N_("The pass was signed with a key that is not in the trust list."),
    BAD_SIGNATURE: N_("The signature does not match: the pass was altered or forged."),
    KEY_NOT_ALLOWED: N_("The signing key may not sign passes (certificate usage or validity period)."),
    NOT_YET_VALID: N_("The pass is not valid yet."),
    EXPIRED: N_("The pass has expired."),
    REVOKED_PASS: N_("The pass has been revoked."),
    REVOKED_KEY: N_("The key that signed this pass has been revoked."),
    TRUST_STALE: N_("Cannot verify: trust data stale. Update the trust list."),
    PLATE_MISMATCH: N_("The plate does not match the pass."),
    ROUTE_MISMATCH: N_("The route does not match the pass."),
    WRONG_PROVINCE: N_("The pass claims another province than the one whose key signed it: it is forged."),
    PAYLOAD_TOO_LARGE: N_("The QR code holds more data than any pass: it was crafted, not issued."),
    CBOR_TOO_DEEP: N_("The QR code's data is nested too deeply for a pass: it was crafted, not issued."),
    CBOR_TOO_LONG: N_("The QR code's data has a list or text too long for a pass: it was crafted, not issued."),
    CBOR_INT_TOO_LARGE: N_("The QR code's data has a number too large for a pass: it was crafted, not issued."),
    CBOR_TAG_NOT_ALLOWED: N_("The QR code's data has a kind of value no pass uses: it was crafted, not issued."),
}

REASONS: tuple[str, ...] = tuple(code for code in MESSAGES if code is not None)


def reason_text(reason: str | None, locale: str | None = None) -> str:
    return translate(MESSAGES[reason], locale)


def reason_texts(reason: str | None) -> tuple[str, str]:
    """(Chinese, English), for the green/grey screen that shows both."""
    return both(MESSAGES[reason])
