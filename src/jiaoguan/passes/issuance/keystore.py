"""Pass keys kept in the database: the national root and each province's signing keys.

Private keys are stored PKCS#8-encrypted with a passphrase derived from the application secret
(keys.key_passphrase) and are never served; only certificates leave the server, in the trust bundle.
A rotation retires the province's active key (its passes keep verifying until they expire); a
revocation (key compromise) turns every pass it signed grey.
"""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import comma_joined
from jiaoguan.kit.errors import Conflict, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import PROVINCES
from jiaoguan.kit.prepared import Prepared
from jiaoguan.kit.settings import get_settings
from jiaoguan.passes.models import PassSigningKey, TransportPass
from jiaoguan.passes.qr import keys
from jiaoguan.passes.qr.trust import DEFAULT_MAX_AGE, Signer, TrustStore, build_trust_bundle
from jiaoguan.passes.states import PassStatus


class NoSigningKey(Conflict):
    code = "passes.no_signing_key"
    message = N_("There is no signing key for province %(province)s; run `jiaoguan pass keys init`.")


class NoRootKey(Conflict):
    code = "passes.no_root_key"
    message = N_("There is no national root key yet; run `jiaoguan pass keys init`.")


def _passphrase() -> bytes:
    return keys.key_passphrase(get_settings().effective_secret_key)


@lru_cache(maxsize=64)
def _decrypt(kid: str, private_pem: str, certificate_pem: str, passphrase: bytes) -> keys.KeyPair:
    # Decrypting costs a key derivation; the pair is kept for the life of the process.
    return keys.KeyPair(keys.load_private_key_pem(private_pem.encode(), passphrase),
                        keys.read_certificate(certificate_pem.encode()))


def key_pair(row: PassSigningKey) -> keys.KeyPair:
    return _decrypt(row.kid, row.private_key_pem, row.certificate_pem, _passphrase())


def certificate(row: PassSigningKey) -> x509.Certificate:
    return keys.read_certificate(row.certificate_pem.encode())


def _store(session: Session, pair: keys.KeyPair, kind: str, province: str | None) -> PassSigningKey:
    row = PassSigningKey(
        kid=pair.kid.hex(), kind=kind, province_code=province,
        certificate_pem=keys.certificate_pem(pair.certificate).decode(),
        private_key_pem=keys.private_key_pem(pair.private_key, _passphrase()).decode(),
        status="active", not_after=pair.certificate.not_valid_after_utc, created_at=utc_now(),
    )
    session.add(row)
    session.flush()
    return row


def root_row(session: Session) -> PassSigningKey | None:
    return session.execute(
        select(PassSigningKey).where(PassSigningKey.kind == "root", PassSigningKey.status == "active")
        .order_by(PassSigningKey.id.desc()).limit(1)
    ).scalar_one_or_none()


def require_root(session: Session) -> PassSigningKey:
    row = root_row(session)
    if row is None:
        raise NoRootKey()
    return row


