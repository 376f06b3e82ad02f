"""JSON API (/api/v1) of the batch (集中办理) and door-to-door (上门办理) requests: the enterprise asks and
follows its requests; the province's window clerks and supervisors schedule, finish or cancel them (their open
requests also come with the business inbox, `GET /business/inbox`)."""

from __future__ import annotations

from fastapi import APIRouter

from jiaoguan.business import service_requests as sr
from jiaoguan.business.auth import Enterprise, ServiceClerk, ServiceReader
from jiaoguan.business.schemas import VersionIn
from jiaoguan.business.service_request_schemas import ScheduleIn, ServiceRequestIn, ServiceRequestOut
from jiaoguan.kit.web import Db, UnitOfWorkRoute

router = APIRouter(route_class=UnitOfWorkRoute, tags=["business"])


@router.get("/business/service-requests", response_model=list[ServiceRequestOut])
def our_requests(user: Enterprise, db: Db) -> list[ServiceRequestOut]:
    return [ServiceRequestOut.model_validate(r) for r in sr.enterprise_requests(db, user)]


@router.post("/business/service-requests", status_code=201, response_model=ServiceRequestOut)
def ask(body: ServiceRequestIn, user: Enterprise, db: Db) -> ServiceRequestOut:
    row = sr.request_service(db, user, kind=body.kind, plates=" ".join(body.plates), business=body.business,
                             contact_phone=body.contact_phone, address=body.address,
                             preferred_date=body.preferred_date)
    return ServiceRequestOut.model_validate(row)


@router.get("/business/service-requests/{request_id}", response_model=ServiceRequestOut)
def one(request_id: int, user: ServiceReader, db: Db) -> ServiceRequestOut:
    return ServiceRequestOut.model_validate(sr.get_request(db, user, request_id))


@router.post("/business/service-requests/{request_id}/schedule", response_model=ServiceRequestOut)
def schedule(request_id: int, body: ScheduleIn, user: ServiceClerk, db: Db) -> ServiceRequestOut:
    row = sr.schedule(db, user, request_id, body.when, body.note, expected_version=body.version)
    return ServiceRequestOut.model_validate(row)


@router.post("/business/service-requests/{request_id}/done", response_model=ServiceRequestOut)
def done(request_id: int, body: VersionIn, user: ServiceClerk, db: Db) -> ServiceRequestOut:
    return ServiceRequestOut.model_validate(sr.mark_done(db, user, request_id, expected_version=body.version))


@router.post("/business/service-requests/{request_id}/cancel", response_model=ServiceRequestOut)
def cancel(request_id: int, body: VersionIn, user: ServiceReader, db: Db) -> ServiceRequestOut:
    return ServiceRequestOut.model_validate(sr.cancel(db, user, request_id, expected_version=body.version))
