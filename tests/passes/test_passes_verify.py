from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import zlib
from collections.abc import Callable

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.b45 import ALPHABET, b45decode, b45encode
from jiaoguan.passes.qr.codec import PREFIX, PassClaims, issue_qr, wrap
from jiaoguan.passes.qr.cose import raw_es256_signature, sig_structure, sign1
from jiaoguan.passes.qr.keys import PASS_SIGNING_EKU, KeyPair, create_national_root, issue_signing_certificate
from jiaoguan.passes.qr.trust import TrustStore
from jiaoguan.passes.qr.verify import Verdict, verify

MakeStore = Callable[..., TrustStore]


def cose_parts(qr: str) -> list[bytes]:
    message = cbor2.loads(zlib.decompress(b45decode(qr[len(PREFIX) :])))
    return list(message.value)


def rebuild(protected: bytes, payload: bytes, signature: bytes) -> str:
    return wrap(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature])))


def test_a_genuine_pass_turns_green_with_its_claims(qr: str, store: TrustStore, during: dt.datetime) -> None:
    verdict = verify(qr, store, during, expect_plate="粤B12345", expect_route=("440305", "310115"))
    assert verdict == Verdict(True, None, verdict.claims, verdict.kid, verdict.signer, verdict.content, verdict.checks)
    assert verdict.valid and verdict.reason is None and verdict.authentic
    assert verdict.content is not None and verdict.content.pass_no == "440300000001"
    assert verdict.claims is not None and verdict.claims["pass"]["crew"][0] == {
        "name": "张*丰",
        "id_number": "110105********1234",
    }
    assert verdict.checks[-2:] == ("plate", "route")
    assert verdict.texts() == ("通行证有效。", "The pass is valid.")


# --- tampering with each layer ------------------------------------------------------------------


@pytest.mark.parametrize("fake_prefix", ["JG2:", "jg1:", "HC1:", ""])
def test_another_prefix_is_a_bad_prefix(qr: str, store: TrustStore, during: dt.datetime, fake_prefix: str) -> None:
    assert verify(fake_prefix + qr[4:], store, during).reason == R.BAD_PREFIX


def test_a_character_outside_base45_is_bad_base45(qr: str, store: TrustStore, during: dt.datetime) -> None:
    broken = qr[:20] + "a" + qr[21:]
    verdict = verify(broken, store, during)
    assert verdict.reason == R.BAD_BASE45
    assert verdict.checks == ("prefix",)
    assert verify(qr[:-1], store, during).reason in (R.BAD_BASE45, R.BAD_COMPRESSION)


def test_an_altered_compressed_byte_is_bad_compression(qr: str, store: TrustStore, during: dt.datetime) -> None:
    compressed = bytearray(b45decode(qr[4:]))
    compressed[len(compressed) // 2] ^= 0x01
    assert verify(PREFIX + b45encode(bytes(compressed)), store, during).reason == R.BAD_COMPRESSION


@pytest.mark.parametrize(
    "raw",
    [
        b"not cbor at all \xff",
        cbor2.dumps(cbor2.CBORTag(61, [b"", {}, b"", b""])),  # a CWT tag around no COSE_Sign1
        cbor2.dumps([b"", {}, b""]),
        cbor2.dumps(cbor2.CBORTag(18, [b"\xa1\x01", {}, b"x", b"y"])),  # protected header is not CBOR
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps([1]), {}, b"x", b"y"])),  # protected header not a map
        cbor2.dumps(cbor2.CBORTag(18, [b"", {}, None, b"y"])),  # detached payload
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -7, 4: b"12345678"}), {}, b"x", b"y"])) + b"\x00",
        b"\x5b\xff\xff\xff\xff\xff\xff\xff\xff",  # a byte string claiming 2^64 bytes
    ],
)
def test_data_that_is_not_a_cose_sign1_is_bad_cose(raw: bytes, store: TrustStore, during: dt.datetime) -> None:
    assert verify(wrap(raw), store, during).reason == R.BAD_COSE


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x81" * 60_000 + b"\x00", R.CBOR_TOO_DEEP),  # nesting deeper than any recursion limit
        (cbor2.dumps(cbor2.CBORTag(18, [b"", {4: [[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]}, b"", b""])), R.CBOR_TOO_DEEP),
        (cbor2.dumps(cbor2.CBORTag(18, [b"", {4: list(range(257))}, b"", b""])), R.CBOR_TOO_LONG),
        (cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -7, 3: "x" * 4097}), {}, b"", b""])), R.CBOR_TOO_LONG),
        (cbor2.dumps(cbor2.CBORTag(18, [b"", {4: 2**64}, b"", b""])), R.CBOR_INT_TOO_LARGE),  # a bignum tag
        (cbor2.dumps(cbor2.CBORTag(98, [b"", {}, b"", b""])), R.CBOR_TAG_NOT_ALLOWED),  # COSE_Sign, not Sign1
        (cbor2.dumps(cbor2.CBORTag(18, [b"", {4: cbor2.CBORTag(1, 0)}, b"", b""])), R.CBOR_TAG_NOT_ALLOWED),
        (b"\x5a\x00\x01\x00\x01" + b"\x00" * 65_537, R.PAYLOAD_TOO_LARGE),  # inflates past 64 KiB
    ],
)
def test_data_beyond_the_decoders_limits_is_refused_with_the_limits_reason(
    raw: bytes, reason: str, store: TrustStore, during: dt.datetime
) -> None:
    verdict = verify(wrap(raw), store, during)
    assert (verdict.valid, verdict.reason, verdict.claims) == (False, reason, None)


