"""Applications (通行证申请): submit, the one-vehicle-one-pass rule, review within the SLA, auto-approval.

Services flush, never commit; every state change writes an audit record, and the applicant is told of
each decision through the outbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView, enterprise_of, enterprises_select, views_by_id
from jiaoguan.accounts.principal import Principal
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.kit import audit, outbox
from jiaoguan.kit.calendar_service import load_calendar
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.db import is_postgres
from jiaoguan.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.prepared import Prepared, rows_of_each
from jiaoguan.passes import figures
from jiaoguan.passes.applications import documents
from jiaoguan.passes.applications.documents import Document
from jiaoguan.passes.applications.form import ApplicationInput, CleanApplication, FieldProblem, clean_application
from jiaoguan.passes.applications.policy import matching_auto_rule, province_settings
from jiaoguan.passes.applications.register_check import Lookups, RegisterCheck, Subject, check_register, measures_in_db
from jiaoguan.passes.issuance.issue import issue_pass
from jiaoguan.passes.issuance.keystore import NoSigningKey
from jiaoguan.passes.models import PassApplication, PassAutoApprovalRule, PassCrewMember, TransportPass
from jiaoguan.passes.states import APPLICATION, HOLDING_PASS_STATUSES, ApplicationStatus
from jiaoguan.registry import queries as registry

REFUSAL_REASONS: Mapping[str, str] = {
    "not_key_material": N_("The goods are not key material under the national rules."),
    "documents": N_("The information is incomplete or does not match the documents."),
    "vehicle": N_("The vehicle or its road transport certificate could not be confirmed."),
    "crew": N_("The crew could not be confirmed."),
    "route": N_("Neither origin nor destination requires a pass on this route."),
    "other": N_("Other reason (see the note)."),
}


class ApplicationInvalid(InvalidInput):
    code = "passes.application_invalid"
    message = N_("The application has %(count)s problem(s); please correct them.")

    def __init__(self, problems: list[FieldProblem]) -> None:
        first = problems[0].field if problems else None
        super().__init__(field=first, count=len(problems))
        self.problems = problems

    def problem_members(self) -> dict[str, Any]:
        """Every problem of the application (一次告知), not just the first."""
        return {**super().problem_members(), "errors": [p.to_json() for p in self.problems]}


class RegisterDisagrees(ApplicationInvalid):
    """The register contradicts the application (register_check): every finding, by field."""

    code = "passes.register_check"
    message = N_("The vehicle register disagrees with the application on %(count)s point(s).")


class VehicleAlreadyHasPass(Conflict):
    code = "passes.overlap"
    message = N_("Vehicle %(plate)s already has pass %(number)s for %(start)s to %(end)s: one vehicle, one pass, "
                 "one route.")


class VehicleAlreadyApplied(VehicleAlreadyHasPass):
    message = N_("Vehicle %(plate)s already has application #%(number)s pending for %(start)s to %(end)s: one "
                 "vehicle, one pass, one route.")


class VehicleHeldElsewhere(VehicleAlreadyHasPass):
    """The overlapping pass or application is another holder's: nothing of it is told (not its number, its
    dates or its holder)."""

    message = N_("Vehicle %(plate)s already has a pass or an application for part of these dates: one vehicle, "
                 "one pass, one route.")


class NotYourApplication(Forbidden):
    code = "passes.not_your_application"
    message = N_("This application belongs to another enterprise or province.")


class ApplicationNotPending(Conflict):
    code = "passes.application_not_pending"
    message = N_("This application has already been decided.")


def enterprise_of_agent(session: Session, user: Principal) -> EnterpriseView:
    """The enterprise an agent acts for; an account linked to none may not apply."""
    enterprise = enterprise_of(session, user.enterprise_id)
    if enterprise is None:
        raise Forbidden(N_("Your account is not linked to an enterprise."), code="passes.no_enterprise")
    return enterprise


def _lock_plate(session: Session, plate_no: str) -> None:
    # Two submissions for one vehicle at the same moment must not both pass the overlap check. SQLite
    # already admits one writer at a time; PostgreSQL takes a transaction-scoped lock per plate.
    if is_postgres(session):
        key = int.from_bytes(hashlib.sha256(("pass-plate:" + plate_no).encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def overlap(session: Session, plate_no: str, start: dt.date, end: dt.date,
            exclude_application: int | None = None, *, enterprise_id: int | None = None
            ) -> VehicleAlreadyHasPass | None:
    """The refusal for a vehicle that already holds (or awaits) a pass for part of [start, end]. Only the
    enterprise that holds it hears which pass or application and its dates."""
    held = session.execute(
        select(TransportPass).where(TransportPass.plate_no == plate_no,
                                    TransportPass.status.in_(HOLDING_PASS_STATUSES),
                                    TransportPass.valid_from <= end, TransportPass.valid_to >= start,
                                    TransportPass.application_id != (exclude_application or 0))
        .order_by(TransportPass.valid_from).limit(1)
    ).scalar_one_or_none()
    if held is not None and held.enterprise_id != enterprise_id:
        return VehicleHeldElsewhere(field="plate_no", plate=plate_no)
    if held is not None:
        return VehicleAlreadyHasPass(field="plate_no", plate=plate_no, number=held.pass_no,
                                     start=held.valid_from.isoformat(), end=held.valid_to.isoformat())
    pending = session.execute(
        select(PassApplication).where(PassApplication.plate_no == plate_no,
                                      PassApplication.status == ApplicationStatus.pending,
                                      PassApplication.valid_from <= end, PassApplication.valid_to >= start,
                                      PassApplication.id != (exclude_application or 0))
        .order_by(PassApplication.valid_from).limit(1)
    ).scalar_one_or_none()
    if pending is not None and pending.enterprise_id != enterprise_id:
        return VehicleHeldElsewhere(field="plate_no", plate=plate_no)
    if pending is not None:
        return VehicleAlreadyApplied(field="plate_no", plate=plate_no, number=pending.id,
                                     start=pending.valid_from.isoformat(), end=pending.valid_to.isoformat())
    return None


def check_application(session: Session, user: Principal, raw: ApplicationInput) -> CleanApplication:
    """Validate for this user's province; raise `ApplicationInvalid` with every problem."""
    enterprise = enterprise_of_agent(session, user)
    settings = province_settings(session, enterprise.province_code)
    clean, problems = clean_application(raw, today=today(), max_days=settings.max_validity_days)
    if clean is None:
        raise ApplicationInvalid(problems)
    return clean


