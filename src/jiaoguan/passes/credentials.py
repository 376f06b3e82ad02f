"""The register's signed credentials (issue 11.4): 电子驾驶证 and 学习驾驶证明, downloadable with a QR that the
pass verifier core checks (`qr/credential.py` for the format and the policy).

Why here: signing needs the provinces' pass keys, which this room keeps (`issuance/keystore.py`); the
registry, below, records the document (`registry.changes`: `e-licence`, `learner-permit-proof`) and this
room signs it when it is downloaded, with the province's current key. The online check also asks the
register whether the document is still valid: a replaced (void) document answers `revoked_pass`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import REGISTRY_READERS, Role
from jiaoguan.kit import audit
from jiaoguan.kit.clock import CHINA_TZ, utc_now
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.qr import reasons as R
from jiaoguan.passes.qr.credential import (
    CREDENTIAL_PREFIX,
    KINDS,
    CredentialContent,
    content_of,
    credential_trust,
    issue_credential_qr,
)
from jiaoguan.passes.qr.verify import Verdict, verify
from jiaoguan.registry import queries as registry
from jiaoguan.registry.queries import DocumentFacts

log = logging.getLogger("jiaoguan.passes.credentials")
#: A long-term licence's electronic copy is re-signed at least every ten years [I].
LONG_TERM_SIGNATURE_DAYS = 3650


class CredentialNotFound(NotFound):
    code = "passes.credential_not_found"
    message = N_("There is no such document to download.")


@dataclass(frozen=True)
class Credential:
    document: DocumentFacts
    content: CredentialContent
    qr_text: str


@dataclass(frozen=True)
class CredentialCheck:
    valid: bool
    reason: str | None
    content: CredentialContent | None
    message: str

    @classmethod
    def of(cls, verdict: Verdict, reason: str | None = None) -> CredentialCheck:
        reason = reason if reason is not None else verdict.reason
        valid = verdict.valid and reason is None
        return cls(valid, reason, content_of(verdict.claims) if verdict.authentic else None,
                   R.reason_text(reason) if reason else "")


def number_of(doc: DocumentFacts) -> str:
    return f"{doc.province_code}-{doc.id:06d}-{doc.serial}"


def _document_id(number: str) -> int | None:
    parts = number.split("-")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def may_download(viewer: Principal, doc: DocumentFacts) -> bool:
    if Role(viewer.role) is Role.citizen:
        return viewer.person_id is not None and viewer.person_id == doc.person_id
    return Role(viewer.role) in REGISTRY_READERS


def credential(session: Session, viewer: Principal, document_id: int, *, now: dt.datetime | None = None) -> Credential:
    """Sign the document's QR for download (another person's document answers "not found")."""
    doc = registry.document(session, document_id)
    if doc is None or doc.kind not in KINDS or doc.status != "valid" or not may_download(viewer, doc):
        raise CredentialNotFound()
    if Role(viewer.role) is not Role.citizen:   # a staff look-up of someone's document leaves a trace (查询留痕)
        audit.record(session, "passes.credential_view", "registry_document", doc.id, f"{doc.kind} {number_of(doc)}")
    now = now or utc_now()
    key = keystore.current_signing_key(session, doc.province_code)
    pair = keystore.key_pair(key)
    content = CredentialContent.masked(kind=doc.kind, number=number_of(doc), name=doc.holder_name,
                                       id_number=doc.holder_id_number, classes=doc.classes,
                                       valid_from=doc.record_valid_from or doc.issued_on, valid_until=doc.valid_until)
    if doc.valid_until is not None:
        until = dt.datetime.combine(doc.valid_until + dt.timedelta(days=1), dt.time(0), CHINA_TZ).astimezone(dt.UTC)
    else:
        until = now + dt.timedelta(days=LONG_TERM_SIGNATURE_DAYS)
    qr = issue_credential_qr(content, issuer=doc.province_code + "0000", issued_at=now, valid_until=until,
                             private_key=pair.private_key, kid=pair.kid)
    return Credential(doc, content, qr)


def check_credential(session: Session, qr_text: str, *, at: dt.datetime | None = None) -> CredentialCheck:
    """The online check: signature, key, validity by the verifier core, then the register's own word."""
    trust = credential_trust(keystore.server_trust_store(session))
    verdict = verify(qr_text.strip(), trust, at or utc_now(), prefix=CREDENTIAL_PREFIX)
    if not verdict.valid:
        return CredentialCheck.of(verdict)
    content = content_of(verdict.claims)
    doc_id = _document_id(content.number) if content else None
    doc = registry.document(session, doc_id) if doc_id is not None else None
    if doc is None or doc.status != "valid" or content is None or number_of(doc) != content.number:
        log.info("credential.verify.revoked")
        return CredentialCheck.of(verdict, R.REVOKED_PASS)
    return CredentialCheck.of(verdict)