def test_text_longer_than_any_qr_code_is_refused_before_it_is_decoded(store: TrustStore, during: dt.datetime) -> None:
    verdict = verify(PREFIX + "0" * 4293, store, during)
    assert (verdict.reason, verdict.checks) == (R.PAYLOAD_TOO_LARGE, ("prefix",))
    assert verify(PREFIX + "0" * 4292, store, during).reason != R.PAYLOAD_TOO_LARGE


def test_an_altered_protected_header_breaks_the_signature(qr: str, store: TrustStore, during: dt.datetime) -> None:
    protected, _, payload, signature = cose_parts(qr)
    header = cbor2.loads(protected)
    header[3] = "application/cwt"  # one more header parameter, still a valid header
    assert verify(rebuild(cbor2.dumps(header), payload, signature), store, during).reason == R.BAD_SIGNATURE


def test_a_protected_header_naming_another_algorithm_is_bad_cose(
    qr: str, store: TrustStore, during: dt.datetime
) -> None:
    protected, _, payload, signature = cose_parts(qr)
    header = cbor2.loads(protected)
    for alg in (-37, -8, "ES256"):  # PS256 is not allowed for passes; EdDSA unknown; a text alg
        header[1] = alg
        assert verify(rebuild(cbor2.dumps(header), payload, signature), store, during).reason == R.BAD_COSE


def test_an_altered_payload_breaks_the_signature(qr: str, store: TrustStore, during: dt.datetime) -> None:
    protected, _, payload, signature = cose_parts(qr)
    cwt = cbor2.loads(payload)
    cwt[-70001]["pl"] = "粤B99999"
    verdict = verify(rebuild(protected, cbor2.dumps(cwt), signature), store, during)
    assert verdict.reason == R.BAD_SIGNATURE
    assert not verdict.authentic
    # The officer may see what the forgery claims, marked as not authentic.
    assert verdict.claims is not None and verdict.claims["pass"]["plate"] == "粤B99999"


@pytest.mark.parametrize("cut", [slice(0, 64), slice(0, 63), slice(0, 0)])
def test_an_altered_or_truncated_signature_is_bad_signature(
    qr: str, store: TrustStore, during: dt.datetime, cut: slice
) -> None:
    protected, _, payload, signature = cose_parts(qr)
    altered = bytearray(signature[cut])
    if altered:
        altered[5] ^= 0x80
    assert verify(rebuild(protected, payload, bytes(altered)), store, during).reason == R.BAD_SIGNATURE