def submit_application(session: Session, user: Principal, raw: ApplicationInput, *, batch_id: int | None = None,
                       batch_line: int | None = None, authorisation: Document | None = None) -> PassApplication:
    """An enterprise agent applies; the register must agree (register_check); auto-approval rules may then
    approve and issue at once, except for a vehicle outside the fleet (a person reads its authorisation)."""
    enterprise = enterprise_of_agent(session, user)
    clean = check_application(session, user, raw)
    checked = check_register(session, subject_of_clean(enterprise.id, clean, authorised=authorisation is not None))
    if checked.problems:
        raise RegisterDisagrees(list(checked.problems))
    stored = documents.store(authorisation) if authorisation is not None and checked.outside_fleet else None
    _lock_plate(session, clean.plate_no)
    refusal = overlap(session, clean.plate_no, clean.valid_from, clean.valid_to, enterprise_id=enterprise.id)
    if refusal is not None:
        raise refusal
    settings = province_settings(session, enterprise.province_code)
    submitted = today()
    app = PassApplication(
        province_code=enterprise.province_code, enterprise_id=enterprise.id, applicant_user_id=user.id,
        batch_id=batch_id, batch_line=batch_line, status=ApplicationStatus.pending.value, submitted_at=utc_now(),
        sla_due=load_calendar(session).add_working_days(submitted, settings.review_working_days),
        authorisation_doc=stored, authorisation_name=authorisation.filename[:200] if stored and authorisation else None,
        **{k: getattr(clean, k) for k in _PLAIN_FIELDS},
    )
    session.add(app)
    session.flush()
    for i, m in enumerate(clean.crew):
        session.add(PassCrewMember(application_id=app.id, position=i, role=m.role, name=m.name,
                                   id_number=m.id_number, phone=m.phone))
    session.flush()
    audit.record(session, "pass.application.submit", "pass_application", app.id,
                 f"{app.plate_no} {app.origin_code}→{app.destination_code} {app.valid_from}..{app.valid_to}"
                 f"{f' (batch {batch_id} line {batch_line})' if batch_id else ''}; review due {app.sla_due}"
                 f"{'; outside the fleet, owner authorisation ' + stored if stored else ''}")
    figures.emit_fact(session, "pass.applied", figures.applied(app))
    rule = matching_auto_rule(session, app.province_code, enterprise.id, app.cargo_category,
                              (app.valid_to - app.valid_from).days + 1)
    # A vehicle outside the fleet is flagged for a person to look at the owner's authorisation: no rule signs it.
    if rule is not None and not checked.outside_fleet:
        try:
            with session.begin_nested():
                approve(session, app.id, None, rule=rule)
        except NoSigningKey:
            # Without a key the pass cannot be signed; the application waits for a person instead.
            pass
    return app


