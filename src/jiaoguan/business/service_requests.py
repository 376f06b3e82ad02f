"""集中办理 / 上门办理: an enterprise whose vehicles hold active key-material passes asks for its vehicles' own
business to be handled in one batch at the hall, or at its premises; a window clerk of the province schedules it
from the business inbox (called as 特事特办, after the emergencies).

The pass room is asked only whether the enterprise's vehicles hold active passes (`passes.service`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView, enterprise_of
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.business.models import ServiceRequest
from jiaoguan.business.states import SERVICE_REQUEST, SERVICE_REQUEST_OPEN, ServiceRequestStatus
from jiaoguan.kit import audit
from jiaoguan.kit.clock import CHINA_TZ, today, utc_now
from jiaoguan.kit.errors import Forbidden, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import check_mobile, check_plate
from jiaoguan.passes.service import enterprise_active_plates

KINDS: Mapping[str, str] = {
    "batch": N_("Batch handling at the hall (集中办理)"),
    "door_to_door": N_("Door-to-door service (上门办理)"),
}
MAX_VEHICLES = 200


def _enterprise(session: Session, user: Principal) -> EnterpriseView:
    enterprise = enterprise_of(session, user.enterprise_id)
    if enterprise is None:
        raise Forbidden(N_("Your account is not linked to an enterprise."), code="business.no_enterprise")
    return enterprise


def _plates(text: str) -> list[str]:
    wanted: list[str] = []
    for raw in text.replace(",", " ").replace("，", " ").split():
        checked = check_plate(raw, field="plates")
        if checked.reason is not None or checked.value is None:
            raise InvalidInput(N_("%(plate)s is not a plate number."), code="business.service_plate",
                               field="plates", plate=raw)
        if checked.value not in wanted:
            wanted.append(checked.value)
    if not wanted or len(wanted) > MAX_VEHICLES:
        raise InvalidInput(N_("List between 1 and %(max)s plate numbers."), code="business.service_plates",
                           field="plates", max=MAX_VEHICLES)
    return wanted


def request_service(session: Session, user: Principal, *, kind: str, plates: str, business: str, contact_phone: str,
                    address: str = "", preferred_date: dt.date | None = None) -> ServiceRequest:
    enterprise = _enterprise(session, user)
    if kind not in KINDS:
        raise InvalidInput(N_("Choose batch or door-to-door handling."), code="business.service_kind", field="kind")
    active = set(enterprise_active_plates(session, enterprise.id))
    if not active:
        raise Forbidden(N_("Only an enterprise whose vehicles hold active passes can ask for this service."),
                        code="business.no_active_passes")
    wanted = _plates(plates)
    business = " ".join(business.split())[:1000]
    if not business:
        raise InvalidInput(N_("Say which business the vehicles need."), code="business.service_business",
                           field="business")
    phone = check_mobile(contact_phone, field="contact_phone")
    if phone.value is None:
        raise InvalidInput(N_("Give a mobile number to call."), code="business.service_phone", field="contact_phone")
    address = " ".join(address.split())[:200]
    if kind == "door_to_door" and not address:
        raise InvalidInput(N_("Give the address for door-to-door service."), code="business.service_address",
                           field="address")
    if preferred_date is not None and preferred_date < today():
        raise InvalidInput(N_("The preferred date is in the past."), code="business.service_date",
                           field="preferred_date")
    row = ServiceRequest(
        province_code=enterprise.province_code, enterprise_id=enterprise.id, requested_by_user_id=user.id, kind=kind,
        plates=" ".join(wanted), business=business, address=address, contact_phone=phone.value,
        preferred_date=preferred_date, status=ServiceRequestStatus.requested.value, created_at=utc_now(),
    )
    session.add(row)
    session.flush()
    covered = sum(1 for p in wanted if p in active)
    audit.record(session, "service_request.create", "service_request", row.id,
                 f"{kind}: {len(wanted)} vehicle(s), {covered} holding active passes")
    return row


def enterprise_requests(session: Session, user: Principal) -> list[ServiceRequest]:
    enterprise = _enterprise(session, user)
    return list(session.execute(
        select(ServiceRequest).where(ServiceRequest.enterprise_id == enterprise.id)
        .order_by(ServiceRequest.id.desc()).limit(100)
    ).scalars())


def open_requests(session: Session, user: Principal, limit: int = 50) -> list[ServiceRequest]:
    """The open requests this member of staff works: the window clerks and supervisors of the province (the
    administrator: every province), earliest preferred date first. Others see none."""
    if user.role not in (Role.window_clerk, Role.supervisor, Role.admin):
        return []
    stmt = select(ServiceRequest).where(ServiceRequest.status.in_(SERVICE_REQUEST_OPEN))
    if user.role != Role.admin:
        stmt = stmt.where(ServiceRequest.province_code == (user.province_code or ""))
    return list(session.execute(stmt.order_by(ServiceRequest.preferred_date.asc().nulls_last(), ServiceRequest.id)
                                .limit(limit)).scalars())


def get_request(session: Session, user: Principal, request_id: int) -> ServiceRequest:
    """Seen by its enterprise's agents and by the staff of its province; to anyone else it does not exist."""
    row = session.get(ServiceRequest, request_id)
    mine = row is not None and user.role == Role.enterprise_agent and user.enterprise_id == row.enterprise_id
    staff = row is not None and (user.role == Role.admin or (
        user.role in (Role.window_clerk, Role.supervisor) and user.province_code == row.province_code))
    if row is None or not (mine or staff):
        raise NotFound(N_("No such request."), code="business.no_such_request")
    return row


def _tell(row: ServiceRequest) -> list[tuple[str, str]]:
    return [("inapp", str(row.requested_by_user_id)), ("sms", row.contact_phone)]


def schedule(session: Session, clerk: Principal, request_id: int, when: dt.datetime, note: str = "", *,
             expected_version: int | None = None) -> ServiceRequest:
    row = get_request(session, clerk, request_id)
    if when.tzinfo is None:
        raise InvalidInput(N_("Give the time with its zone."), code="business.naive_time", field="when")
    if when < utc_now():
        raise InvalidInput(N_("The appointment is in the past."), code="business.service_past", field="when")
    # Set before the transition so that its one flush writes them (a refusal rolls the request back).
    row.scheduled_for, row.scheduled_by_user_id = when, clerk.id
    row.clerk_note = " ".join(note.split())[:500] or None
    SERVICE_REQUEST.apply(session, row, "schedule", role=clerk.role, expected_version=expected_version,
                          summary=f"{row.kind} scheduled for {when.isoformat()}", recipients=_tell(row),
                          params={"id": row.id, "when": when.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")},
                          province_code=row.province_code)
    return row


def mark_done(session: Session, clerk: Principal, request_id: int, *,
              expected_version: int | None = None) -> ServiceRequest:
    row = get_request(session, clerk, request_id)
    SERVICE_REQUEST.apply(session, row, "done", role=clerk.role, expected_version=expected_version,
                          summary="handled", province_code=row.province_code)
    return row


def cancel(session: Session, user: Principal, request_id: int, *,
           expected_version: int | None = None) -> ServiceRequest:
    """The enterprise withdraws its request, or a clerk cancels it (and then the enterprise is told)."""
    row = get_request(session, user, request_id)
    told = [] if user.role == Role.enterprise_agent else _tell(row)
    SERVICE_REQUEST.apply(session, row, "cancel", role=user.role, expected_version=expected_version,
                          summary=f"cancelled by {user.role}", recipients=told, params={"id": row.id},
                          province_code=row.province_code)
    return row