@given(position=st.integers(min_value=4, max_value=10_000), replacement=st.sampled_from(ALPHABET))
@settings(max_examples=150, deadline=None)
def test_no_single_character_change_yields_a_green_pass(
    qr: str, store: TrustStore, during: dt.datetime, position: int, replacement: str
) -> None:
    position = 4 + (position - 4) % (len(qr) - 4)
    if qr[position] == replacement:
        return
    forged = qr[:position] + replacement + qr[position + 1 :]
    verdict = verify(forged, store, during)
    if verdict.valid:
        # Only a change that leaves the signed bytes as they were may pass: deflate ignores the padding bits after
        # its last block (seen: position 340 → 'J'), so such a text carries the very same signed pass.
        def signed(text: str) -> bytes:
            return zlib.decompress(b45decode(text[len(PREFIX):]))

        assert signed(forged) == signed(qr)
        return
    # A changed character inside the deflate stream can make it inflate past the cap (seen: position 10000 → '2').
    assert verdict.reason in (R.BAD_BASE45, R.BAD_COMPRESSION, R.PAYLOAD_TOO_LARGE, R.BAD_COSE, R.BAD_SIGNATURE,
                              R.UNKNOWN_KID)


# --- keys -----------------------------------------------------------------------------------------


def test_a_pass_from_a_key_outside_the_trust_list_is_unknown_kid(
    claims: PassClaims, store: TrustStore, root: KeyPair, during: dt.datetime
) -> None:
    outsider = issue_signing_certificate(root, "310000", now=during - dt.timedelta(days=1))
    assert verify(issue_qr(claims, outsider.private_key, outsider.kid), store, during).reason == R.UNKNOWN_KID


def test_a_pass_signed_with_the_wrong_key_under_a_trusted_kid_is_bad_signature(
    claims: PassClaims, store: TrustStore, signer: KeyPair, root: KeyPair, during: dt.datetime
) -> None:
    thief = issue_signing_certificate(create_national_root(), "440000")
    forged = issue_qr(claims, thief.private_key, signer.kid)
    assert verify(forged, store, during).reason == R.BAD_SIGNATURE