_PLAIN_FIELDS = (
    "plate_no", "plate_colour", "vin", "transport_cert_no", "origin_code", "origin_address", "destination_code",
    "destination_address", "consignor", "consignor_contact", "consignee", "consignee_contact", "cargo_category",
    "cargo_name", "cargo_quantity", "cargo_weight_kg", "valid_from", "valid_to", "contact_name", "contact_phone",
)


def subject_of_clean(enterprise_id: int, clean: CleanApplication, *, authorised: bool) -> Subject:
    return Subject(enterprise_id, clean.plate_no, clean.plate_colour, clean.vin,
                   tuple(m.id_number for m in clean.crew if m.role == "driver"), clean.valid_from, clean.valid_to,
                   authorised)


def register_facts(session: Session, app: PassApplication,
                   measures: tuple[Measure, ...] | None = None) -> RegisterCheck:
    """The register check of a stored application, as of now: what the issuer sees and what approval needs."""
    drivers = session.execute(select(PassCrewMember.id_number).where(PassCrewMember.application_id == app.id,
                                                                     PassCrewMember.role == "driver")
                              .order_by(PassCrewMember.position)).scalars().all()
    return check_register(session, Subject(app.enterprise_id, app.plate_no, app.plate_colour, app.vin,
                                           tuple(drivers), app.valid_from, app.valid_to,
                                           authorised=app.authorisation_doc is not None), measures)


def review_page(session: Session, issuer: Principal, *, limit: int = 200
                ) -> tuple[list[Any], dict[int, EnterpriseView], dict[int, RegisterCheck]]:
    """The issuer's queue (`review_queue`) and what it shows beside its applications: their enterprises, and
    `register_facts` of each. The queue, the enterprises, the drivers, the vehicles and the drivers' licences are read
    in one round trip: each of the others selects by a subquery of the queue, not by the ids it returned.

    Each statement reads its own snapshot (a page reads outside a transaction, `kit.db`), so an application approved
    or submitted between two of them is not in the queue read first: its facts, if read, are ignored, and a queue
    application whose facts went missing is checked as the register then stood (its plate unknown), until the next
    view."""
    params = {"province": issuer.province_code or "", "limit": limit}
    rows, firms, drivers, vehicles, licences = rows_of_each(session, [
        (_REVIEW_QUEUE, params), (_QUEUE_ENTERPRISES, params), (_QUEUE_DRIVERS, params), (_QUEUE_VEHICLES, params),
        (_QUEUE_LICENCES, params)])
    queue = _REVIEW_QUEUE.as_objects(rows)
    if not queue:
        return [], {}, {}
    listed = {a.id for a in queue}
    lookups = Lookups.of(session, registry.vehicle_records_by_plates_of({a.plate_no for a in queue}, vehicles,
                                                                        _QUEUE_VEHICLES),
                         registry.latest_licences_from(_QUEUE_LICENCES.as_objects(licences)))
    return (queue, views_by_id(firms, _QUEUE_ENTERPRISES),
            _checks_of(session, queue, [row for row in drivers if row[0] in listed], lookups))


def _checks_of(session: Session, apps: Sequence[Any], driver_rows: list[tuple[Any, ...]], lookups: Lookups
               ) -> dict[int, RegisterCheck]:
    drivers: dict[int, list[str]] = {a.id: [] for a in apps}
    for app_id, id_number in driver_rows:
        drivers[app_id].append(id_number)
    measures = measures_in_db(session)
    return {a.id: check_register(session, Subject(a.enterprise_id, a.plate_no, a.plate_colour, a.vin,
                                                  tuple(drivers[a.id]), a.valid_from, a.valid_to,
                                                  authorised=a.authorisation_doc is not None), measures, lookups)
            for a in apps}


def _drivers_select(application_is: Any) -> Any:
    return (select(PassCrewMember.application_id, PassCrewMember.id_number)
            .where(application_is, PassCrewMember.role == "driver")
            .order_by(PassCrewMember.application_id, PassCrewMember.position))


