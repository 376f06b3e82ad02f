"""Effects on driving licences: renewal (期满换证, 超龄换证), replacement (遗失补证, 损毁换证), deferrals
(延期换证 / 延期审验 / 延期提交身体条件证明), the medical certificate (提交身体条件证明) and the holder's contact
details (变更联系方式)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.calendar import add_months
from jiaoguan.kit.context import Actor
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_
from jiaoguan.registry import rules
from jiaoguan.registry.changes.base import (
    EffectResult,
    RecordNotFound,
    done,
    iso,
    licence_row,
    person_row,
    refused,
    reissue,
)
from jiaoguan.registry.changes.obligations import close_obligations, open_obligation
from jiaoguan.registry.models import Deferral, DrivingLicence, LearnerPermit, Person, PointEntry
from jiaoguan.registry.rules import Refusal

#: A medical certificate is valid six months from its issue (Decree 162 art 85).
CERTIFICATE_VALID_MONTHS = 6
DEFERRAL_MATTERS = ("renewal", "review", "medical")
DEFERRAL_REASONS = ("military", "abroad", "other")
_PHONE = re.compile(r"1\d{10}")

ActorLike = Principal | Actor | None


class BadContact(InvalidInput):
    code = "registry.bad_contact"
    message = N_("Give a mobile number of 11 digits starting with 1, or an address of at most 200 characters.")


def _refuse_unless_usable(lic: DrivingLicence, *, lost: bool = False) -> None:
    if lic.status == "detained":
        raise refused(Refusal("licence_detained", N_("The licence is detained."),
                              "Decree 162 art 69" if lost else "Decree 162 art 63",
                              N_("Collect the licence after the case is closed.")))
    if lic.status in ("cancelled", "revoked"):
        raise refused(Refusal("licence_closed", N_("The licence is cancelled or revoked."), "Decree 162 art 79",
                              N_("Restore it by passing subject 1, or apply for a new licence.")))


def full_score_in_period(session: Session, lic: DrivingLicence) -> bool:
    """Whether any scoring cycle of the ending validity period reached 12 points (art 62)."""
    if lic.points >= rules.FULL_SCORE:
        return True
    per_cycle = session.execute(
        select(PointEntry.cycle_start, func.sum(PointEntry.delta)).where(
            PointEntry.licence_id == lic.id, PointEntry.cycle_start >= lic.valid_from)
        .group_by(PointEntry.cycle_start)).all()
    return any((total or 0) >= rules.FULL_SCORE for _, total in per_cycle)


def _end_deferrals(session: Session, lic: DrivingLicence, matter: str | None) -> None:
    """The deferred matter is done: its deferral ends, and with no other active one the holder may drive."""
    active = session.scalars(select(Deferral).where(Deferral.licence_id == lic.id, Deferral.status == "active")).all()
    for d in active:
        if matter is None or d.matter == matter:
            d.status = "ended"
    if lic.status == "deferred" and all(d.status == "ended" for d in active):
        lic.status = "valid"


def renew_licence(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date,
                  defer_certificate: bool = False) -> EffectResult:
    """期满换证 (and 超龄换证 when the holder has reached 60 or 70): new validity by 6 → 10 → long-term,
    classes downgraded by age, the old card void. `defer_certificate` (容缺办): renewed without the medical
    certificate, and an obligation opens (`EffectResult.obligation_id`)."""
    lic = licence_row(session, licence_id)
    _refuse_unless_usable(lic)
    person = person_row(session, lic.person_id)
    if lic.valid_to is None:
        raise refused(Refusal("long_term", N_("A long-term licence is not renewed at expiry."), "Decree 162 art 62",
                              N_("Apply for a replacement instead, if the document is lost or damaged.")))
    deferred = session.scalar(select(func.max(Deferral.deferred_until)).where(
        Deferral.licence_id == lic.id, Deferral.matter == "renewal", Deferral.status == "active"))
    try:
        new = rules.renewal(valid_to=lic.valid_to, period_years=lic.period_years, classes=lic.classes,
                            birth=person.birth_date, on=on, full_score_in_period=full_score_in_period(session, lic),
                            deferred_until=deferred)
    except Refusal as r:
        raise refused(r) from None
    old = (lic.classes, iso(lic.valid_to))
    lic.valid_from, lic.valid_to, lic.period_years, lic.classes = new.valid_from, new.valid_to, new.period_years, \
        new.classes
    _end_deferrals(session, lic, "renewal")
    if lic.status in ("expired", "deferred"):
        lic.status = "valid"
    doc = reissue(session, subject_type="licence", subject_id=lic.id, kind="licence_card",
                  reason="downgrade" if new.downgraded else "renewal", on=on, province=lic.province_code,
                  person_id=person.id, valid_until=new.valid_to)
    obligation_id = None
    if defer_certificate:
        obligation_id = open_obligation(session, lic, actor=actor, on=on).id
    session.flush()
    until = iso(new.valid_to)
    result = EffectResult(
        "licence-renewal", "licence", lic.id,
        N_("Licence renewed: valid from %(start)s until %(until)s, classes %(classes)s.") if until else
        N_("Licence renewed: valid from %(start)s, long-term, classes %(classes)s."),
        {"start": new.valid_from.isoformat(), "until": until or "", "classes": new.classes},
        {"valid_from": new.valid_from.isoformat(), "valid_to": until, "period_years": new.period_years,
         "classes": new.classes, "status": lic.status, "medical_due": iso(lic.medical_due)},
        (doc.id,), obligation_id)
    return done(session, result, actor=actor, on=on, province=lic.province_code, person_id=person.id,
                summary=f"{old[0]} until {old[1]} -> {new.classes} until {until or 'long-term'}"
                        f"{' (容缺: certificate owed)' if defer_certificate else ''}")


def downgrade_licence(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    """超龄换证 (art 65): at 60 and 70 the classes the holder may no longer keep are exchanged; validity stays."""
    lic = licence_row(session, licence_id)
    _refuse_unless_usable(lic)
    person = person_row(session, lic.person_id)
    new = rules.downgraded_classes(lic.classes, rules.age_on(person.birth_date, on))
    if new == rules.normal_classes(lic.classes):
        raise refused(Refusal("no_downgrade_due", N_("At this age the licence keeps all its classes."),
                              "Decree 162 art 65"))
    old, lic.classes = lic.classes, new
    doc = reissue(session, subject_type="licence", subject_id=lic.id, kind="licence_card", reason="downgrade",
                  on=on, province=lic.province_code, person_id=person.id, valid_until=lic.valid_to)
    result = EffectResult("licence-age-renewal", "licence", lic.id,
                          N_("Licence exchanged for classes %(classes)s."), {"classes": new},
                          {"classes": new}, (doc.id,))
    return done(session, result, actor=actor, on=on, province=lic.province_code, person_id=person.id,
                summary=f"{old} -> {new}")


def _replace(session: Session, licence_id: int, actor: ActorLike, on: dt.date, reason: str,
             business: str) -> EffectResult:
    lic = licence_row(session, licence_id)
    _refuse_unless_usable(lic, lost=reason == "lost")
    doc = reissue(session, subject_type="licence", subject_id=lic.id, kind="licence_card", reason=reason, on=on,
                  province=lic.province_code, person_id=lic.person_id, valid_until=lic.valid_to)
    result = EffectResult(business, "licence", lic.id,
                          N_("A new licence document (number %(serial)s) is issued; the old one is void."),
                          {"serial": doc.serial}, {"document_serial": doc.serial}, (doc.id,))
    return done(session, result, actor=actor, on=on, province=lic.province_code, person_id=lic.person_id,
                summary=f"{reason}: document {doc.serial} issued, earlier void")


def replace_lost_licence(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    """遗失补证 (art 69): not while the licence is detained; the lost document becomes void."""
    return _replace(session, licence_id, actor, on, "lost", "licence-replace-lost")


def replace_damaged_licence(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    """损毁换证 (art 66): the damaged document is void once the new one is issued."""
    return _replace(session, licence_id, actor, on, "damaged", "licence-replace-damaged")


def defer(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date, matter: str, until: dt.date,
          reason: str = "other") -> EffectResult:
    """延期换证 / 延期审验 / 延期提交身体条件证明 (art 75): up to three years; no driving meanwhile (the licence
    is `deferred` until the matter is done)."""
    if matter not in DEFERRAL_MATTERS or reason not in DEFERRAL_REASONS:
        raise InvalidInput(N_("Unknown deferral."), code="registry.unknown_deferral", field="matter")
    lic = licence_row(session, licence_id)
    _refuse_unless_usable(lic)
    deadline = {"renewal": lic.valid_to, "review": lic.review_due, "medical": lic.medical_due}[matter]
    if deadline is None:
        raise refused(Refusal("nothing_to_defer", N_("There is no such deadline on this licence."),
                              "Decree 162 art 75"))
    try:
        new = rules.deferred_until(deadline=deadline, requested=until, on=on)
    except Refusal as r:
        raise refused(r) from None
    row = Deferral(licence_id=lic.id, matter=matter, original_due=deadline, deferred_until=new, reason=reason,
                   opened_on=on, status="active", province_code=lic.province_code)
    session.add(row)
    if matter == "review":
        lic.review_due = new
    elif matter == "medical":
        lic.medical_due = new
    lic.status = "deferred"
    session.flush()
    business = {"renewal": "licence-defer-renewal", "review": "licence-defer-review",
                "medical": "licence-defer-medical"}[matter]
    result = EffectResult(business, "licence", lic.id,
                          N_("Deferred until %(until)s. You may not drive until it is done."),
                          {"until": new.isoformat()},
                          {"status": lic.status, "deferred_until": new.isoformat(), "matter": matter})
    return done(session, result, actor=actor, on=on, province=lic.province_code, person_id=lic.person_id,
                summary=f"{matter} deferred from {deadline} to {new} ({reason})")


def defer_renewal(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date, until: dt.date,
                  reason: str = "other") -> EffectResult:
    return defer(session, licence_id=licence_id, actor=actor, on=on, matter="renewal", until=until, reason=reason)


def defer_review(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date, until: dt.date,
                 reason: str = "other") -> EffectResult:
    return defer(session, licence_id=licence_id, actor=actor, on=on, matter="review", until=until, reason=reason)


def defer_medical(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date, until: dt.date,
                  reason: str = "other") -> EffectResult:
    return defer(session, licence_id=licence_id, actor=actor, on=on, matter="medical", until=until, reason=reason)


def submit_medical_certificate(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date,
                               issued_on: dt.date | None = None) -> EffectResult:
    """提交身体条件证明: the certificate (valid six months from issue, art 85) is recorded; the next one falls
    due by art 74 (70+ yearly, C5 every three years) or not at all; an open 容缺 obligation closes."""
    lic = licence_row(session, licence_id)
    if issued_on is not None and (issued_on > on or add_months(issued_on, CERTIFICATE_VALID_MONTHS) < on):
        raise refused(Refusal("certificate_stale", N_("A medical certificate is valid six months from its issue."),
                              "Decree 162 art 85", N_("Have a new medical examination.")))
    person = person_row(session, lic.person_id)
    lic.medical_due = rules.medical_due_after_certificate(birth=person.birth_date, classes=lic.classes,
                                                          cycle_start=lic.cycle_start, on=on)
    lic.medical_due_rule = None
    _end_deferrals(session, lic, "medical")
    closed = close_obligations(session, lic, actor=actor, on=on)
    session.flush()
    result = EffectResult("medical-certificate-submit", "licence", lic.id,
                          N_("Medical certificate recorded."), {},
                          {"medical_due": iso(lic.medical_due), "status": lic.status,
                           "obligations_closed": closed})
    return done(session, result, actor=actor, on=on, province=lic.province_code, person_id=person.id,
                summary=f"certificate recorded; next due {iso(lic.medical_due)}; {len(closed)} obligation(s) closed")


def change_contact(session: Session, *, person_id: int, actor: ActorLike, on: dt.date, phone: str | None = None,
                   address: str | None = None, business: str = "driver-contact-change") -> EffectResult:
    """变更联系方式 (Decree 162 art 81, Decree 164 arts 23–24): the person's phone and address."""
    person = person_row(session, person_id)
    phone = phone.strip() if phone else None
    if (phone is not None and not _PHONE.fullmatch(phone)) or (address is not None and len(address) > 200) or (
            phone is None and address is None):
        raise BadContact(field="phone")
    changed: dict[str, str | None] = {}
    if phone is not None:
        person.phone = changed["phone"] = phone
    if address is not None:
        person.address = changed["address"] = address.strip()
    session.flush()
    result = EffectResult(business, "person", person.id, N_("Contact details changed."), {}, changed)
    return done(session, result, actor=actor, on=on, province=person.province_code, person_id=person.id,
                summary="contact changed: " + ", ".join(sorted(changed)))