def test_a_pass_without_a_kid_is_unknown_kid_and_a_text_kid_is_bad_cose(
    claims: PassClaims, store: TrustStore, signer: KeyPair, during: dt.datetime
) -> None:
    payload = cbor2.dumps(claims.to_cwt())
    for header, reason in (({1: -7}, R.UNKNOWN_KID), ({1: -7, 4: "kid"}, R.BAD_COSE)):
        protected = cbor2.dumps(header)
        der = signer.private_key.sign(sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
        assert verify(rebuild(protected, payload, raw_es256_signature(der)), store, during).reason == reason


def test_a_certificate_without_the_pass_usage_is_key_not_allowed(
    claims: PassClaims, root: KeyPair, make_store: MakeStore, now: dt.datetime, during: dt.datetime
) -> None:
    plain = issue_signing_certificate(root, "440000", now=now - dt.timedelta(days=1), usages=())
    store = make_store(certificates=[plain.certificate])
    assert verify(issue_qr(claims, plain.private_key, plain.kid), store, during).reason == R.KEY_NOT_ALLOWED


def test_a_certificate_not_valid_at_the_time_of_the_check_is_key_not_allowed(
    claims: PassClaims, root: KeyPair, make_store: MakeStore, now: dt.datetime, during: dt.datetime
) -> None:
    short = issue_signing_certificate(root, "440000", now=now - dt.timedelta(days=1), days=2)
    store = make_store(certificates=[short.certificate])
    qr = issue_qr(claims, short.private_key, short.kid)
    assert verify(qr, store, now + dt.timedelta(hours=1)).valid
    assert verify(qr, store, during).reason == R.KEY_NOT_ALLOWED


def test_a_revoked_key_turns_its_passes_grey_and_a_reissue_under_a_new_key_is_green(
    claims: PassClaims,
    qr: str,
    root: KeyPair,
    signer: KeyPair,
    make_store: MakeStore,
    now: dt.datetime,
    during: dt.datetime,
) -> None:
    new = issue_signing_certificate(root, "440000", now=now)
    store = make_store(certificates=[signer.certificate, new.certificate], revoked_kids=[signer.kid])
    assert verify(qr, store, during).reason == R.REVOKED_KEY
    assert verify(issue_qr(claims, new.private_key, new.kid), store, during).valid


# --- a province's key signs only its province's passes ---------------------------------------------


def _claiming(claims: PassClaims, issuer: str, pass_no: str) -> PassClaims:
    return dataclasses.replace(claims, issuer=issuer, content=dataclasses.replace(claims.content, pass_no=pass_no))


@pytest.mark.parametrize(
    ("issuer", "pass_no"),
    [
        ("310000", "310115000001"),  # a Shanghai pass in every field
        ("310000", "440300000001"),  # a Shanghai issuer over a Guangdong number
        ("440000", "310115000001"),  # a Guangdong issuer over a Shanghai number
        ("4", "4"),  # too short to name a province
    ],
)
def test_a_pass_signed_with_guangdongs_key_but_claiming_another_province_is_forged(
    claims: PassClaims, signer: KeyPair, store: TrustStore, during: dt.datetime, issuer: str, pass_no: str
) -> None:
    forged = _claiming(claims, issuer, pass_no)
    qr = wrap(sign1(cbor2.dumps(forged.to_cwt()), signer.private_key, signer.kid))  # no issuance-time checks
    verdict = verify(qr, store, during)
    assert (verdict.valid, verdict.reason, verdict.authentic) == (False, R.WRONG_PROVINCE, True)
    assert "key_usage" in verdict.checks and "province" not in verdict.checks


def test_each_provinces_key_verifies_its_own_passes(
    claims: PassClaims, root: KeyPair, signer: KeyPair, make_store: MakeStore, now: dt.datetime, during: dt.datetime
) -> None:
    shanghai = issue_signing_certificate(root, "31", now=now - dt.timedelta(days=1))
    store = make_store(certificates=[signer.certificate, shanghai.certificate])
    ours = _claiming(claims, "310000", "310115000001")
    assert verify(issue_qr(ours, shanghai.private_key, shanghai.kid), store, during).checks[-2:] == (
        "province", "pass_not_revoked")
    assert verify(issue_qr(claims, signer.private_key, signer.kid), store, during).valid
    assert verify(issue_qr(claims, shanghai.private_key, shanghai.kid), store, during).reason == R.WRONG_PROVINCE


def test_a_signing_certificate_bound_to_no_province_signs_no_pass(
    claims: PassClaims, root: KeyPair, make_store: MakeStore, now: dt.datetime, during: dt.datetime
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "no province")]))
            .issuer_name(root.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=90))
            .add_extension(x509.ExtendedKeyUsage([PASS_SIGNING_EKU]), critical=False)
            .sign(root.private_key, hashes.SHA256()))
    kid = TrustStore.from_certificates([cert]).signers.popitem()[0]
    verdict = verify(issue_qr(claims, key, kid), make_store(certificates=[cert]), during)
    assert verdict.reason == R.KEY_NOT_ALLOWED


# --- time, revocation, trust, match --------------------------------------------------------------


def test_a_pass_expires_at_its_exp(qr: str, store: TrustStore, claims: PassClaims) -> None:
    last_second = claims.valid_until - dt.timedelta(seconds=1)
    fresh = TrustStore(store.signers, policy=store.policy)  # no bundle age in the way
    assert verify(qr, fresh, last_second).valid
    assert verify(qr, fresh, claims.valid_until).reason == R.EXPIRED


def test_a_pass_is_not_valid_before_its_start_beyond_the_clock_skew(
    claims: PassClaims, signer: KeyPair, store: TrustStore, now: dt.datetime
) -> None:
    later = dataclasses.replace(claims, valid_from=now + dt.timedelta(days=1))
    qr = issue_qr(later, signer.private_key, signer.kid)
    assert verify(qr, store, now + dt.timedelta(hours=2)).reason == R.NOT_YET_VALID
    assert verify(qr, store, later.valid_from - dt.timedelta(minutes=4)).valid
    assert verify(qr, store, later.valid_from - dt.timedelta(minutes=6)).reason == R.NOT_YET_VALID


def test_a_pass_issued_in_the_future_is_not_yet_valid(qr: str, store: TrustStore, now: dt.datetime) -> None:
    assert verify(qr, store, now - dt.timedelta(hours=1)).reason == R.NOT_YET_VALID


def test_a_revoked_pass_is_grey(qr: str, make_store: MakeStore, during: dt.datetime) -> None:
    store = make_store(revoked_pass_numbers=["440300000001"])
    verdict = verify(qr, store, during)
    assert verdict.reason == R.REVOKED_PASS
    assert verdict.texts() == ("通行证已被撤销。", "The pass has been revoked.")