def get_application(session: Session, application_id: int, *, lock: bool = False) -> PassApplication:
    stmt = select(PassApplication).where(PassApplication.id == application_id)
    app = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if app is None:
        raise NotFound(N_("No such application."), code="passes.no_such_application")
    return app


def ensure_may_see(session: Session, user: Principal, app: PassApplication) -> None:
    if user.role == "enterprise_agent" and user.enterprise_id == app.enterprise_id:
        return
    if user.role == "pass_issuer" and user.province_code == app.province_code:
        return
    raise NotYourApplication()


def ensure_may_see_pass(user: Principal, p: TransportPass) -> None:
    if user.role == "enterprise_agent" and user.enterprise_id == p.enterprise_id:
        return
    if user.role == "pass_issuer" and user.province_code == p.province_code:
        return
    raise NotYourApplication()


def _ensure_issuer_of(issuer: Principal | None, app: PassApplication) -> None:
    if issuer is not None and (issuer.role != "pass_issuer" or issuer.province_code != app.province_code):
        raise NotYourApplication()


def applicant_recipients(app: PassApplication) -> list[tuple[str, str]]:
    """Who hears of a decision: the agent who applied (in-app) and the contact mobile (SMS)."""
    return [("inapp", str(app.applicant_user_id)), ("sms", app.contact_phone)]


def notify_applicant(session: Session, app: PassApplication, template: str, **params: Any) -> None:
    """Tell the applicant with one of the room's message templates (`passes.messages`)."""
    for channel, recipient in applicant_recipients(app):
        outbox.enqueue(session, channel, recipient, template, params, province_code=app.province_code)


def approve(session: Session, application_id: int, issuer: Principal | None, *,
            rule: PassAutoApprovalRule | None = None) -> TransportPass:
    """Approve a pending application and issue its pass (by an issuer of the province, or by a rule)."""
    app = get_application(session, application_id, lock=True)
    _ensure_issuer_of(issuer, app)
    if app.status != ApplicationStatus.pending:
        raise ApplicationNotPending()
    if app.valid_to < today():
        raise Conflict(N_("The requested validity has already ended; refuse the application instead."),
                       code="passes.validity_ended")
    checked = register_facts(session, app)
    if checked.problems:
        raise RegisterDisagrees(list(checked.problems))
    _lock_plate(session, app.plate_no)
    refusal = overlap(session, app.plate_no, app.valid_from, app.valid_to, exclude_application=app.id,
                      enterprise_id=app.enterprise_id)
    if refusal is not None:
        raise refusal
    app.decided_at = utc_now()
    app.decided_by_user_id = issuer.id if issuer is not None else None
    app.auto_rule_id = rule.id if rule is not None else None
    # An auto-approval rule acts as the system, whoever's request set it off.
    APPLICATION.apply(session, app, "approve", role="system" if issuer is None else issuer.role,
                      summary=f"auto-approved by rule {rule.id} {rule.name}" if rule is not None else "approved",
                      payload={"plate_no": app.plate_no, "enterprise_id": app.enterprise_id},
                      province_code=app.province_code)
    issued = issue_pass(session, app)
    figures.emit_fact(session, "pass.issued", figures.issued(issued))
    notify_applicant(session, app, "pass_issued", pass_no=issued.pass_no, plate=app.plate_no,
                     start=app.valid_from.isoformat(), end=app.valid_to.isoformat())
    return issued


def check_refusal(reason_code: str, note: str) -> str:
    """The refusal's note, cleaned; raises unless a reason was chosen (there is no default) and, for "other",
    explained."""
    note = " ".join(note.split())[:1000]
    if reason_code not in REFUSAL_REASONS:
        raise InvalidInput(N_("Choose a reason for the refusal."), code="passes.refusal_reason", field="reason")
    if reason_code == "other" and not note:
        raise InvalidInput(N_("Explain the refusal in the note."), code="passes.refusal_note", field="note")
    return note


def refuse(session: Session, application_id: int, issuer: Principal, reason_code: str,
           note: str = "") -> PassApplication:
    app = get_application(session, application_id, lock=True)
    _ensure_issuer_of(issuer, app)
    if app.status != ApplicationStatus.pending:
        raise ApplicationNotPending()
    note = check_refusal(reason_code, note)
    app.decided_at, app.decided_by_user_id = utc_now(), issuer.id
    app.refusal_code, app.decision_note = reason_code, note or None
    APPLICATION.apply(session, app, "refuse", role=issuer.role, summary=f"{reason_code}: {note}",
                      payload={"plate_no": app.plate_no, "reason": reason_code}, province_code=app.province_code,
                      recipients=applicant_recipients(app),
                      params={"plate": app.plate_no, "reason_msgid": REFUSAL_REASONS[reason_code], "note": note})
    figures.emit_fact(session, "pass.refused", figures.refused(app))
    return app