def current_signing_key(session: Session, province: str) -> PassSigningKey:
    row = session.execute(
        select(PassSigningKey).where(PassSigningKey.kind == "signing", PassSigningKey.province_code == province,
                                     PassSigningKey.status == "active")
        .order_by(PassSigningKey.id.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NoSigningKey(province=province)
    return row


def _check_province(province: str) -> None:
    if province not in PROVINCES:
        raise InvalidInput(N_("Unknown province code."), code="passes.unknown_province", field="province")


def init_keys(session: Session, provinces: list[str]) -> list[PassSigningKey]:
    """Create the root if there is none and a signing key for each province that has none; idempotent."""
    for p in provinces:
        _check_province(p)
    created: list[PassSigningKey] = []
    root = root_row(session)
    if root is None:
        root = _store(session, keys.create_national_root(), "root", None)
        audit.record(session, "pass.key.create", "pass_signing_key", root.kid, "national root")
        created.append(root)
    root_pair = key_pair(root)
    for province in provinces:
        try:
            current_signing_key(session, province)
        except NoSigningKey:
            row = _store(session, keys.issue_signing_certificate(root_pair, province), "signing", province)
            audit.record(session, "pass.key.create", "pass_signing_key", row.kid, f"signing key for {province}")
            created.append(row)
    return created


def rotate_key(session: Session, province: str) -> PassSigningKey:
    """A new signing key for the province; the old one is retired (still trusted, no longer used)."""
    _check_province(province)
    root_pair = key_pair(require_root(session))
    now = utc_now()
    for old in session.execute(
        select(PassSigningKey).where(PassSigningKey.kind == "signing", PassSigningKey.province_code == province,
                                     PassSigningKey.status == "active")
    ).scalars():
        old.status, old.retired_at = "retired", now
        audit.record(session, "pass.key.retire", "pass_signing_key", old.kid, f"rotated out for {province}")
    row = _store(session, keys.issue_signing_certificate(root_pair, province), "signing", province)
    audit.record(session, "pass.key.create", "pass_signing_key", row.kid, f"rotation for {province}")
    return row


def find_key(session: Session, kid_hex: str) -> PassSigningKey:
    row = session.execute(select(PassSigningKey).where(PassSigningKey.kid == kid_hex.strip().lower())
                          ).scalar_one_or_none()
    if row is None:
        raise NotFound(N_("No key with this kid."), code="passes.unknown_kid")
    return row


def list_keys(session: Session) -> list[PassSigningKey]:
    return list(session.execute(select(PassSigningKey).order_by(PassSigningKey.id)).scalars())


def signing_rows(session: Session, at: dt.datetime | None = None) -> list[PassSigningKey]:
    """Every signing key whose certificate has not run out: active, retired and revoked."""
    at = at or utc_now()
    return list(session.execute(
        select(PassSigningKey).where(PassSigningKey.kind == "signing", PassSigningKey.not_after >= at)
        .order_by(PassSigningKey.id)
    ).scalars())


_store_lock = threading.Lock()
_store_cache: dict[tuple[tuple[str, str], ...], TrustStore] = {}


# What the cached store is keyed by: every signing key's kid and status, read on every online verification (two
# short columns; the certificates are read only when the set changed). Built once (see accounts.service).
_SIGNER_STAMP = Prepared(select(PassSigningKey.kid, PassSigningKey.status).where(PassSigningKey.kind == "signing"))
# The same stamp as one text column ("kid:status,…", in no particular order), for a caller that reads it in a
# statement of its own (the scanner's checkpoint look-up: one round trip instead of two).
SIGNER_STAMP_TEXT = (select(comma_joined(PassSigningKey.kid + ":" + PassSigningKey.status))
                     .where(PassSigningKey.kind == "signing").scalar_subquery())

Stamp = tuple[tuple[str, str], ...]


def stamp_of(text: str | None) -> Stamp:
    """`SIGNER_STAMP_TEXT` as read, in the form `server_trust_store` keys its cache by."""
    return tuple(sorted((kid, status) for kid, _, status in (item.partition(":") for item in (text or "").split(",")
                                                             if item)))


def server_trust_store(session: Session, stamp: Stamp | None = None) -> TrustStore:
    """The trust of the online verifier: every known signing certificate, the revoked kids, never stale.

    Revoked passes are checked against the database (the pass row), not through this store. `stamp`: the signing
    keys' stamp when the caller has just read it in its own statement (`SIGNER_STAMP_TEXT`, `stamp_of`).
    """
    if stamp is None:
        stamp = tuple(sorted((kid, status) for kid, status in _SIGNER_STAMP.rows(session)))
    with _store_lock:
        cached = _store_cache.get(stamp)
        if cached is not None:
            return cached
    rows = session.execute(
        select(PassSigningKey.kid, PassSigningKey.status, PassSigningKey.certificate_pem)
        .where(PassSigningKey.kind == "signing")
    ).all()
    signers: dict[bytes, Signer] = {}
    for r in rows:
        signer = Signer.from_certificate(keys.read_certificate(r.certificate_pem.encode()))
        signers[signer.kid] = signer
    store = TrustStore(signers=signers,
                       revoked_kids=frozenset(bytes.fromhex(r.kid) for r in rows if r.status == "revoked"))
    # Keyed by what the certificates were read with (the same transaction): a key added between the two reads
    # is in the store under its own stamp, and the next verification reads that stamp and builds again.
    stamp = tuple(sorted((r.kid, r.status) for r in rows))
    with _store_lock:
        _store_cache.clear()  # only the newest key set is worth keeping
        _store_cache[stamp] = store
    return store


def trust_bundle(session: Session, *, max_age: dt.timedelta = DEFAULT_MAX_AGE,
                 now: dt.datetime | None = None) -> bytes:
    """The signed trust bundle for offline checkpoints (COSE_Sign1 by the national root)."""
    from jiaoguan.kit.clock import today

    now = now or utc_now()
    root_pair = key_pair(require_root(session))
    rows = signing_rows(session, now)
    # Passes past their last day fail on `exp` anyway; listing them would only grow the bundle.
    revoked = session.execute(
        select(TransportPass.pass_no).where(TransportPass.status == PassStatus.revoked,
                                            TransportPass.valid_to >= today() - dt.timedelta(days=1))
    ).scalars().all()
    return build_trust_bundle(
        [certificate(r) for r in rows], root_pair, issued_at=now, max_age=max_age,
        revoked_kids=[bytes.fromhex(r.kid) for r in rows if r.status == "revoked"],
        revoked_pass_numbers=revoked, sequence=int(now.timestamp()),
    )
