from __future__ import annotations

import dataclasses
import datetime as dt
import zlib

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import given
from hypothesis import strategies as st

from jiaoguan.passes.qr.b45 import b45decode
from jiaoguan.passes.qr.codec import (
    PASS_CLAIM,
    PREFIX,
    CrewMember,
    PassClaims,
    PassContent,
    PassFormatError,
    decompress,
    issue_qr,
    read_cwt,
    validity_instants,
)
from jiaoguan.passes.qr.cose import ES256, parse_sign1, sig_structure
from jiaoguan.passes.qr.keys import KeyPair


def open_qr(qr: str) -> tuple[cbor2.CBORTag, bytes]:
    raw = zlib.decompress(b45decode(qr[len(PREFIX) :]))
    return cbor2.loads(raw), raw


def test_the_qr_is_prefixed_base45_of_zlib_of_a_cose_sign1_tagged_18(qr: str, signer: KeyPair) -> None:
    assert qr.startswith("JG1:")
    message, _ = open_qr(qr)
    assert message.tag == 18
    protected, unprotected, payload, signature = message.value
    assert cbor2.loads(protected) == {1: ES256, 4: signer.kid}
    assert len(signer.kid) == 8
    assert dict(unprotected) == {}
    assert len(signature) == 64
    assert isinstance(payload, bytes)


def test_the_signature_is_raw_r_and_s_over_the_cose_sig_structure(qr: str, signer: KeyPair) -> None:
    message, _ = open_qr(qr)
    protected, _, payload, signature = message.value
    expected_tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    assert sig_structure(protected, payload) == expected_tbs
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    signer.certificate.public_key().verify(der, expected_tbs, ec.ECDSA(hashes.SHA256()))  # raises if wrong


@given(st.binary(max_size=300), st.binary(max_size=70000))
def test_the_handmade_sig_structure_equals_cbor2s_encoding(protected: bytes, payload: bytes) -> None:
    assert sig_structure(protected, payload) == cbor2.dumps(["Signature1", protected, b"", payload])


def test_the_cwt_carries_issuer_times_and_the_pass_claim(qr: str, claims: PassClaims) -> None:
    message, _ = open_qr(qr)
    cwt = read_cwt(message.value[2])
    assert cwt[1] == "440000"
    assert cwt[6] == int(claims.issued_at.timestamp())
    assert cwt[5] == int(claims.valid_from.timestamp())
    assert cwt[4] == int(claims.valid_until.timestamp())
    assert cwt[PASS_CLAIM]["no"] == "440300000001"
    assert PassClaims.from_cwt(cwt) == claims


def test_no_full_identity_is_in_the_qr(qr: str) -> None:
    _, raw = open_qr(qr)
    payload = parse_sign1(raw).payload
    for secret in ("199001011234", "张三丰", "19851212"):
        assert secret.encode() not in payload


def test_validity_dates_mean_whole_days_in_beijing_time() -> None:
    start, end = validity_instants(dt.date(2022, 5, 1), dt.date(2022, 5, 15))
    assert start == dt.datetime(2022, 4, 30, 16, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2022, 5, 15, 16, 0, tzinfo=dt.UTC)
    with pytest.raises(PassFormatError):
        validity_instants(dt.date(2022, 5, 2), dt.date(2022, 5, 1))


@pytest.mark.parametrize(
    "change",
    [
        {"pass_no": "44030000001"},
        {"origin": "4403"},
        {"plate_colour": "purple"},
        {"cargo_category": "fireworks"},
        {"plate": " "},
        {"crew_count": 1},
    ],
)
def test_issuance_refuses_a_pass_with_invalid_fields(
    claims: PassClaims, signer: KeyPair, change: dict[str, object]
) -> None:
    bad = dataclasses.replace(claims, content=dataclasses.replace(claims.content, **change))  # type: ignore[arg-type]
    with pytest.raises(PassFormatError):
        issue_qr(bad, signer.private_key, signer.kid)


def test_issuance_refuses_an_empty_validity_window(claims: PassClaims, signer: KeyPair) -> None:
    bad = dataclasses.replace(claims, valid_until=claims.valid_from)
    with pytest.raises(PassFormatError):
        issue_qr(bad, signer.private_key, signer.kid)


def test_pass_content_survives_its_cbor_form(content: PassContent) -> None:
    assert PassContent.from_cbor(cbor2.loads(cbor2.dumps(content.to_cbor()))) == content


@pytest.mark.parametrize(
    "broken",
    [
        None,
        {"v": 2},
        {"v": 1, "no": "440300000001"},
        {"v": 1, "no": 1, "pl": "a", "pc": "b", "o": "c", "d": "d", "cg": "e", "cc": 1, "cr": []},
        {"v": 1, "no": "1", "pl": "a", "pc": "b", "o": "c", "d": "d", "cg": "e", "cc": True, "cr": []},
        {"v": 1, "no": "1", "pl": "a", "pc": "b", "o": "c", "d": "d", "cg": "e", "cc": 1, "cr": [["x"]]},
        {"v": 1, "no": "1", "pl": "a", "pc": "b", "o": "c", "d": "d", "cg": "e", "cc": 1, "cr": "x"},
    ],
)
def test_a_malformed_pass_claim_is_refused(broken: object) -> None:
    with pytest.raises(PassFormatError):
        PassContent.from_cbor(broken)


@pytest.mark.parametrize(
    "cwt",
    [[1, 2], {4: 1.0}, {4: 1, 6: "x"}, {4: float("nan"), 6: 1}, {4: True, 6: 1}, {4: 1, 6: 1, 5: "x"}],
)
def test_a_cwt_needs_numeric_exp_and_iat(cwt: object) -> None:
    with pytest.raises(PassFormatError):
        read_cwt(cbor2.dumps(cwt))


def test_decompression_refuses_truncated_trailing_and_oversized_data() -> None:
    good = zlib.compress(b"x" * 100)
    assert decompress(good) == b"x" * 100
    for bad in (good[:-3], good + b"\x00", zlib.compress(b"\x00" * 200_000), b"not zlib"):
        with pytest.raises(zlib.error):
            decompress(bad)


def test_crew_members_are_masked_on_construction() -> None:
    assert CrewMember.masked("王小明", "110105199001011234") == CrewMember("王*明", "110105********1234")
