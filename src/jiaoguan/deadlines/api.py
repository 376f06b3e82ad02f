"""Deadlines JSON API, mounted under /api/v1/deadlines.

    GET /deadlines/me?on=                                    a citizen's own records
    GET /deadlines/records/{record_type}/{record_id}?on=     one record (licence | vehicle | learner-permit |
                                                             preselected-plate)
    GET /deadlines/vehicles?plate=&plate_type=&on=           by plate
    GET /deadlines/persons?id_number=&on=                    by ID number (= licence number): all records
    GET /deadlines/check?plate=&plate_type=&on=              may this vehicle be penalised on `on`, and why
    GET /deadlines/check?licence=&on=                        … this licence (ID number or 12-digit file number)

`on` defaults to today. A citizen may explain only their own records (an enterprise agent: the
company's vehicles); the check is for checkpoint officers and supervisors. Bad input is problem+json
naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from jiaoguan.accounts.auth import Citizen
from jiaoguan.deadlines import service
from jiaoguan.deadlines.auth import Enforcer, Explainer
from jiaoguan.deadlines.schemas import EnforcementOut, RecordDeadlinesOut
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.web import Db, UnitOfWorkRoute

router = APIRouter(prefix="/deadlines", route_class=UnitOfWorkRoute, tags=["deadlines"])
OnDay = Annotated[dt.date | None, Query(description="The day to judge, YYYY-MM-DD (default: today)")]
RecordType = Literal["licence", "vehicle", "learner-permit", "preselected-plate"]


class NoPersonRecord(NotFound):
    code = "deadlines.no_person_record"
    message = N_("Your account is not linked to a person record. Please bring your ID card to a service window.")


@router.get("/me", response_model=list[RecordDeadlinesOut], summary="The deadlines of my records")
def my_deadlines(user: Citizen, db: Db, on: OnDay = None) -> list[RecordDeadlinesOut]:
    found = service.my_deadlines(db, user, on)
    if found is None:
        raise NoPersonRecord()
    return [RecordDeadlinesOut.of(r) for r in found]


@router.get("/records/{record_type}/{record_id}", response_model=RecordDeadlinesOut,
            summary="Every deadline of one registry record as of a date")
def explain_record(record_type: RecordType, record_id: int, user: Explainer, db: Db,
                   on: OnDay = None) -> RecordDeadlinesOut:
    return RecordDeadlinesOut.of(service.explain_record(db, user, record_type, record_id, on))


@router.get("/vehicles", response_model=list[RecordDeadlinesOut], summary="A vehicle's deadlines, by plate")
def explain_plate(user: Explainer, db: Db,
                  plate: Annotated[str, Query(description="Plate number, e.g. 京A12345 or 京A·12345")],
                  plate_type: Annotated[str | None, Query(description="GA 24.7 plate type code, e.g. 02")] = None,
                  on: OnDay = None) -> list[RecordDeadlinesOut]:
    return [RecordDeadlinesOut.of(r) for r in service.explain_plate(db, user, plate, plate_type, on)]


@router.get("/persons", response_model=list[RecordDeadlinesOut],
            summary="A person's licences, permits, plate holds and vehicles, by ID number")
def explain_person(user: Explainer, db: Db,
                   id_number: Annotated[str, Query(description="ID number (also the licence number)")],
                   on: OnDay = None) -> list[RecordDeadlinesOut]:
    return [RecordDeadlinesOut.of(r) for r in service.explain_person(db, user, id_number, on)]


@router.get("/check", response_model=EnforcementOut,
            summary="May this vehicle or licence be penalised on a date, and why (enforcement check)")
def enforcement_check(user: Enforcer, db: Db,
                      plate: Annotated[str | None, Query(description="Plate number of the vehicle")] = None,
                      plate_type: Annotated[str | None, Query(description="GA 24.7 plate type code")] = None,
                      licence: Annotated[str | None, Query(description="Licence number (ID number) or file number")]
                      = None,
                      on: OnDay = None) -> EnforcementOut:
    if plate:
        return EnforcementOut.of(service.check_vehicle(db, plate, plate_type, on))
    if licence:
        return EnforcementOut.of(service.check_licence(db, licence, on))
    raise service.CheckKeyMissing(field="plate")
