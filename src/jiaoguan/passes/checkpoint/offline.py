"""离线核验: the trust snapshot that the checkpoint page keeps for verifying passes with no network.

The snapshot is the signed trust bundle (keystore.trust_bundle), opened against the national root and
laid out as JSON for the browser: no second source of truth for which keys are trusted or which passes
are revoked. The browser cannot check X.509 chains cheaply, so the server does it here, once, and hands
over what the verifier needs per signer (kid, SPKI public key, validity, may it sign passes).

The page (assets/offline_verify.js) runs the checklist of qr/verify.py in the same order with the same
reason codes; the parameters it must agree on (prefix, clock skew, the caps on text, inflated size and
CBOR) travel in the snapshot.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.i18n import translate
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.qr import cbor
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.codec import MAX_DECOMPRESSED, MAX_QR_CHARS, PREFIX
from jiaoguan.passes.qr.trust import DEFAULT_MAX_AGE, REVOCATION_HASH_BYTES, Signer, TrustStore
from jiaoguan.passes.qr.verify import CLOCK_SKEW

SNAPSHOT_VERSION = 2  # 2: the CBOR limits and the signers' provinces


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def signer_json(signer: Signer) -> dict[str, Any]:
    spki = signer.public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return {
        "kid": signer.kid.hex(),
        "spki": base64.b64encode(spki).decode(),
        "not_before": int(signer.not_before.timestamp()),
        "not_after": int(signer.not_after.timestamp()),
        "may_sign_passes": signer.may_sign_passes,
        "province": signer.province,
    }


def snapshot_json(store: TrustStore) -> dict[str, Any]:
    """The JSON snapshot of an opened trust bundle (a store with `issued_at` and `max_age`)."""
    if store.issued_at is None or store.max_age is None:
        raise ValueError("an offline snapshot needs trust that goes stale (issued_at and max_age)")
    return {
        "version": SNAPSHOT_VERSION,
        "issued_at": int(store.issued_at.timestamp()),
        "issued_at_iso": _iso(store.issued_at),
        "max_age_seconds": int(store.max_age.total_seconds()),
        "prefix": PREFIX,
        "algorithms": sorted(store.policy.algorithms),
        "clock_skew_seconds": int(CLOCK_SKEW.total_seconds()),
        "max_qr_chars": MAX_QR_CHARS,
        "max_decompressed": MAX_DECOMPRESSED,
        "cbor_max_depth": cbor.CLAIMS.max_depth,
        "cbor_max_items": cbor.CLAIMS.max_items,
        "cbor_max_string": cbor.CLAIMS.max_string,
        "revocation_hash_bytes": REVOCATION_HASH_BYTES,
        # Every signer the bundle trusts, also those that may not sign passes: a pass signed by such a
        # key must end in key_not_allowed, as in qr/verify.py, not in unknown_kid.
        "signers": [signer_json(s) for s in sorted(store.signers.values(), key=lambda s: s.kid)],
        "revoked_kids": sorted(k.hex() for k in store.revoked_kids),
        "revoked_pass_hashes": sorted(h.hex() for h in store.revoked_passes),
    }


def offline_trust(session: Session, *, max_age: dt.timedelta = DEFAULT_MAX_AGE,
                  now: dt.datetime | None = None) -> dict[str, Any]:
    """Build the signed trust bundle, open it with the pinned root, and return its JSON snapshot."""
    now = now or utc_now()
    data = keystore.trust_bundle(session, max_age=max_age, now=now)
    root = keystore.certificate(keystore.require_root(session))
    return snapshot_json(TrustStore.from_bundle(data, root))


def reason_texts_json() -> dict[str, list[str]]:
    """Every reason code of the pure verifier with its (zh, en) text; "valid" for the green screen."""
    out = {code: list(R.reason_texts(code)) for code in R.REASONS}
    out["valid"] = list(R.reason_texts(None))
    return out


def labels_json(pairs: dict[str, str], locale: str | None = None) -> dict[str, str]:
    """Vocabulary (plate colours, cargo categories) as code → name in the page's language."""
    return {code: translate(msgid, locale) for code, msgid in pairs.items()}