def change_vehicle_contact(session: Session, *, person_id: int, actor: ActorLike, on: dt.date,
                           phone: str | None = None, address: str | None = None) -> EffectResult:
    return change_contact(session, person_id=person_id, actor=actor, on=on, phone=phone, address=address,
                          business="vehicle-contact-change")


def person_of_licence(session: Session, licence_id: int) -> Person:
    return person_row(session, licence_row(session, licence_id).person_id)


def issue_e_licence(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    """驾驶证电子版申领 (Decree 162 art 61): the electronic licence, equal to the paper one; a new one voids
    the earlier electronic copy. Its signed QR is made by `passes.credentials` when it is downloaded."""
    lic = licence_row(session, licence_id)
    _refuse_unless_usable(lic)
    doc = reissue(session, subject_type="licence", subject_id=lic.id, kind="e_licence", reason="issue", on=on,
                  province=lic.province_code, person_id=lic.person_id, valid_until=lic.valid_to)
    result = EffectResult("e-licence", "licence", lic.id, N_("Electronic licence issued."), {},
                          {"document": doc.id}, (doc.id,))
    return done(session, result, actor=actor, on=on, province=lic.province_code, person_id=lic.person_id,
                summary=f"electronic licence document {doc.serial}")


def issue_learner_permit_proof(session: Session, *, permit_id: int, actor: ActorLike,
                               on: dt.date) -> EffectResult:
    """学习驾驶证明 (打印/下载, Decree 162 arts 40–41): the downloadable proof of a valid learner permit."""
    permit = session.get(LearnerPermit, permit_id)
    if permit is None:
        raise RecordNotFound()
    if permit.status != "valid" or permit.valid_until < on:
        raise refused(Refusal("permit_not_valid", N_("The learner permit is not valid."), "Decree 162 art 41",
                              N_("Apply for a new learner permit.")))
    doc = reissue(session, subject_type="learner-permit", subject_id=permit.id, kind="learner_permit_proof",
                  reason="issue", on=on, province=permit.province_code, person_id=permit.person_id,
                  valid_until=permit.valid_until)
    result = EffectResult("learner-permit-proof", "learner-permit", permit.id,
                          N_("Learner permit proof issued, valid until %(until)s."),
                          {"until": permit.valid_until.isoformat()}, {"document": doc.id}, (doc.id,))
    return done(session, result, actor=actor, on=on, province=permit.province_code, person_id=permit.person_id,
                summary=f"learner permit proof document {doc.serial}")
