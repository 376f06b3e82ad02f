"""Pass-signing keys: a national root CA and provincial signing certificates (X.509, P-256).

``kid`` = the first 8 bytes of the SHA-256 of the DER certificate, as in the EU DCC.

The extended-key-usage OID that lets a certificate sign passes sits under a UUID-based arc,
``2.25.<uuid>`` (ITU-T X.667 / RFC 4122 §1): anyone may mint such an arc without registration, so the
project owns it today. A production deployment that obtains an IANA Private Enterprise Number may move
to ``1.3.6.1.4.1.<pen>.1.1``; only `PASS_SIGNING_EKU` changes. For comparison the DCC marks its
signing certificates with 1.3.6.1.4.1.1847.2021.1.1–3 (test, vaccination, recovery; see dcc.py).

A signing certificate names its province twice, and both must agree: in the subject's
stateOrProvinceName and in a critical extension under the same arc, ``2.25.<uuid>.2.1`` (the
province's GB/T 2260 code as a PrintableString). The verifier holds a pass to it: a province's key
signs only passes whose issuer and number are of that province. Critical, so that software that does
not know the rule refuses the certificate rather than trusting it without the rule. Certificates made
before the extension existed carry the province in the subject only and are read from there.

Private keys are PKCS#8 encrypted at rest with `BestAvailableEncryption`; the passphrase is derived
from the application secret with HKDF, so no second secret has to be stored next to the keys.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import N_

PASS_OID_ARC = "2.25.191000232204443736386714752015036148799"
PASS_SIGNING_EKU = x509.ObjectIdentifier(f"{PASS_OID_ARC}.1.1")
PASS_PROVINCE_EXTENSION = x509.ObjectIdentifier(f"{PASS_OID_ARC}.2.1")
_PRINTABLE_STRING = 0x13

ROOT_YEARS = 20
# Longer than a key is used for signing plus the longest pass validity, so a rotation leaves the
# passes of the previous key verifiable until they expire.
SIGNING_DAYS = 2 * 365
ORGANISATION = "jiaoguan"


class PassKeyError(JiaoguanError):
    code = "passes.key_error"
    message = N_("The key or certificate cannot be used.")


@dataclass(frozen=True)
class KeyPair:
    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def kid(self) -> bytes:
        return kid_of(self.certificate)


def certificate_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def kid_of(cert: x509.Certificate | bytes) -> bytes:
    der = cert if isinstance(cert, bytes) else certificate_der(cert)
    return hashlib.sha256(der).digest()[:8]


def extended_key_usages(cert: x509.Certificate) -> frozenset[str]:
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except (x509.ExtensionNotFound, ValueError):
        # Absent or unparseable (DCC vector CO15 carries an empty EKU): the certificate grants no usage.
        return frozenset()
    return frozenset(oid.dotted_string for oid in usages)


def may_sign_passes(cert: x509.Certificate) -> bool:
    """It holds the pass-signing usage and is bound to one province."""
    return PASS_SIGNING_EKU.dotted_string in extended_key_usages(cert) and province_of(cert) is not None


def two_digit_province(code: str) -> str:
    """A province as a 2-digit code from "44" or "440000"; raise `PassKeyError` for anything else."""
    code = code.strip()
    if code.isascii() and code.isdigit() and (len(code) == 2 or (len(code) == 6 and code.endswith("0000"))):
        return code[:2]
    raise PassKeyError("A province is a 2-digit code or its 6-digit division code (e.g. 44 or 440000).")


def _province_extension(province: str) -> x509.UnrecognizedExtension:
    value = (province + "0000").encode()
    return x509.UnrecognizedExtension(PASS_PROVINCE_EXTENSION, bytes((_PRINTABLE_STRING, len(value))) + value)


def _extension_province(cert: x509.Certificate) -> str | None:
    """The province in the extension; None when absent. Raises `PassKeyError` when it is unreadable."""
    try:
        ext = cert.extensions.get_extension_for_oid(PASS_PROVINCE_EXTENSION)
    except x509.ExtensionNotFound:
        return None
    except ValueError:
        raise PassKeyError("The certificate's extensions are unreadable.") from None
    der = ext.value.value if isinstance(ext.value, x509.UnrecognizedExtension) else b""
    if len(der) < 2 or der[0] != _PRINTABLE_STRING or der[1] != len(der) - 2:
        raise PassKeyError("The province extension is not a PrintableString.")
    return two_digit_province(der[2:].decode("ascii", "replace"))


def province_of(cert: x509.Certificate) -> str | None:
    """The 2-digit province a signing certificate is bound to, or None when it names none, names it in a
    form that is not a province code, or names two different ones (such a certificate signs no pass)."""
    try:
        bound = _extension_province(cert)
    except PassKeyError:
        return None
    names = cert.subject.get_attributes_for_oid(NameOID.STATE_OR_PROVINCE_NAME)
    try:
        named = two_digit_province(str(names[0].value)) if len(names) == 1 else None
    except PassKeyError:
        named = None
    if bound is not None and named is not None and bound != named:
        return None
    return bound if bound is not None else named


def _name(common_name: str, province_code: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    if province_code:
        parts.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province_code))
    parts += [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    return x509.Name(parts)


def create_national_root(*, now: dt.datetime | None = None, years: int = ROOT_YEARS) -> KeyPair:
    """全国根证书: self-signed CA that certifies provincial signers and signs the trust bundle."""
    now = now or utc_now()
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"National pass root {now:%Y%m%d}")
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(certifies=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key, cert)


def _key_usage(*, certifies: bool) -> x509.KeyUsage:
    """Signatures only; a root also certifies keys and signs revocation lists."""
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=certifies, crl_sign=certifies,
                         encipher_only=False, decipher_only=False)


def issue_signing_certificate(
    root: KeyPair,
    province_code: str,
    *,
    now: dt.datetime | None = None,
    days: int = SIGNING_DAYS,
    usages: tuple[x509.ObjectIdentifier, ...] = (PASS_SIGNING_EKU,),
) -> KeyPair:
    """省级签发证书: a new P-256 key certified by the root for one province ("44" or "440000"), which it
    names in its subject and in the critical province extension."""
    now = now or utc_now()
    province = two_digit_province(province_code)
    division = province + "0000"
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{division} pass signing {now:%Y%m%d%H%M%S}", division))
        .issuer_name(root.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(certifies=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.private_key.public_key()), critical=False
        )
        .add_extension(_province_extension(province), critical=True)
    )
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
    return KeyPair(key, builder.sign(root.private_key, hashes.SHA256()))


def rotate_signing_certificate(
    root: KeyPair, current: x509.Certificate, *, now: dt.datetime | None = None, days: int = SIGNING_DAYS
) -> KeyPair:
    """Rotation = a fresh key and certificate for the same province; the old one stays trusted until
    it is revoked or expires, so passes already issued keep verifying."""
    province = province_of(current)
    if province is None:
        raise PassKeyError("The certificate names no province.")
    return issue_signing_certificate(root, province, now=now, days=days)


def key_passphrase(app_secret: str | bytes, label: str = "pass-signing") -> bytes:
    """A passphrase for keys at rest, derived from the application secret (HKDF-SHA256)."""
    secret = app_secret.encode() if isinstance(app_secret, str) else app_secret
    if not secret:
        raise PassKeyError("An empty application secret cannot protect keys.")
    derived = HKDF(hashes.SHA256(), 32, salt=None, info=b"jiaoguan passes key-at-rest v1:" + label.encode())
    return base64.urlsafe_b64encode(derived.derive(secret))


def private_key_pem(key: ec.EllipticCurvePrivateKey, passphrase: bytes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_private_key_pem(pem: bytes, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, passphrase)
    except (ValueError, TypeError):
        raise PassKeyError("The private key cannot be decrypted with this passphrase.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise PassKeyError("Pass keys are P-256 ECDSA keys.")
    return key


def certificate_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def read_certificate(source: str | bytes | Path) -> x509.Certificate:
    """A certificate from a file path, PEM text, DER bytes or base64 DER text (as the DCC vectors give)."""
    data: bytes
    if isinstance(source, Path) or (isinstance(source, str) and _looks_like_path(source)):
        data = Path(source).read_bytes()
    elif isinstance(source, str):
        data = source.encode()
    else:
        data = source
    try:
        if data[:1] == b"\x30":
            # Binary DER is read as it is: stripping "whitespace" would cut a signature ending in 0x0a or 0x20.
            return x509.load_der_x509_certificate(data)
        stripped = data.strip()
        if stripped.startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(stripped)
        return x509.load_der_x509_certificate(base64.b64decode(b"".join(stripped.split()), validate=True))
    except (ValueError, binascii.Error):
        raise PassKeyError("Not a certificate (PEM, DER or base64 DER expected).") from None


def _looks_like_path(text: str) -> bool:
    return len(text) < 4096 and "\n" not in text and os.path.isfile(text)


def save_key_pair(pair: KeyPair, directory: Path, name: str, passphrase: bytes) -> tuple[Path, Path]:
    """Write ``name.key.pem`` (encrypted, owner-only) and ``name.cert.pem``."""
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / f"{name}.key.pem", directory / f"{name}.cert.pem"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_key_pem(pair.private_key, passphrase))
    cert_path.write_bytes(certificate_pem(pair.certificate))
    return key_path, cert_path


def load_key_pair(directory: Path, name: str, passphrase: bytes) -> KeyPair:
    key = load_private_key_pem((directory / f"{name}.key.pem").read_bytes(), passphrase)
    cert = read_certificate(directory / f"{name}.cert.pem")
    if cert.public_key() != key.public_key():
        raise PassKeyError("The certificate does not belong to this key.")
    return KeyPair(key, cert)