def test_a_stale_trust_bundle_never_gives_a_silent_pass(qr: str, make_store: MakeStore, now: dt.datetime) -> None:
    store = make_store(max_age=dt.timedelta(hours=24))
    assert verify(qr, store, now + dt.timedelta(hours=23)).valid
    verdict = verify(qr, store, now + dt.timedelta(hours=25))
    assert verdict.reason == R.TRUST_STALE
    assert verdict.text("en").startswith("Cannot verify: trust data stale")
    assert verdict.text("zh_Hans").startswith("无法核验")


@pytest.mark.parametrize("seen", ["粤B12345", "粤b 12345", "粤B·12345", "粤B-12345"])
def test_the_plate_matches_despite_spacing_and_case(qr: str, store: TrustStore, during: dt.datetime, seen: str) -> None:
    assert verify(qr, store, during, expect_plate=seen).valid


def test_another_plate_is_a_plate_mismatch(qr: str, store: TrustStore, during: dt.datetime) -> None:
    assert verify(qr, store, during, expect_plate="粤B12346").reason == R.PLATE_MISMATCH


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (("440305", "310115"), None),
        (("440305", None), None),
        ((None, "310115"), None),
        (("440306", "310115"), R.ROUTE_MISMATCH),
        (("440305", "310116"), R.ROUTE_MISMATCH),
    ],
)
def test_the_route_must_match_where_the_checkpoint_asks(
    qr: str, store: TrustStore, during: dt.datetime, route: tuple[str | None, str | None], reason: str | None
) -> None:
    assert verify(qr, store, during, expect_route=route).reason == reason


def test_without_a_time_the_time_checks_are_skipped(qr: str, make_store: MakeStore, claims: PassClaims) -> None:
    store = make_store(max_age=dt.timedelta(seconds=1))
    verdict = verify(qr, store, None)
    assert verdict.valid
    assert "validity_period" in verdict.checks
    with pytest.raises(ValueError):
        verify(qr, store, dt.datetime(2022, 5, 2))  # naive: which zone? refuse


def test_a_signed_cwt_without_a_pass_claim_is_bad_cose(
    claims: PassClaims, signer: KeyPair, store: TrustStore, during: dt.datetime
) -> None:
    cwt = claims.to_cwt()
    del cwt[-70001]
    qr = wrap(sign1(cbor2.dumps(cwt), signer.private_key, signer.kid))
    verdict = verify(qr, store, during)
    assert verdict.reason == R.BAD_COSE and verdict.authentic


def test_every_branch_logs_one_event(qr: str, make_store: MakeStore, during: dt.datetime, caplog) -> None:
    store = make_store(revoked_pass_numbers=["440300000001"])
    with caplog.at_level(logging.INFO, logger="jiaoguan.passes.qr.verify"):
        verify(qr, store, during)
        verify("XX:", store, during)
    assert [r.getMessage() for r in caplog.records] == ["pass.verify.revoked_pass", "pass.verify.bad_prefix"]


def test_every_reason_has_its_own_chinese_and_english_text() -> None:
    texts = [R.reason_texts(code) for code in R.REASONS]
    assert len(R.REASONS) == 20
    assert all(zh != en for zh, en in texts)
    assert len({zh for zh, _ in texts}) == len(texts) == len({en for _, en in texts})


cbor_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.binary(max_size=20) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.integers(-5, 5), children, max_size=4),
    max_leaves=20,
)


@given(
    st.one_of(
        st.binary(max_size=400),
        cbor_values.map(cbor2.dumps),
        cbor_values.map(lambda v: cbor2.dumps(cbor2.CBORTag(18, v))),
    )
)
@settings(max_examples=300, deadline=None)
def test_hostile_bytes_inside_a_well_wrapped_qr_never_crash_the_verifier(
    store: TrustStore, during: dt.datetime, raw: bytes
) -> None:
    verdict = verify(wrap(raw), store, during)
    assert not verdict.valid
    assert verdict.reason in R.REASONS


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_text_gets_a_verdict_not_an_exception(store: TrustStore, during: dt.datetime, text: str) -> None:
    assert verify(PREFIX + text, store, during).reason in R.REASONS
