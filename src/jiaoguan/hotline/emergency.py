"""急事急办: emergency cases from registration to completion, one owner from start to end (专人专办).

Use cases flush, audit and emit in the caller's transaction. The clerk who accepts a case owns it; only the
owner starts and completes it; a supervisor alone hands it to someone else. The applicant is told through the
outbox at each step a person waits for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import SUPERVISORS, Role
from jiaoguan.accounts.service import staff_of
from jiaoguan.business.catalogue import BusinessSpec
from jiaoguan.business.catalogue_store import all_specs, get_spec
from jiaoguan.business.service import create_application
from jiaoguan.halls.offices import hall_offices
from jiaoguan.halls.queue import issue_emergency_ticket
from jiaoguan.hotline import figures
from jiaoguan.hotline.evidence import StoredEvidence
from jiaoguan.hotline.models import EmergencyCase
from jiaoguan.hotline.settings import desk_settings
from jiaoguan.hotline.sla import emergency_due, hours_between
from jiaoguan.hotline.states import EMERGENCY, OPEN_CASE_STATUSES, REASSIGNERS, CaseStatus
from jiaoguan.hotline.vocab import CASE_KINDS
from jiaoguan.kit import audit, events
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import Forbidden, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids.text import compact
from jiaoguan.kit.outbox import enqueue
from jiaoguan.kit.states import RoleRefused, StaleState, TransitionRefused
from jiaoguan.registry.queries import person_id_of

DEFAULT_PROVINCE = "11"


class CaseNotFound(NotFound):
    code = "hotline.case_not_found"
    message = N_("There is no such emergency case.")


class NotOwner(Forbidden):
    code = "hotline.not_owner"
    message = N_("Only the clerk who owns this case may do this (专人专办); a supervisor may reassign it.")


class CaseInvalid(InvalidInput):
    code = "hotline.case_invalid"
    message = N_("Fill in %(field_msgid)s.")


@dataclass(frozen=True)
class CaseInput:
    kind: str
    unit_name: str
    business: str
    applicant_name: str
    applicant_phone: str
    plate_no: str = ""
    applicant_id_number: str = ""
    office_code: str = ""


def recipients(case: EmergencyCase) -> list[tuple[str, str]]:
    found = [("sms", case.applicant_phone)]
    if case.applicant_user_id is not None:
        found.insert(0, ("inapp", str(case.applicant_user_id)))
    return found


def _check(raw: CaseInput) -> None:
    required = (("kind", N_("the kind of case")), ("unit_name", N_("the unit")),
                ("business", N_("the business needed")), ("applicant_name", N_("the applicant's name")),
                ("applicant_phone", N_("the applicant's mobile number")))
    for name, label in required:
        if not getattr(raw, name).strip():
            raise CaseInvalid(field=name, field_msgid=label)
    if raw.kind not in CASE_KINDS:
        raise CaseInvalid(N_("Choose a kind of case from the list."), field="kind")
    phone = compact(raw.applicant_phone)
    if not (phone.isdigit() and 7 <= len(phone) <= 15):
        raise CaseInvalid(N_("The mobile number is not valid."), field="applicant_phone")


def register(session: Session, actor: Principal, raw: CaseInput, evidence: StoredEvidence) -> EmergencyCase:
    """Register a case with its letter (already checked and stored); the SLA runs from now, in natural hours."""
    _check(raw)
    province = actor.province_code or DEFAULT_PROVINCE
    person_id: int | None = actor.person_id if actor.role == Role.citizen else None
    if person_id is None and raw.applicant_id_number.strip():
        person_id = person_id_of(session, compact(raw.applicant_id_number).upper())
    now = utc_now()
    hours = desk_settings(session, province).emergency_hours
    case = EmergencyCase(
        province_code=province, office_code=raw.office_code.strip() or None, kind=raw.kind,
        unit_name=raw.unit_name.strip(), business=raw.business.strip(), plate_no=compact(raw.plate_no) or None,
        applicant_name=raw.applicant_name.strip(), applicant_phone=compact(raw.applicant_phone),
        applicant_person_id=person_id, applicant_user_id=actor.id if actor.role == Role.citizen else None,
        evidence_sha256=evidence.sha256, evidence_filename=evidence.filename,
        evidence_media_type=evidence.media_type, evidence_bytes=evidence.size,
        status=CaseStatus.registered.value, registered_by_user_id=actor.id, sla_hours=hours,
        due_at=emergency_due(now, hours), registered_at=now)
    session.add(case)
    session.flush()
    audit.record(session, "emergency_case.register", "emergency_case", case.id,
                 f"{raw.kind} {case.unit_name} letter {evidence.sha256[:12]}")
    events.emit(session, "hotline.emergency_opened", figures.emergency_opened(case), province_code=province)
    for channel, recipient in recipients(case):
        enqueue(session, channel, recipient, "hotline_emergency_registered",
                {"case": case.id, "unit": case.unit_name, "hours": f"{hours:g}"}, province_code=province)
    for clerk in staff_of(session, province, (Role.window_clerk,)):
        enqueue(session, "inapp", str(clerk.id), "hotline_emergency_waiting",
                {"case": case.id, "unit": case.unit_name, "hours": f"{hours:g}"}, province_code=province)
    return case


def may_see(actor: Principal, case: EmergencyCase) -> bool:
    if actor.role == Role.citizen:
        return case.applicant_user_id == actor.id or (
            actor.person_id is not None and case.applicant_person_id == actor.person_id)
    return actor.role == Role.admin or actor.province_code in (None, case.province_code)


def get_case(session: Session, case_id: int, actor: Principal) -> EmergencyCase:
    """The case if this person may see it; otherwise "not found" (never "not yours")."""
    case = session.get(EmergencyCase, case_id)
    if case is None or not may_see(actor, case):
        raise CaseNotFound()
    return case


def _fresh(case: EmergencyCase, expected_version: int | None) -> None:
    """The form's version must be the row's, checked before anything changes (the UPDATE checks it again)."""
    if expected_version is not None and case.version != expected_version:
        raise StaleState(code="hotline.stale")


def _owner_only(case: EmergencyCase, actor: Principal) -> None:
    if actor.role == Role.window_clerk and case.owner_user_id not in (None, actor.id):
        raise NotOwner()


def accept(session: Session, case_id: int, actor: Principal, *, owner_user_id: int | None = None,
           expected_version: int | None = None) -> EmergencyCase:
    """A clerk accepts and owns the case; a supervisor accepts it for a clerk they name (专人专办)."""
    case = get_case(session, case_id, actor)
    _fresh(case, expected_version)
    owner = actor.id if actor.role == Role.window_clerk else owner_user_id
    if owner is None and actor.role in SUPERVISORS:
        raise CaseInvalid(N_("Choose the clerk who will own this case."), code="hotline.owner_required",
                          field="owner")
    if owner is not None and owner != actor.id:
        _check_clerk(session, case, owner)
    label = _owner_label(session, case, owner) if owner != actor.id else actor.display_name
    case.owner_user_id = owner
    case.accepted_at = utc_now()
    EMERGENCY.apply(session, case, "accept", role=actor.role, expected_version=None,
                    recipients=recipients(case), params={"case": case.id, "owner": label},
                    province_code=case.province_code)
    return case


def _check_clerk(session: Session, case: EmergencyCase, user_id: int) -> None:
    if user_id not in {c.id for c in staff_of(session, case.province_code, (Role.window_clerk,))}:
        raise CaseInvalid(N_("The owner must be a window clerk of this province."), code="hotline.owner_invalid",
                          field="owner")


def _owner_label(session: Session, case: EmergencyCase, owner: int | None) -> str:
    for clerk in staff_of(session, case.province_code, (Role.window_clerk,)):
        if clerk.id == owner:
            return clerk.display_name
    return ""


def start(session: Session, case_id: int, actor: Principal, *, expected_version: int | None = None,
          halls_ticket_ref: str | None = None) -> EmergencyCase:
    case = get_case(session, case_id, actor)
    _fresh(case, expected_version)
    _owner_only(case, actor)
    case.started_at = utc_now()
    if halls_ticket_ref:
        case.halls_ticket_ref = halls_ticket_ref
    EMERGENCY.apply(session, case, "start", role=actor.role, expected_version=None,
                    province_code=case.province_code)
    return case


def complete(session: Session, case_id: int, actor: Principal, *, expected_version: int | None = None
             ) -> EmergencyCase:
    case = get_case(session, case_id, actor)
    _fresh(case, expected_version)
    _owner_only(case, actor)
    now = utc_now()
    case.closed_at = now
    hours = hours_between(case.registered_at, now)
    EMERGENCY.apply(session, case, "complete", role=actor.role, expected_version=None,
                    payload=figures.emergency_closed(case),
                    recipients=recipients(case), params={"case": case.id}, province_code=case.province_code,
                    summary=f"completed in {hours} h")
    return case


def refuse(session: Session, case_id: int, actor: Principal, reason: str, *,
           expected_version: int | None = None) -> EmergencyCase:
    if not reason.strip():
        raise CaseInvalid(N_("Say why the case is refused."), code="hotline.reason_required", field="reason")
    case = get_case(session, case_id, actor)
    _fresh(case, expected_version)
    _owner_only(case, actor)
    case.closed_at = utc_now()
    case.refusal_reason = reason.strip()
    EMERGENCY.apply(session, case, "refuse", role=actor.role, expected_version=None,
                    recipients=recipients(case), params={"case": case.id, "reason": case.refusal_reason},
                    province_code=case.province_code, summary=f"refused: {case.refusal_reason}")
    return case


def reassign(session: Session, case_id: int, actor: Principal, new_owner_user_id: int, *,
             expected_version: int | None = None) -> EmergencyCase:
    """A supervisor's decision: another clerk owns the case from now on (audited with both owners)."""
    if actor.role not in REASSIGNERS:
        raise RoleRefused(code="hotline.role_refused")
    case = get_case(session, case_id, actor)
    _fresh(case, expected_version)
    if case.status not in (CaseStatus.accepted.value, CaseStatus.in_service.value):
        raise TransitionRefused(code="hotline.transition_refused", state=case.status)
    _check_clerk(session, case, new_owner_user_id)
    before = case.owner_user_id
    case.owner_user_id = new_owner_user_id
    session.flush()
    audit.record(session, "emergency_case.reassign", "emergency_case", case.id,
                 f"owner {before} -> {new_owner_user_id}")
    return case


