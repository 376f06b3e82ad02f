"""COSE_Sign1 (RFC 9052) as the pass and the EU DCC use it: parse, build Sig_structure, sign, verify.

Only what a single-signer QR needs: ES256 (ECDSA P-256, signature as raw r‖s, 64 bytes) and, for DCC
conformance, PS256 (RSASSA-PSS, SHA-256, salt = hash length, RFC 8230).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, NamedTuple

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

ES256 = -7
PS256 = -37
ALGORITHMS = frozenset({ES256, PS256})

HEADER_ALG = 1
HEADER_KID = 4
TAG_SIGN1 = 18
TAG_CWT = 61
# What cbor2 decodes a map into (frozendict inside tags). Concrete types: an ABC check such as
# isinstance(x, Mapping) costs several times more, and these run on every scan.
CBOR_MAPS = (dict, cbor2.frozendict)

_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
_PSS_SHA256 = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
# Sig_structure = ["Signature1", protected, external_aad = h'', payload] (RFC 9052 §4.4)
_SIG1_HEAD = b"\x84\x6aSignature1"


class CoseError(ValueError):
    """Not a COSE_Sign1 message this verifier can read."""


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


def parse_sign1(data: bytes) -> CoseSign1:
    """Read a COSE_Sign1: tagged 18, optionally inside the CWT tag 61, or untagged; nothing after it."""
    stream = io.BytesIO(data)
    try:
        message = cbor2.CBORDecoder(stream).decode()
    except Exception as exc:  # cbor2 raises several types on hostile input; all mean "not CBOR"
        raise CoseError(f"not CBOR: {exc}") from None
    if stream.tell() != len(data):
        raise CoseError("bytes after the COSE message")
    if isinstance(message, cbor2.CBORTag) and message.tag == TAG_CWT:
        message = message.value
    if isinstance(message, cbor2.CBORTag):
        if message.tag != TAG_SIGN1:
            raise CoseError(f"CBOR tag {message.tag} is not COSE_Sign1")
        message = message.value
    if not isinstance(message, list | tuple) or len(message) != 4:
        raise CoseError("COSE_Sign1 must be an array of four items")
    protected_bytes, unprotected, payload, signature = message
    if not isinstance(protected_bytes, bytes) or not isinstance(unprotected, CBOR_MAPS):
        raise CoseError("bad COSE headers")
    if not isinstance(payload, bytes) or not isinstance(signature, bytes):
        raise CoseError("COSE payload and signature must be byte strings")
    try:
        protected = cbor2.loads(protected_bytes) if protected_bytes else {}
    except Exception as exc:
        raise CoseError(f"protected header is not CBOR: {exc}") from None
    if not isinstance(protected, CBOR_MAPS):
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
