"""COSE_Sign1 (RFC 9052) as the pass and the EU DCC use it: parse, build Sig_structure, sign, verify.

Only what a single-signer QR needs: ES256 (ECDSA P-256, signature as raw r‖s, 64 bytes) and, for DCC
conformance, PS256 (RSASSA-PSS, SHA-256, salt = hash length, RFC 8230).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from jiaoguan.passes.qr import cbor

ES256 = -7
PS256 = -37

HEADER_ALG = 1
HEADER_KID = 4
TAG_SIGN1 = 18
TAG_CWT = 61
# The message around the payload: its byte strings are as long as the data (the payload, certificates in
# a DCC's x5chain); only the COSE and CWT tags may wrap it.
MESSAGE_LIMITS = cbor.Limits(max_string=None, root_tags=frozenset({TAG_SIGN1, TAG_CWT}))

_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
_PSS_SHA256 = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
# Sig_structure = ["Signature1", protected, external_aad = h'', payload] (RFC 9052 §4.4)
_SIG1_HEAD = b"\x84\x6aSignature1"


class CoseError(ValueError):
    """Not a COSE_Sign1 message this verifier can read; `reason` names the CBOR limit it broke, if one."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


class CoseSign1(NamedTuple):
    # A NamedTuple, not a frozen dataclass: it is built on every scan and costs a third as much.
    protected_bytes: bytes
    protected: Mapping[Any, Any]
    unprotected: Mapping[Any, Any]
    payload: bytes
    signature: bytes

    @property
    def alg(self) -> Any:
        return self.protected.get(HEADER_ALG, self.unprotected.get(HEADER_ALG))

    @property
    def kid(self) -> Any:
        # The DCC rule (test vectors CO18–CO23): a protected kid wins; the unprotected one counts only
        # when the protected header has none.
        kid = self.protected.get(HEADER_KID)
        return self.unprotected.get(HEADER_KID) if kid is None else kid

    def to_be_signed(self) -> bytes:
        return sig_structure(self.protected_bytes, self.payload)


def _bstr_head(length: int) -> bytes:
    if length < 24:
        return bytes((0x40 | length,))
    if length < 0x100:
        return bytes((0x58, length))
    if length < 0x10000:
        return b"\x59" + length.to_bytes(2, "big")
    return b"\x5a" + length.to_bytes(4, "big")


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """The bytes that are signed, built directly (same bytes as cbor2 would produce, but cheaper)."""
    return b"".join((_SIG1_HEAD, _bstr_head(len(protected)), protected, b"\x40", _bstr_head(len(payload)), payload))


# The protected header every pass has: {1: ES256, 4: an 8-byte kid}.
_PASS_HEADER = b"\xa2\x01\x26\x04\x48"


def _usual_message(data: bytes) -> list[Any] | None:
    """The shape every issued pass has — [tag 18] [bstr, {}, bstr, bstr] with nothing after — read without
    the general decoder, which gives the same value for it; None for any other shape (it takes that path)."""
    pos = 2 if data.startswith(b"\xd2\x84") else 1 if data.startswith(b"\x84") else 0
    end = len(data)
    parts: list[Any] = []
    while pos and len(parts) < 4:
        if len(parts) == 1:
            if data[pos : pos + 1] != b"\xa0":
                return None
            parts.append({})
            pos += 1
            continue
        initial = data[pos] if pos < end else 0
        if 0x40 <= initial < 0x58:
            size, pos = initial - 0x40, pos + 1
        elif initial == 0x58 and pos + 2 <= end:
            size, pos = data[pos + 1], pos + 2
        elif initial == 0x59 and pos + 3 <= end:
            size, pos = int.from_bytes(data[pos + 1 : pos + 3], "big"), pos + 3
        else:
            return None
        if pos + size > end:
            return None
        parts.append(data[pos : pos + size])
        pos += size
    return parts if pos == end and len(parts) == 4 else None


def parse_sign1(data: bytes) -> CoseSign1:
    """Read a COSE_Sign1: tagged 18, optionally inside the CWT tag 61, or untagged; nothing after it."""
    usual = _usual_message(data)
    if usual is not None:
        protected_bytes, unprotected, payload, signature = usual
        if len(protected_bytes) == 13 and protected_bytes.startswith(_PASS_HEADER):
            return CoseSign1(protected_bytes, {HEADER_ALG: ES256, HEADER_KID: protected_bytes[5:]}, unprotected,
                             payload, signature)
    try:
        message = cbor.loads(data, MESSAGE_LIMITS, whole=True)
    except cbor.CborError as exc:
        raise CoseError(f"not CBOR this verifier reads: {exc}", exc.reason) from None
    if isinstance(message, cbor.Tag) and message.tag == TAG_CWT:
        message = message.value
    if isinstance(message, cbor.Tag):
        if message.tag != TAG_SIGN1:
            raise CoseError(f"CBOR tag {message.tag} is not COSE_Sign1")
        message = message.value
    if not isinstance(message, list) or len(message) != 4:
        raise CoseError("COSE_Sign1 must be an array of four items")
    protected_bytes, unprotected, payload, signature = message
    if not isinstance(protected_bytes, bytes) or not isinstance(unprotected, dict):
        raise CoseError("bad COSE headers")
    if not isinstance(payload, bytes) or not isinstance(signature, bytes):
        raise CoseError("COSE payload and signature must be byte strings")
    try:
        protected = cbor.loads(protected_bytes) if protected_bytes else {}
    except cbor.CborError as exc:
        raise CoseError(f"protected header is not CBOR: {exc}", exc.reason) from None
    if not isinstance(protected, dict):
        raise CoseError("protected header must be a map")
    return CoseSign1(protected_bytes, protected, unprotected, payload, signature)


def verify_signature(public_key: Any, alg: int, message: bytes, signature: bytes) -> bool:
    """True when `signature` over `message` is good for `public_key` under `alg`; never raises."""
    if alg == ES256:
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or len(signature) != 64:
            return False
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        der = encode_dss_signature(r, s)
        try:
            public_key.verify(der, message, _ECDSA_SHA256)
        except InvalidSignature:
            return False
        return True
    if alg == PS256:
        if not isinstance(public_key, rsa.RSAPublicKey):
            return False
        try:
            public_key.verify(signature, message, _PSS_SHA256, hashes.SHA256())
        except InvalidSignature:
            return False
        return True
    return False


def raw_es256_signature(der: bytes) -> bytes:
    """COSE wants r‖s, 32 bytes each (RFC 9053 §2.1); cryptography gives DER."""
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign1(payload: bytes, private_key: ec.EllipticCurvePrivateKey, kid: bytes) -> bytes:
    """A tagged COSE_Sign1 with protected header {alg: ES256, kid} and an empty unprotected header."""
    protected = cbor2.dumps({HEADER_ALG: ES256, HEADER_KID: kid})
    der = private_key.sign(sig_structure(protected, payload), _ECDSA_SHA256)
    return cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, [protected, {}, payload, raw_es256_signature(der)]))