def act(session: Session, case_id: int, actor: Principal, action: str, *, expected_version: int | None = None,
        owner_user_id: int | None = None, reason: str = "") -> EmergencyCase:
    """One entry for the pages and the API: the action by name."""
    v = expected_version
    if action == "accept":
        return accept(session, case_id, actor, owner_user_id=owner_user_id, expected_version=v)
    if action == "start":
        return start(session, case_id, actor, expected_version=v)
    if action == "complete":
        return complete(session, case_id, actor, expected_version=v)
    if action == "refuse":
        return refuse(session, case_id, actor, reason, expected_version=v)
    if action == "reassign" and owner_user_id is not None:
        return reassign(session, case_id, actor, owner_user_id, expected_version=v)
    raise CaseInvalid(N_("Choose the clerk who will own this case."), code="hotline.owner_required", field="owner")


def issue_window_ticket(session: Session, case_id: int, actor: Principal, hall_office_id: int) -> EmergencyCase:
    """The applicant arrives at the hall: a ticket in the emergency lane (called before every other) at that
    office, through the halls room; the case keeps its number and the applicant is told it."""
    case = get_case(session, case_id, actor)
    _owner_only(case, actor)
    if case.status not in (CaseStatus.accepted.value, CaseStatus.in_service.value):
        raise TransitionRefused(code="hotline.transition_refused", state=case.status)
    office = next((o for o in hall_offices(session, case.province_code) if o.id == hall_office_id), None)
    if office is None:
        raise CaseInvalid(N_("Choose a hall of this province."), code="hotline.office_invalid", field="office")
    ticket = issue_emergency_ticket(session, office_id=office.id, actor=actor, reference=f"EC{case.id}",
                                    person_id=case.applicant_person_id)
    case.halls_ticket_ref = f"{ticket.id}:{ticket.number}"
    case.office_code = office.code
    session.flush()
    audit.record(session, "emergency_case.window_ticket", "emergency_case", case.id,
                 f"ticket {ticket.number} at {office.code}")
    for channel, recipient in recipients(case):
        enqueue(session, channel, recipient, "hotline_emergency_ticket",
                {"case": case.id, "number": ticket.number, "office": office.name}, province_code=case.province_code)
    return case