def withdraw(session: Session, application_id: int, user: Principal) -> PassApplication:
    app = get_application(session, application_id, lock=True)
    if user.enterprise_id != app.enterprise_id:
        raise NotYourApplication()
    if app.status != ApplicationStatus.pending:
        raise ApplicationNotPending()
    app.decided_at = utc_now()
    APPLICATION.apply(session, app, "withdraw", role=user.role, summary="withdrawn by the applicant")
    return app


def review_queue(session: Session, issuer: Principal, *, limit: int = 200) -> list[Any]:
    """Pending applications of the issuer's province, the most urgent (earliest SLA due date) first: read-only rows
    with the columns of `PassApplication` (`Prepared.objects`; the queue is opened all day and only shown)."""
    return _REVIEW_QUEUE.objects(session, {"province": issuer.province_code or "", "limit": limit})


def _queue_select(*columns: Any) -> Any:
    """The issuer's queue (parameters `province`, `limit`), most urgent first."""
    return (select(*columns).where(PassApplication.province_code == bindparam("province"),
                                   PassApplication.status == ApplicationStatus.pending.value)
            .order_by(PassApplication.sla_due, PassApplication.id).limit(bindparam("limit")))


# Built once, run as `Prepared`: the ORM's execution and loading of the queue cost several times its query.
_REVIEW_QUEUE = Prepared(_queue_select(PassApplication))
# What the queue page shows beside it, each selected by the queue itself (`review_page`): no model crosses rooms.
_QUEUED = _queue_select(PassApplication.id).scalar_subquery()
_QUEUE_ENTERPRISES = Prepared(enterprises_select(lambda id_: id_.in_(
    select(PassApplication.enterprise_id).where(PassApplication.id.in_(_QUEUED)))))
_QUEUE_DRIVERS = Prepared(_drivers_select(PassCrewMember.application_id.in_(_QUEUED)))
_QUEUE_VEHICLES = Prepared(registry.vehicles_select(lambda plate_no: plate_no.in_(
    select(PassApplication.plate_no).where(PassApplication.id.in_(_QUEUED)))))
_QUEUE_LICENCES = Prepared(registry.latest_licences_select(lambda id_number: id_number.in_(
    select(PassCrewMember.id_number).where(PassCrewMember.application_id.in_(_QUEUED),
                                           PassCrewMember.role == "driver"))))


def working_days_left(session: Session, app: PassApplication) -> int:
    """Working days until the SLA due date (0 on the day, negative once overdue)."""
    return load_calendar(session).working_days_between(today(), app.sla_due)


def enterprise_applications(session: Session, enterprise_id: int, *, limit: int = 300) -> list[PassApplication]:
    return list(session.execute(
        select(PassApplication).where(PassApplication.enterprise_id == enterprise_id)
        .order_by(PassApplication.id.desc()).limit(limit)
    ).scalars())


def passes_by_application(session: Session, application_ids: list[int]) -> dict[int, TransportPass]:
    if not application_ids:
        return {}
    rows = session.execute(select(TransportPass).where(TransportPass.application_id.in_(application_ids))).scalars()
    return {p.application_id: p for p in rows}



def known_crew(session: Session, enterprise_id: int, *, limit: int = 60) -> list[tuple[str, str, str]]:
    """(name, ID number, mobile) of the people on the enterprise's earlier applications, newest first, each once:
    what the apply form offers to pick a crew member from."""
    rows = session.execute(
        select(PassCrewMember.name, PassCrewMember.id_number, PassCrewMember.phone)
        .join(PassApplication, PassApplication.id == PassCrewMember.application_id)
        .where(PassApplication.enterprise_id == enterprise_id)
        .order_by(PassApplication.id.desc(), PassCrewMember.position).limit(limit * 4)
    ).all()
    seen: dict[str, tuple[str, str, str]] = {}
    for name, id_number, phone in rows:
        seen.setdefault(id_number, (name, id_number, phone))
    return list(seen.values())[:limit]
