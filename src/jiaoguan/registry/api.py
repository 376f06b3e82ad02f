"""Registry JSON API, mounted under /api/v1. A bad identifier is refused as problem+json naming the
field and the reason (`ids.id_number_checksum`, with the rejection `id_number.checksum` as `reason`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from jiaoguan.accounts.auth import Citizen, EnterpriseAgent
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.web import Db, UnitOfWorkRoute
from jiaoguan.registry import service
from jiaoguan.registry.auth import FULL_ID_ROLES, RegistryReader
from jiaoguan.registry.schemas import FleetOut, PersonOut, PersonRecordsOut, SearchOut, VehicleOut

router = APIRouter(prefix="/registry", route_class=UnitOfWorkRoute, tags=["registry"])


@router.get("/me", response_model=PersonRecordsOut, summary="My licences, vehicles, permits and plate holds")
def my_records(user: Citizen, db: Db) -> PersonRecordsOut:
    return PersonRecordsOut.of(service.my_records(db, user))


@router.get("/persons", response_model=list[PersonOut], summary="Find a person by ID number")
def find_persons(user: RegistryReader, db: Db,
                 id_number: Annotated[str, Query(description="18-digit (or old 15-digit) ID number")]
                 ) -> list[PersonOut]:
    return [PersonOut.of(p) for p in service.find_persons(db, id_number)]


@router.get("/persons/{person_id}", response_model=PersonRecordsOut, summary="A person's file")
def person_file(person_id: int, user: RegistryReader, db: Db) -> PersonRecordsOut:
    full = Role(user.role) in FULL_ID_ROLES
    return PersonRecordsOut.of(service.person_file(db, person_id, full_id=full))


@router.get("/vehicles", response_model=list[VehicleOut], summary="Find vehicles by plate or VIN")
def find_vehicles(user: RegistryReader, db: Db,
                  plate: Annotated[str | None, Query(description="Plate number, e.g. 京A12345")] = None,
                  plate_type: Annotated[str | None, Query(description="GA 24.7 plate type code, e.g. 02")] = None,
                  vin: Annotated[str | None, Query(description="17-character VIN")] = None) -> list[VehicleOut]:
    return [VehicleOut.of(v) for v in service.find_vehicles(db, plate=plate, plate_type=plate_type, vin=vin)]


@router.get("/search", response_model=SearchOut, summary="One box: name, mobile, ID number, plate or VIN")
def search(user: RegistryReader, db: Db,
           q: Annotated[str, Query(max_length=40, description="Name (prefix, in the caller's province), mobile "
                                                             "number, ID number, plate or VIN")]) -> SearchOut:
    return SearchOut.of(service.search(db, q, province_code=user.province_code))


@router.get("/fleet", response_model=FleetOut, summary="The vehicles of my enterprise")
def fleet(user: EnterpriseAgent, db: Db, limit: Annotated[int, Query(ge=1, le=500)] = 100,
          offset: Annotated[int, Query(ge=0)] = 0) -> FleetOut:
    return FleetOut.of(service.fleet(db, user, limit=limit, offset=offset))
