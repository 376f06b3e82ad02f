"""Crafted input never makes the verifier raise (issue #10, item 8): only a verdict comes back.

Hypothesis writes raw CBOR — nesting hundreds deep, integers of every width and bignums, any tag,
lengths at and past the limits, lengths that lie, indefinite items, NaN — and puts it everywhere a
forger can: as the whole message, in either header, as the payload of a trusted key (so the checks
after the signature run on it too), and as an extra claim of a genuine pass, re-signed or not.
Every verdict must also be sendable as JSON (a NaN or a cycle in the claims was a 500 once).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import struct

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.codec import PASS_CLAIM, PassClaims, wrap
from jiaoguan.passes.qr.cose import sig_structure, sign1
from jiaoguan.passes.qr.dcc import DCC_POLICY, DCC_PREFIX
from jiaoguan.passes.qr.keys import KeyPair
from jiaoguan.passes.qr.trust import TrustStore
from jiaoguan.passes.qr.verify import Verdict, verify

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def head(major: int, n: int, width: int | None = None) -> bytes:
    """A CBOR head; `width` forces a longer argument than needed (well-formed, not preferred)."""
    if width is None:
        width = 0 if n < 24 else 1 if n < 0x100 else 2 if n < 0x10000 else 4 if n < 0x100000000 else 8
    if width == 0:
        return bytes([major << 5 | n])
    return bytes([major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[width]]) + n.to_bytes(width, "big")


widths = st.sampled_from([None, 1, 2, 4, 8])
uints = st.one_of(st.integers(0, 30), st.integers(0, 2**64 - 1), st.sampled_from([23, 24, 255, 256, 2**32, 2**64 - 1]))
leaves = st.one_of(
    st.builds(lambda n: head(0, n), uints),
    st.builds(lambda n: head(1, n), uints),
    st.builds(lambda b: head(2, len(b)) + b, st.binary(max_size=40)),
    st.builds(lambda t: head(3, len(t.encode())) + t.encode(), st.text(max_size=20)),
    st.sampled_from([b"\xf4", b"\xf5", b"\xf6", b"\xf7", b"\xf0", b"\xf8\x20", b"\xf8\x05", b"\xf9\x7e\x00",
                     b"\xfa\x7f\xc0\x00\x00", struct.pack(">Bd", 0xFB, math.inf), struct.pack(">Bd", 0xFB, -0.0)]),
    st.builds(lambda big, b: bytes([0xC2 + big]) + head(2, len(b)) + b, st.integers(0, 1), st.binary(max_size=300)),
    st.sampled_from([head(2, 4097) + b"x" * 4097, head(3, 4096) + b"y" * 4096, head(4, 257) + b"\x00" * 257,
                     head(5, 2**32) + b"\x00", head(2, 2**63), head(3, 10) + b"\xc3\x28" + bytes(8),
                     b"\x5f\x41a\x41b\xff", b"\x7f\x61a\x5f\xff\xff", b"\xff", b"\x1c", b"\xfc", b"\x9f\x00"]),
)


def containers(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    items = st.lists(children, max_size=6)
    return st.one_of(
        st.builds(lambda xs, w: head(4, len(xs), w) + b"".join(xs), items, widths),
        st.builds(lambda xs: b"\x9f" + b"".join(xs) + b"\xff", items),
        st.builds(lambda xs, w: head(5, len(xs) // 2, w) + b"".join(xs[: len(xs) // 2 * 2]), items, widths),
        st.builds(lambda xs: b"\xbf" + b"".join(xs) + b"\xff", items),
        st.builds(lambda n, x: head(6, n) + x,
                  st.one_of(st.sampled_from([0, 1, 2, 3, 4, 5, 18, 24, 25, 28, 29, 30, 35, 36, 37, 61, 256, 258,
                                             1004, 55799]), st.integers(0, 2**64 - 1)), children),
    )


cbor_items = st.recursive(leaves, containers, max_leaves=25)
deep = st.builds(lambda n, opener, leaf: opener * n + leaf, st.integers(1, 400),
                 st.sampled_from([b"\x81", b"\xa1\x00", b"\xc6", b"\x9f", b"\xd8\x3d", b"\xa1\x81\x00"]), leaves)
crafted = st.one_of(cbor_items, deep)


def assert_a_verdict(verdict: Verdict) -> None:
    assert isinstance(verdict, Verdict)
    assert verdict.reason is None or verdict.reason in R.REASONS
    assert verdict.valid == (verdict.reason is None)
    json.dumps(verdict.to_json(), allow_nan=False)  # what the API sends


def _both_profiles(data: bytes, store: TrustStore, at: dt.datetime) -> None:
    assert_a_verdict(verify(wrap(data), store, at))
    assert_a_verdict(verify(wrap(data, DCC_PREFIX), TrustStore(store.signers, policy=DCC_POLICY), at,
                            prefix=DCC_PREFIX))


@given(raw=crafted)
@FUZZ
def test_crafted_cbor_as_the_whole_message_gets_a_verdict(store: TrustStore, during: dt.datetime, raw: bytes) -> None:
    _both_profiles(raw, store, during)
    _both_profiles(head(6, 18) + raw, store, during)


@given(value=crafted, where=st.sampled_from(["protected", "unprotected", "payload", "signature"]))
@FUZZ
def test_crafted_cbor_in_any_part_of_a_cose_sign1_gets_a_verdict(
    store: TrustStore, signer: KeyPair, during: dt.datetime, value: bytes, where: str
) -> None:
    protected = cbor2.dumps({1: -7, 4: signer.kid})
    parts = {"protected": head(2, len(protected)) + protected, "unprotected": b"\xa0",
             "payload": head(2, 3) + b"abc", "signature": head(2, 64) + bytes(64)}
    if where == "protected":
        parts[where] = head(2, len(value)) + value
    elif where == "unprotected":
        parts[where] = b"\xa1\x04" + value
    else:
        parts[where] = value
    _both_profiles(b"\xd2\x84" + b"".join(parts.values()), store, during)


def _signed(payload: bytes, signer: KeyPair) -> bytes:
    """A COSE_Sign1 over any payload bytes, signed by a key the store trusts."""
    protected = cbor2.dumps({1: -7, 4: signer.kid})
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from jiaoguan.passes.qr.cose import raw_es256_signature

    der = signer.private_key.sign(sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
    return (b"\xd2\x84" + head(2, len(protected)) + protected + b"\xa0" + head(2, len(payload)) + payload
            + head(2, 64) + raw_es256_signature(der))


@given(payload=crafted)
@FUZZ
def test_crafted_claims_signed_by_a_trusted_key_get_a_verdict(
    store: TrustStore, signer: KeyPair, during: dt.datetime, payload: bytes
) -> None:
    _both_profiles(_signed(payload, signer), store, during)


@given(claim=st.one_of(st.integers(-2**64, 2**64 - 1), st.sampled_from([-260, PASS_CLAIM, 1, 4, 5, 6, 7])),
       value=crafted, resign=st.booleans())
@FUZZ
def test_a_genuine_pass_with_a_crafted_claim_gets_a_verdict_resigned_or_not(
    store: TrustStore, signer: KeyPair, claims: PassClaims, during: dt.datetime, claim: int, value: bytes,
    resign: bool,
) -> None:
    cwt = claims.to_cwt()
    cwt.pop(claim, None)
    body = cbor2.dumps(cwt)
    # One more entry in the claims map: bump the map's count and append the crafted pair.
    payload = head(5, len(cwt) + 1) + body[1:] + cbor2.dumps(claim) + value
    if resign:
        message = _signed(payload, signer)
    else:
        genuine = sign1(body, signer.private_key, signer.kid)
        message = genuine.replace(head(2, len(body)) + body, head(2, len(payload)) + payload)
    _both_profiles(message, store, during)


def test_a_genuine_pass_rewrapped_with_a_claim_nested_290_deep_is_refused_not_a_crash(
    store: TrustStore, signer: KeyPair, claims: PassClaims, during: dt.datetime
) -> None:
    """The probe of issue #10: the claims nested ~290 levels deep, the signature kept."""
    body = cbor2.dumps(claims.to_cwt())
    payload = head(5, 6) + body[1:] + cbor2.dumps(99) + b"\x81" * 290 + b"\x00"
    genuine = sign1(body, signer.private_key, signer.kid)
    verdict = verify(wrap(genuine.replace(head(2, len(body)) + body, head(2, len(payload)) + payload)), store, during)
    assert (verdict.reason, verdict.claims) == (R.BAD_SIGNATURE, None)  # what it claims is not shown
    signed = verify(wrap(_signed(payload, signer)), store, during)
    assert (signed.reason, signed.authentic) == (R.CBOR_TOO_DEEP, True)
