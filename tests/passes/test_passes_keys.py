from __future__ import annotations

import base64
import datetime as dt
import hashlib
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jiaoguan.passes.qr.keys import (
    PASS_PROVINCE_EXTENSION,
    PASS_SIGNING_EKU,
    KeyPair,
    PassKeyError,
    certificate_der,
    issue_signing_certificate,
    key_passphrase,
    kid_of,
    load_key_pair,
    load_private_key_pem,
    may_sign_passes,
    private_key_pem,
    province_of,
    read_certificate,
    rotate_signing_certificate,
    save_key_pair,
)


def test_the_root_is_a_self_signed_p256_ca(root: KeyPair) -> None:
    cert = root.certificate
    assert cert.issuer == cert.subject
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(cert)
    assert cert.public_key().curve.name == "secp256r1"  # type: ignore[union-attr]


def test_a_provincial_certificate_is_signed_by_the_root_and_may_sign_passes(root: KeyPair, signer: KeyPair) -> None:
    signer.certificate.verify_directly_issued_by(root.certificate)
    assert may_sign_passes(signer.certificate)
    assert not may_sign_passes(root.certificate)
    assert province_of(signer.certificate) == "44"
    assert not signer.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert PASS_SIGNING_EKU.dotted_string.startswith("2.25.")


def test_kid_is_the_first_8_bytes_of_the_sha256_of_the_der_certificate(signer: KeyPair) -> None:
    der = signer.certificate.public_bytes(serialization.Encoding.DER)
    assert signer.kid == hashlib.sha256(der).digest()[:8] == kid_of(der) == kid_of(signer.certificate)


def test_a_certificate_without_the_pass_usage_cannot_sign_passes(root: KeyPair) -> None:
    plain = issue_signing_certificate(root, "310000", usages=())
    assert not may_sign_passes(plain.certificate)


def test_rotation_gives_the_same_province_a_new_key_and_kid(root: KeyPair, signer: KeyPair) -> None:
    later = signer.certificate.not_valid_before_utc + dt.timedelta(days=300)
    rotated = rotate_signing_certificate(root, signer.certificate, now=later)
    assert province_of(rotated.certificate) == "44"
    assert rotated.kid != signer.kid
    assert rotated.certificate.public_key() != signer.certificate.public_key()
    assert rotated.certificate.not_valid_before_utc == later


def test_a_signing_certificate_names_its_province_in_the_subject_and_in_a_critical_extension(
    signer: KeyPair,
) -> None:
    ext = signer.certificate.extensions.get_extension_for_oid(PASS_PROVINCE_EXTENSION)
    assert ext.critical
    assert ext.value.value == b"\x13\x06440000"  # type: ignore[attr-defined]  # PrintableString "440000"
    subject = signer.certificate.subject.get_attributes_for_oid(NameOID.STATE_OR_PROVINCE_NAME)
    assert [a.value for a in subject] == ["440000"]
    assert PASS_PROVINCE_EXTENSION.dotted_string.startswith(PASS_SIGNING_EKU.dotted_string.rsplit(".", 2)[0])


@pytest.mark.parametrize("code", ["44", "440000"])
def test_a_province_is_given_as_two_digits_or_its_division_code(root: KeyPair, code: str) -> None:
    assert province_of(issue_signing_certificate(root, code).certificate) == "44"


@pytest.mark.parametrize("code", ["4", "440300", "4400000", "ab", "", "４４"])
def test_anything_else_is_not_a_province(root: KeyPair, code: str) -> None:
    with pytest.raises(PassKeyError):
        issue_signing_certificate(root, code)


