"""Trust for offline checkpoints: a bundle signed by the national root, and the store built from it.

The bundle (信任列表) carries the provincial signing certificates, the revoked kids, the revoked passes
(first 16 bytes of the SHA-256 of the pass number: fixed size, so a list of thousands stays small —
pass numbers are sequential, so the hash does not hide them and is not meant to), when it was issued
and how long it may be relied on. It is a COSE_Sign1 signed by the root key; the checkpoint pins the
root certificate. Past its maximum age the verifier answers "trust data stale", never a silent pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cbor2
from cryptography import x509

from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import N_
from jiaoguan.passes.qr.codec import CWT_ISS, CWT_NBF
from jiaoguan.passes.qr.cose import ES256, CoseError, parse_sign1, sign1, verify_signature
from jiaoguan.passes.qr.keys import (
    PASS_SIGNING_EKU,
    KeyPair,
    certificate_der,
    extended_key_usages,
    kid_of,
    province_of,
    read_certificate,
)

log = logging.getLogger("jiaoguan.passes.qr.trust")

REVOCATION_HASH_BYTES = 16
DEFAULT_MAX_AGE = dt.timedelta(hours=24)
BUNDLE_VERSION = 1
_PASS_EKU = PASS_SIGNING_EKU.dotted_string  # read once: the OID object builds a new string per access


class TrustBundleError(JiaoguanError):
    code = "passes.bad_trust_bundle"
    message = N_("The trust bundle is damaged or not signed by the national root.")


def pass_revocation_hash(pass_no: str) -> bytes:
    return hashlib.sha256(pass_no.encode()).digest()[:REVOCATION_HASH_BYTES]


@dataclass(frozen=True)
class TrustBundle:
    issued_at: dt.datetime
    max_age: dt.timedelta
    signing_certificates: tuple[bytes, ...]  # DER
    revoked_kids: frozenset[bytes] = frozenset()
    revoked_pass_hashes: frozenset[bytes] = frozenset()
    sequence: int = 0

    def to_cbor(self) -> bytes:
        return cbor2.dumps(
            {
                "v": BUNDLE_VERSION,
                "seq": self.sequence,
                "iat": int(self.issued_at.timestamp()),
                "max_age": int(self.max_age.total_seconds()),
                "dsc": list(self.signing_certificates),
                "rk": sorted(self.revoked_kids),
                "rp": sorted(self.revoked_pass_hashes),
            },
            canonical=True,
        )

    @classmethod
    def from_cbor(cls, payload: bytes) -> TrustBundle:
        try:
            data = cbor2.loads(payload)
            if not isinstance(data, Mapping) or data.get("v") != BUNDLE_VERSION:
                raise ValueError("not a version-1 bundle")
            lists = [data["dsc"], data["rk"], data["rp"]]
            if not all(isinstance(x, list) and all(isinstance(b, bytes) for b in x) for x in lists):
                raise ValueError("bundle lists must hold byte strings")
            return cls(
                issued_at=dt.datetime.fromtimestamp(int(data["iat"]), dt.UTC),
                max_age=dt.timedelta(seconds=int(data["max_age"])),
                signing_certificates=tuple(data["dsc"]),
                revoked_kids=frozenset(data["rk"]),
                revoked_pass_hashes=frozenset(data["rp"]),
                sequence=int(data["seq"]),
            )
        except (ValueError, KeyError, TypeError, OverflowError, cbor2.CBORDecodeError) as exc:
            raise TrustBundleError(f"Trust bundle content is not readable: {exc}") from None


def sign_trust_bundle(bundle: TrustBundle, root: KeyPair) -> bytes:
    return sign1(bundle.to_cbor(), root.private_key, root.kid)


def open_trust_bundle(data: bytes, root: x509.Certificate) -> TrustBundle:
    """Check the root's signature and return the bundle; raise `TrustBundleError` otherwise."""
    try:
        message = parse_sign1(data)
    except CoseError as exc:
        raise TrustBundleError(f"Trust bundle is not COSE_Sign1: {exc}") from None
    if message.kid != kid_of(root) or message.alg != ES256:
        raise TrustBundleError("Trust bundle was not signed by this root.")
    if not verify_signature(root.public_key(), ES256, message.to_be_signed(), message.signature):
        raise TrustBundleError("Trust bundle signature is not valid.")
    return TrustBundle.from_cbor(message.payload)