def online_businesses(session: Session, province_code: str) -> list[BusinessSpec]:
    """The businesses a citizen of the province may apply for online (the business room's catalogue)."""
    return [spec for spec in all_specs(session) if spec.offered_online(province_code)]


def apply_online(session: Session, case_id: int, actor: Principal, business_code: str) -> EmergencyCase:
    """The applicant's online application for the case's business, flagged emergency through the business room
    (its inbox calls it before every other); once per case."""
    case = get_case(session, case_id, actor)
    if actor.role != Role.citizen or case.applicant_user_id != actor.id:
        raise CaseNotFound()
    if case.status not in OPEN_CASE_STATUSES:
        raise TransitionRefused(code="hotline.transition_refused", state=case.status)
    if case.business_ref:
        return case
    spec = get_spec(session, business_code)
    app = create_application(session, actor, spec.code, plate=case.plate_no if spec.subject == "vehicle" else None,
                             emergency=True, emergency_reason=f"急事急办 EC{case.id} {case.unit_name}")
    case.business_ref = str(app.id)
    session.flush()
    audit.record(session, "emergency_case.online_application", "emergency_case", case.id,
                 f"business application {app.id} ({spec.code}), flagged emergency")
    return case


def window_ticket_number(case: EmergencyCase) -> str | None:
    return case.halls_ticket_ref.split(":", 1)[1] if case.halls_ticket_ref and ":" in case.halls_ticket_ref else None


def cases_for_staff(session: Session, actor: Principal, *, open_only: bool = True, limit: int = 200
                    ) -> list[EmergencyCase]:
    stmt = select(EmergencyCase)
    if actor.role != Role.admin and actor.province_code:
        stmt = stmt.where(EmergencyCase.province_code == actor.province_code)
    if open_only:
        stmt = stmt.where(EmergencyCase.status.in_(OPEN_CASE_STATUSES))
    return list(session.scalars(stmt.order_by(EmergencyCase.due_at, EmergencyCase.id).limit(limit)))


def cases_of_citizen(session: Session, actor: Principal) -> list[EmergencyCase]:
    cond = EmergencyCase.applicant_user_id == actor.id
    if actor.person_id is not None:
        cond = cond | (EmergencyCase.applicant_person_id == actor.person_id)
    return list(session.scalars(select(EmergencyCase).where(cond).order_by(EmergencyCase.id.desc()).limit(100)))


def clerks(session: Session, province_code: str) -> list[Principal]:
    return staff_of(session, province_code, (Role.window_clerk,))