def _certificate(root: KeyPair, subject_province: str | None, extension: bytes | None) -> x509.Certificate:
    """A signing certificate as a careless or older tool might make it (subject and extension chosen)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = [x509.NameAttribute(NameOID.COMMON_NAME, "hand-made")]
    if subject_province is not None:
        name.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, subject_province))
    builder = (x509.CertificateBuilder().subject_name(x509.Name(name)).issuer_name(root.certificate.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(root.certificate.not_valid_before_utc)
               .not_valid_after(root.certificate.not_valid_after_utc)
               .add_extension(x509.ExtendedKeyUsage([PASS_SIGNING_EKU]), critical=False))
    if extension is not None:
        builder = builder.add_extension(x509.UnrecognizedExtension(PASS_PROVINCE_EXTENSION, extension), critical=True)
    return builder.sign(root.private_key, hashes.SHA256())


@pytest.mark.parametrize(
    ("subject", "extension", "province"),
    [
        ("44", None, "44"),  # made before the extension: the subject still binds it
        (None, b"\x13\x06310000", "31"),
        ("310000", b"\x13\x06310000", "31"),
        ("440000", b"\x13\x06310000", None),  # two provinces: bound to none
        (None, None, None),
        ("Guangdong", None, None),
        (None, b"\x0c\x06310000", None),  # a UTF8String, not the PrintableString the profile says
        (None, b"\x13\x07310000", None),  # a length that lies
    ],
)
def test_the_province_of_a_certificate_is_read_from_the_extension_and_the_subject(
    root: KeyPair, subject: str | None, extension: bytes | None, province: str | None
) -> None:
    cert = _certificate(root, subject, extension)
    assert province_of(cert) == province
    assert may_sign_passes(cert) is (province is not None)


def test_private_keys_are_encrypted_at_rest_with_a_passphrase_from_the_app_secret(signer: KeyPair) -> None:
    passphrase = key_passphrase("app secret")
    assert passphrase == key_passphrase("app secret") != key_passphrase("another secret")
    pem = private_key_pem(signer.private_key, passphrase)
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert load_private_key_pem(pem, passphrase).public_key() == signer.private_key.public_key()
    with pytest.raises(PassKeyError):
        load_private_key_pem(pem, key_passphrase("wrong"))
    with pytest.raises(PassKeyError):
        key_passphrase("")


def test_key_files_round_trip_and_the_key_file_is_private(tmp_path: Path, signer: KeyPair) -> None:
    passphrase = key_passphrase("s3cret")
    key_path, cert_path = save_key_pair(signer, tmp_path / "keys", "gd-1", passphrase)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    loaded = load_key_pair(tmp_path / "keys", "gd-1", passphrase)
    assert loaded.certificate == signer.certificate
    assert loaded.kid == signer.kid


def test_a_key_file_with_another_keys_certificate_is_refused(tmp_path: Path, root: KeyPair, signer: KeyPair) -> None:
    passphrase = key_passphrase("s3cret")
    save_key_pair(signer, tmp_path, "mixed", passphrase)
    save_key_pair(root, tmp_path, "other", passphrase)
    (tmp_path / "mixed.cert.pem").write_bytes((tmp_path / "other.cert.pem").read_bytes())
    with pytest.raises(PassKeyError):
        load_key_pair(tmp_path, "mixed", passphrase)


def test_certificates_are_read_from_pem_der_base64_and_files(tmp_path: Path, signer: KeyPair) -> None:
    der = certificate_der(signer.certificate)
    pem = signer.certificate.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "c.der").write_bytes(der)
    b64 = base64.b64encode(der).decode()
    for source in (der, pem, pem.decode(), b64, tmp_path / "c.der", str(tmp_path / "c.der")):
        assert read_certificate(source) == signer.certificate
    with pytest.raises(PassKeyError):
        read_certificate("not a certificate")


def test_a_der_certificate_ending_in_a_whitespace_byte_is_read_whole() -> None:
    """Regression: `strip()` on binary DER cut a signature whose last byte was 0x0a, so about one certificate in
    forty could not be read (seen as a flaky failure of the test above)."""
    import datetime as dt

    from cryptography import x509 as _x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = _x509.Name([_x509.NameAttribute(NameOID.COMMON_NAME, "whitespace tail")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for serial in range(1, 5000):
        cert = (
            _x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256())
        )
        der = certificate_der(cert)
        if der[-1:].isspace():
            break
    else:  # pragma: no cover - 5,000 tries without a whitespace tail is about 1e-50
        raise AssertionError("no certificate with a whitespace tail was made")
    assert read_certificate(der) == cert
