"""集中办理 / 上门办理: an enterprise whose vehicles hold active passes asks for its vehicles' own business to
be handled in one batch at the hall, or at its premises; a window clerk of the province schedules it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit, outbox
from jiaoguan.kit.clock import CHINA_TZ, today, utc_now
from jiaoguan.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import check_mobile, check_plate
from jiaoguan.passes.applications.service import enterprise_of_agent
from jiaoguan.passes.models import PassServiceRequest
from jiaoguan.passes.service import enterprise_active_plates

KINDS: Mapping[str, str] = {
    "batch": N_("Batch handling at the hall (集中办理)"),
    "door_to_door": N_("Door-to-door service (上门办理)"),
}
MAX_VEHICLES = 200


def request_service(session: Session, user: Principal, *, kind: str, plates: str, business: str, contact_phone: str,
                    address: str = "", preferred_date: dt.date | None = None) -> PassServiceRequest:
    enterprise = enterprise_of_agent(session, user)
    if kind not in KINDS:
        raise InvalidInput(N_("Choose batch or door-to-door handling."), code="passes.service_kind", field="kind")
    active = set(enterprise_active_plates(session, enterprise.id))
    if not active:
        raise Forbidden(N_("Only an enterprise whose vehicles hold active passes can ask for this service."),
                        code="passes.no_active_passes")
    wanted: list[str] = []
    for raw in plates.replace(",", " ").replace("，", " ").split():
        checked = check_plate(raw, field="plates")
        if checked.reason is not None or checked.value is None:
            raise InvalidInput(N_("%(plate)s is not a plate number."), code="passes.service_plate", field="plates",
                               plate=raw)
        if checked.value not in wanted:
            wanted.append(checked.value)
    if not wanted or len(wanted) > MAX_VEHICLES:
        raise InvalidInput(N_("List between 1 and %(max)s plate numbers."), code="passes.service_plates",
                           field="plates",
                           max=MAX_VEHICLES)
    business = " ".join(business.split())[:1000]
    if not business:
        raise InvalidInput(N_("Say which business the vehicles need."), code="passes.service_business",
                           field="business")
    phone = check_mobile(contact_phone, field="contact_phone")
    if phone.value is None:
        raise InvalidInput(N_("Give a mobile number to call."), code="passes.service_phone", field="contact_phone")
    address = " ".join(address.split())[:200]
    if kind == "door_to_door" and not address:
        raise InvalidInput(N_("Give the address for door-to-door service."), code="passes.service_address",
                           field="address")
    if preferred_date is not None and preferred_date < today():
        raise InvalidInput(N_("The preferred date is in the past."), code="passes.service_date", field="preferred_date")
    row = PassServiceRequest(
        province_code=enterprise.province_code, enterprise_id=enterprise.id, requested_by_user_id=user.id, kind=kind,
        plates=" ".join(wanted), business=business, address=address, contact_phone=phone.value,
        preferred_date=preferred_date, status="requested", created_at=utc_now(),
    )
    session.add(row)
    session.flush()
    covered = sum(1 for p in wanted if p in active)
    audit.record(session, "pass.service_request.create", "pass_service_request", row.id,
                 f"{kind}: {len(wanted)} vehicle(s), {covered} holding active passes")
    return row


def enterprise_requests(session: Session, enterprise_id: int) -> list[PassServiceRequest]:
    return list(session.execute(
        select(PassServiceRequest).where(PassServiceRequest.enterprise_id == enterprise_id)
        .order_by(PassServiceRequest.id.desc()).limit(100)
    ).scalars())


def open_requests(session: Session, clerk: Principal) -> list[PassServiceRequest]:
    return list(session.execute(
        select(PassServiceRequest).where(PassServiceRequest.province_code == (clerk.province_code or ""),
                                         PassServiceRequest.status.in_(("requested", "scheduled")))
        .order_by(PassServiceRequest.status, PassServiceRequest.preferred_date, PassServiceRequest.id)
    ).scalars())


def schedule(session: Session, clerk: Principal, request_id: int, when: dt.datetime,
             note: str = "") -> PassServiceRequest:
    row = session.get(PassServiceRequest, request_id)
    if row is None:
        raise NotFound(N_("No such request."), code="passes.no_such_request")
    if clerk.province_code != row.province_code:
        raise Forbidden(N_("This request belongs to another province."), code="passes.request_other_province")
    if row.status not in ("requested", "scheduled"):
        raise Conflict(N_("This request is closed."), code="passes.request_closed")
    if when.tzinfo is None:
        raise InvalidInput(N_("Give the time with its zone."), code="passes.naive_time", field="when")
    if when < utc_now():
        raise InvalidInput(N_("The appointment is in the past."), code="passes.service_past", field="when")
    row.status, row.scheduled_for, row.scheduled_by_user_id = "scheduled", when, clerk.id
    row.clerk_note = " ".join(note.split())[:500] or None
    session.flush()
    audit.record(session, "pass.service_request.schedule", "pass_service_request", row.id,
                 f"{row.kind} scheduled for {when.isoformat()}")
    params = {"id": row.id, "when": when.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")}
    for channel, recipient in (("inapp", str(row.requested_by_user_id)), ("sms", row.contact_phone)):
        outbox.enqueue(session, channel, recipient, "pass_service_scheduled", params, province_code=row.province_code)
    return row


def mark_done(session: Session, clerk: Principal, request_id: int) -> PassServiceRequest:
    row = session.get(PassServiceRequest, request_id)
    if row is None:
        raise NotFound(N_("No such request."), code="passes.no_such_request")
    if clerk.province_code != row.province_code:
        raise Forbidden(N_("This request belongs to another province."), code="passes.request_other_province")
    if row.status != "scheduled":
        raise Conflict(N_("Only a scheduled request can be marked done."), code="passes.request_not_scheduled")
    row.status = "done"
    session.flush()
    audit.record(session, "pass.service_request.done", "pass_service_request", row.id, "handled")
    return row