@dataclass(frozen=True, slots=True)
class Signer:
    """A signing certificate with everything the verifier needs already parsed (once, not per scan)."""

    kid: bytes
    certificate: x509.Certificate
    public_key: Any
    not_before: dt.datetime
    not_after: dt.datetime
    usages: frozenset[str]
    province: str | None  # 2 digits (keys.province_of); a pass signer without one signs no pass

    @property
    def may_sign_passes(self) -> bool:
        return _PASS_EKU in self.usages and self.province is not None

    @classmethod
    def from_certificate(cls, cert: x509.Certificate) -> Signer:
        return cls(
            kid=kid_of(cert),
            certificate=cert,
            public_key=cert.public_key(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            usages=extended_key_usages(cert),
            province=province_of(cert),
        )

    def valid_at(self, at: dt.datetime) -> bool:
        return self.not_before <= at <= self.not_after


@dataclass(frozen=True)
class SigningPolicy:
    """Which algorithms and which certificates may sign what this verifier accepts.

    `allows(signer, claims)` sees the decoded CWT claims because the DCC ties its key usages to the
    certificate type inside the payload; the pass policy only looks at the certificate.
    `claims_ok(claims)` checks the profile's own claim structure beyond exp/iat (for passes the pass
    claim is parsed in full instead, `requires_pass_claim`). `province_bound`: the signer's province
    must be the pass's (issuer and number), see `same_province`.
    """

    name: str
    algorithms: frozenset[int]
    requires_pass_claim: bool
    allows: Callable[[Signer, Mapping[Any, Any]], bool]
    claims_ok: Callable[[Mapping[Any, Any]], bool] = lambda claims: True
    province_bound: bool = False


def _holds_pass_eku(signer: Signer, claims: Mapping[Any, Any]) -> bool:
    return signer.may_sign_passes


def _pass_cwt_ok(claims: Mapping[Any, Any]) -> bool:
    # exp and iat are checked for every profile; a pass also names its issuer and its start.
    return type(claims.get(CWT_ISS)) is str and CWT_NBF in claims


PASS_POLICY = SigningPolicy("pass", frozenset({ES256}), True, _holds_pass_eku, _pass_cwt_ok, province_bound=True)


def same_province(signer: Signer, issuer: str, pass_no: str) -> bool:
    """A province's key signs only its own passes: the issuer claim (e.g. "440000") and the pass number
    (its first 6 digits are the issuing area's GB/T 2260 code) must both begin with the signer's province."""
    province = signer.province
    return province is not None and issuer[:2] == province and pass_no[:2] == province


@dataclass
class TrustStore:
    """Signers by kid plus the revocation lists; `max_age` None means the trust does not go stale
    (certificates given directly, e.g. on the command line)."""

    signers: dict[bytes, Signer] = field(default_factory=dict)
    revoked_kids: frozenset[bytes] = frozenset()
    revoked_passes: frozenset[bytes] = frozenset()
    issued_at: dt.datetime | None = None
    max_age: dt.timedelta | None = None
    policy: SigningPolicy = PASS_POLICY

    @classmethod
    def from_certificates(
        cls, certificates: Iterable[x509.Certificate | bytes | str], policy: SigningPolicy = PASS_POLICY
    ) -> TrustStore:
        signers = {}
        for item in certificates:
            cert = item if isinstance(item, x509.Certificate) else read_certificate(item)
            signer = Signer.from_certificate(cert)
            signers[signer.kid] = signer
        return cls(signers=signers, policy=policy)

    @classmethod
    def from_bundle(cls, data: bytes, root: x509.Certificate, policy: SigningPolicy = PASS_POLICY) -> TrustStore:
        bundle = open_trust_bundle(data, root)
        signers = {}
        for der in bundle.signing_certificates:
            try:
                cert = x509.load_der_x509_certificate(der)
                cert.verify_directly_issued_by(root)
            except Exception:  # a certificate the root did not issue is simply not trusted
                log.warning("pass.trust.signer_not_from_root", extra={"kid": kid_of(der).hex()})
                continue
            signers[kid_of(der)] = Signer.from_certificate(cert)
        return cls(
            signers=signers,
            revoked_kids=bundle.revoked_kids,
            revoked_passes=bundle.revoked_pass_hashes,
            issued_at=bundle.issued_at,
            max_age=bundle.max_age,
            policy=policy,
        )

    def is_stale(self, at: dt.datetime) -> bool:
        if self.max_age is None or self.issued_at is None:
            return False
        return at - self.issued_at > self.max_age

    def pass_revoked(self, pass_no: str) -> bool:
        return pass_revocation_hash(pass_no) in self.revoked_passes


def build_trust_bundle(
    signing_certificates: Iterable[x509.Certificate],
    root: KeyPair,
    *,
    issued_at: dt.datetime,
    max_age: dt.timedelta = DEFAULT_MAX_AGE,
    revoked_kids: Iterable[bytes] = (),
    revoked_pass_numbers: Iterable[str] = (),
    sequence: int = 0,
) -> bytes:
    """The signed bundle bytes, from certificates and plain pass numbers."""
    bundle = TrustBundle(
        issued_at=issued_at,
        max_age=max_age,
        signing_certificates=tuple(certificate_der(c) for c in signing_certificates),
        revoked_kids=frozenset(revoked_kids),
        revoked_pass_hashes=frozenset(pass_revocation_hash(n) for n in revoked_pass_numbers),
        sequence=sequence,
    )
    return sign_trust_bundle(bundle, root)


def write_trust_bundle(path: Path, data: bytes) -> None:
    # Write then rename, so a checkpoint never reads half a bundle.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def load_trust_store(
    path: Path, root: x509.Certificate | str | Path, policy: SigningPolicy = PASS_POLICY
) -> TrustStore:
    root_cert = root if isinstance(root, x509.Certificate) else read_certificate(root)
    return TrustStore.from_bundle(Path(path).read_bytes(), root_cert, policy)
