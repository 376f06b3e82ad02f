"""Revocation (吊销/作废): one pass, or a whole signing key after a compromise, then batch re-issue.

A revoked pass turns grey everywhere: online at once (the pass row), offline with the next trust
bundle (its number's hash in the revocation list). A revoked key turns every pass it signed grey;
`reissue_passes_of_key` signs the honest ones again, same numbers, under the province's new key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.errors import Conflict, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.passes import figures
from jiaoguan.passes.applications.service import NotYourApplication, applicant_recipients, get_application
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.issuance.issue import crew_of, sign
from jiaoguan.passes.models import PassSigningKey, TransportPass
from jiaoguan.passes.states import PASS, PassStatus


class PassAlreadyRevoked(Conflict):
    code = "passes.already_revoked"
    message = N_("This pass has already been revoked.")


def get_pass(session: Session, pass_no: str, *, lock: bool = False) -> TransportPass:
    stmt = select(TransportPass).where(TransportPass.pass_no == pass_no.strip())
    p = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if p is None:
        raise NotFound(N_("No pass with this number."), code="passes.no_such_pass")
    return p


def revoke_pass(session: Session, pass_no: str, issuer: Principal, reason: str) -> TransportPass:
    """An issuer of the pass's province revokes it, giving the reason."""
    p = get_pass(session, pass_no, lock=True)
    if issuer.role != "pass_issuer" or issuer.province_code != p.province_code:
        raise NotYourApplication()
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise InvalidInput(N_("Give the reason for the revocation."), code="passes.revocation_reason", field="reason")
    if p.status == PassStatus.revoked:
        raise PassAlreadyRevoked()
    p.revoked_at, p.revoked_reason, p.revoked_by_user_id = utc_now(), reason, issuer.id
    # The event lets rooms above react without being called: halls lowers a waiting ticket's priority,
    # stats counts it.
    PASS.apply(session, p, "revoke", role=issuer.role, summary=f"{p.pass_no}: {reason}", province_code=p.province_code,
               payload=figures.revoked(p),
               recipients=applicant_recipients(get_application(session, p.application_id)),
               params={"pass_no": p.pass_no, "plate": p.plate_no, "reason": reason})
    return p


@dataclass(frozen=True)
class CompromiseReport:
    key: PassSigningKey
    affected: int  # passes signed by the key that were still active
    reissued: list[str]  # pass numbers signed again under the new key
    new_key: PassSigningKey | None


def revoke_key(session: Session, kid_hex: str, reason: str) -> tuple[PassSigningKey, int]:
    """Key compromise: the key is revoked and every active pass it signed turns grey (key_revoked)."""
    key = keystore.find_key(session, kid_hex)
    if key.kind != "signing":
        raise Conflict(N_("Only a signing key can be revoked this way."), code="passes.not_a_signing_key")
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise InvalidInput(N_("Give the reason for the revocation."), code="passes.revocation_reason", field="reason")
    if key.status == "revoked":
        raise Conflict(N_("This key has already been revoked."), code="passes.key_already_revoked")
    now = utc_now()
    key.status, key.revoked_at, key.revoked_reason = "revoked", now, reason
    passes = list(session.execute(
        select(TransportPass).where(TransportPass.key_id == key.id, TransportPass.status == PassStatus.active)
    ).scalars())
    for p in passes:
        PASS.apply(session, p, "grey_for_key", summary=f"{p.pass_no}: signing key {key.kid} revoked")
    audit.record(session, "pass.key.revoke", "pass_signing_key", key.kid,
                 f"{reason}; {len(passes)} active pass(es) turned grey")
    return key, len(passes)


def reissue_passes_of_key(session: Session, key: PassSigningKey) -> tuple[list[str], PassSigningKey | None]:
    """Sign again, under the province's current key, every honest pass the revoked key had signed:
    those turned grey by the key's revocation and not yet past their last day."""
    passes = list(session.execute(
        select(TransportPass).where(TransportPass.key_id == key.id, TransportPass.status == PassStatus.key_revoked,
                                    TransportPass.valid_to >= today())
        .order_by(TransportPass.pass_no)
    ).scalars())
    if not passes:
        return [], None
    assert key.province_code is not None
    new_key = keystore.current_signing_key(session, key.province_code)
    now = utc_now()
    for p in passes:
        app = get_application(session, p.application_id)
        sign(p, app, crew_of(session, app.id), new_key, now)
        p.reissue_count += 1
        PASS.apply(session, p, "reissue", summary=f"{p.pass_no}: signed again under {new_key.kid}",
                   recipients=applicant_recipients(app), params={"pass_no": p.pass_no, "plate": p.plate_no})
    session.flush()
    audit.record(session, "pass.reissue", "pass_signing_key", key.kid,
                 f"{len(passes)} pass(es) re-signed under {new_key.kid}: {' '.join(p.pass_no for p in passes)}")
    return [p.pass_no for p in passes], new_key


def compromise_key(session: Session, kid_hex: str, reason: str, *, reissue: bool = True) -> CompromiseReport:
    """Revoke a compromised key, give its province a fresh key, and re-issue its honest passes in one batch."""
    key, affected = revoke_key(session, kid_hex, reason)
    if not reissue:
        return CompromiseReport(key, affected, [], None)
    assert key.province_code is not None
    try:
        keystore.current_signing_key(session, key.province_code)
    except keystore.NoSigningKey:
        keystore.rotate_key(session, key.province_code)
    reissued, new_key = reissue_passes_of_key(session, key)
    return CompromiseReport(key, affected, reissued, new_key)
