"""Violations and scoring-cycle points: 电子监控违法处理, 缴纳罚款, 学法减分 (Decree 163)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.context import Actor
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.registry import rules
from jiaoguan.registry.changes.base import EffectResult, as_actor, done, licence_row, refused
from jiaoguan.registry.models import FinePayment, PointEntry, Violation
from jiaoguan.registry.payments import PaymentProvider, current_provider
from jiaoguan.registry.rules import Refusal

ActorLike = Principal | Actor | None


class ViolationNotFound(NotFound):
    code = "registry.violation_not_found"
    message = N_("There is no such violation.")


class PaymentNotFound(NotFound):
    code = "registry.payment_not_found"
    message = N_("There is no such payment.")


def _violation(session: Session, violation_id: int) -> Violation:
    row = session.get(Violation, violation_id)
    if row is None:
        raise ViolationNotFound()
    return row


def handle_camera_violation(session: Session, *, violation_id: int, licence_id: int, actor: ActorLike,
                            on: dt.date) -> EffectResult:
    """电子监控违法处理: the driver confirms a camera record; its points go to the driver's current scoring
    cycle and the fine is decided (a decision number), unless the cycle would reach 12 (Decree 163 art 14)."""
    v = _violation(session, violation_id)
    if v.source != "camera" or v.status != "recorded":
        raise refused(Refusal("violation_not_open", N_("This violation is not an open camera record."),
                              "Decree 163 art 14"))
    lic = licence_row(session, licence_id)
    if lic.status not in ("valid", "deferred", "expired"):
        raise refused(Refusal("licence_not_usable", N_("This licence cannot take points now."), "Decree 163 art 14",
                              N_("Handle it at a traffic police office.")))
    try:
        rules.check_online_violation(lic.points, v.points)
    except Refusal as r:
        raise refused(r) from None
    cycle = rules.cycle_start_on(lic.cycle_start, on)
    v.status, v.person_id, v.licence_id, v.handled_on = "handled", lic.person_id, lic.id, on
    session.flush()
    v.decision_no = f"{v.province_code}{on:%Y%m%d}{v.id:08d}"
    lic.points += v.points
    session.add(PointEntry(licence_id=lic.id, cycle_start=cycle, delta=v.points, reason="violation",
                           violation_id=v.id, entered_on=on, province_code=lic.province_code))
    session.flush()
    result = EffectResult("camera-violation", "violation", v.id,
                          N_("Violation handled: %(points)s points, fine %(fine)s yuan (decision %(decision)s)."),
                          {"points": v.points, "fine": v.fine_yuan, "decision": v.decision_no},
                          {"status": v.status, "decision_no": v.decision_no, "licence_points": lic.points})
    return done(session, result, actor=actor, on=on, province=v.province_code, person_id=lic.person_id,
                summary=f"violation {v.code} handled: +{v.points} points on licence {lic.id}, fine {v.fine_yuan}")


def pay_fine(session: Session, *, violation_id: int, actor: ActorLike, on: dt.date,
             provider: PaymentProvider | None = None) -> EffectResult:
    """缴纳罚款: a handled violation's fine through the payment provider; paid when the provider confirms."""
    v = _violation(session, violation_id)
    if v.status != "handled":
        raise refused(Refusal("nothing_to_pay", N_("This violation has no fine to pay now."), "Decree 163",
                              N_("Handle the violation first.")))
    provider = provider or current_provider()
    payment = FinePayment(violation_id=v.id, amount_yuan=v.fine_yuan, provider=provider.name,
                          reference=uuid.uuid4().hex, status="pending", created_at=utc_now(),
                          province_code=v.province_code)
    session.add(payment)
    session.flush()
    answer = provider.collect(reference=payment.reference, amount_yuan=v.fine_yuan,
                              description=f"decision {v.decision_no}")
    if answer.confirmed is False:
        payment.status = "failed"
    elif answer.confirmed:
        _confirm(session, payment, v, on, actor)
    session.flush()
    result = EffectResult("fine-payment", "violation", v.id,
                          N_("Fine of %(fine)s yuan paid.") if v.status == "paid" else
                          N_("Payment of %(fine)s yuan started; it is recorded when the bank confirms."),
                          {"fine": v.fine_yuan}, {"status": v.status, "payment": payment.reference,
                                                  "payment_status": payment.status})
    return done(session, result, actor=actor, on=on, province=v.province_code, person_id=v.person_id,
                summary=f"fine {v.fine_yuan} via {provider.name}: {payment.status}")


def _confirm(session: Session, payment: FinePayment, v: Violation, on: dt.date, actor: ActorLike) -> None:
    payment.status, payment.confirmed_at = "confirmed", utc_now()
    v.status, v.paid_on = "paid", on
    audit.record(session, "registry.fine_paid", "violation", v.id, f"payment {payment.reference} confirmed",
                 actor=as_actor(actor))


def confirm_payment(session: Session, *, reference: str, on: dt.date, actor: ActorLike = None) -> None:
    """A provider's callback: the payment with this reference is confirmed (idempotent)."""
    payment = session.scalars(select(FinePayment).where(FinePayment.reference == reference)).first()
    if payment is None:
        raise PaymentNotFound()
    if payment.status != "confirmed":
        _confirm(session, payment, _violation(session, payment.violation_id), on, actor)
        session.flush()


def study_points(session: Session, *, licence_id: int, actor: ActorLike, on: dt.date) -> EffectResult:
    """学法减分 (Decree 163 arts 25–27): a passed study and quiz removes one point; at most six per cycle.
    The exclusions (overdue inspection, overdue review, …) are the named checks business runs first."""
    lic = licence_row(session, licence_id)
    cycle = rules.cycle_start_on(lic.cycle_start, on)
    reduced = -(session.scalar(select(func.coalesce(func.sum(PointEntry.delta), 0)).where(
        PointEntry.licence_id == lic.id, PointEntry.cycle_start == cycle, PointEntry.reason == "study")) or 0)
    try:
        n = rules.study_reduction(lic.points, reduced)
    except Refusal as r:
        raise refused(r) from None
    lic.points -= n
    session.add(PointEntry(licence_id=lic.id, cycle_start=cycle, delta=-n, reason="study", entered_on=on,
                           province_code=lic.province_code))
    session.flush()
    result = EffectResult("study-points", "licence", lic.id,
                          N_("%(n)s point removed by study; %(points)s points in this cycle."),
                          {"n": n, "points": lic.points}, {"points": lic.points, "study_reduced": reduced + n})
    return done(session, result, actor=actor, on=on, province=lic.province_code, person_id=lic.person_id,
                summary=f"study: -{n} point(s), now {lic.points}")
