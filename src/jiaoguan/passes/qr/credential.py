"""Signed credentials of the register: 电子驾驶证 and 学习驾驶证明 as QR codes the pass verifier core checks.

The same stack and keys as the pass (CWT in COSE_Sign1, ES256, zlib, Base45) with their own prefix
``JGD1:`` and private claim -70002, so a pass scanner never mistakes one for a pass. The province's pass
signing key signs (the key infrastructure is reused as is); `CREDENTIAL_POLICY` accepts a signer holding
the pass-signing usage whose province is the credential's issuer. What the QR says of the holder is what
lets an officer match the card in hand: the masked name and ID number, the classes and the validity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec

from jiaoguan.kit.ids.masking import mask_id_number, mask_name
from jiaoguan.passes.qr.codec import CWT_EXP, CWT_IAT, CWT_ISS, CWT_NBF, PassFormatError, wrap
from jiaoguan.passes.qr.cose import ES256, sign1
from jiaoguan.passes.qr.trust import Signer, SigningPolicy, TrustStore

CREDENTIAL_PREFIX = "JGD1:"
CREDENTIAL_CLAIM = -70002
CREDENTIAL_VERSION = 1
KINDS = ("e_licence", "learner_permit_proof")


@dataclass(frozen=True)
class CredentialContent:
    kind: str              # e_licence | learner_permit_proof
    number: str            # 2-digit province + document id, e.g. "11-000123-2" (id and serial)
    name: str              # masked: 张*丰
    id_number: str         # masked: 110105********1234
    classes: str           # "C1" | "A2 D"
    valid_from: str        # ISO date
    valid_until: str | None   # ISO date; None for a long-term licence

    @classmethod
    def masked(cls, *, kind: str, number: str, name: str, id_number: str, classes: str, valid_from: dt.date,
               valid_until: dt.date | None) -> CredentialContent:
        return cls(kind, number, mask_name(name), mask_id_number(id_number), classes, valid_from.isoformat(),
                   valid_until.isoformat() if valid_until else None)

    def to_cbor(self) -> dict[str, Any]:
        return {"v": CREDENTIAL_VERSION, "t": self.kind, "no": self.number, "nm": self.name, "id": self.id_number,
                "cls": self.classes, "vf": self.valid_from, "vt": self.valid_until}

    @classmethod
    def from_cbor(cls, value: Any) -> CredentialContent:
        if type(value) is not dict or value.get("v") != CREDENTIAL_VERSION:
            raise PassFormatError("credential claim is not a version-1 map")
        fields = [value.get(k) for k in ("t", "no", "nm", "id", "cls", "vf")]
        vt = value.get("vt")
        texts = [x for x in fields if type(x) is str]
        if len(texts) != len(fields) or not (vt is None or type(vt) is str) or texts[0] not in KINDS:
            raise PassFormatError("credential claim fields have the wrong types")
        t, no, nm, idn, classes, vf = texts
        return cls(t, no, nm, idn, classes, vf, vt)


def issue_credential_qr(content: CredentialContent, *, issuer: str, issued_at: dt.datetime, valid_until: dt.datetime,
                        private_key: ec.EllipticCurvePrivateKey, kid: bytes) -> str:
    """Sign the credential as a CWT and render the QR text (``JGD1:…``)."""
    if content.kind not in KINDS:
        raise PassFormatError(f"unknown credential kind {content.kind!r}")
    claims = {CWT_ISS: issuer, CWT_IAT: int(issued_at.timestamp()), CWT_NBF: int(issued_at.timestamp()),
              CWT_EXP: int(valid_until.timestamp()), CREDENTIAL_CLAIM: content.to_cbor()}
    return wrap(sign1(cbor2.dumps(claims), private_key, kid), CREDENTIAL_PREFIX)


def _province_signer(signer: Signer, claims: Mapping[Any, Any]) -> bool:
    # A province's pass key signs its own province's credentials only.
    issuer = claims.get(CWT_ISS)
    return signer.may_sign_passes and type(issuer) is str and issuer[:2] == signer.province


def _credential_claims_ok(claims: Mapping[Any, Any]) -> bool:
    try:
        CredentialContent.from_cbor(claims.get(CREDENTIAL_CLAIM))
    except PassFormatError:
        return False
    return type(claims.get(CWT_ISS)) is str


CREDENTIAL_POLICY = SigningPolicy("credential", frozenset({ES256}), False, _province_signer, _credential_claims_ok)


def credential_trust(store: TrustStore) -> TrustStore:
    """The same signers and revoked keys as `store`, judged by the credential policy."""
    return TrustStore(signers=store.signers, revoked_kids=store.revoked_kids, issued_at=store.issued_at,
                      max_age=store.max_age, policy=CREDENTIAL_POLICY)


def content_of(claims: Mapping[str, Any] | None) -> CredentialContent | None:
    """The credential in a verdict's readable claims (keys as text), if one can be read."""
    raw = (claims or {}).get(str(CREDENTIAL_CLAIM))
    try:
        return CredentialContent.from_cbor(raw)
    except PassFormatError:
        return None
