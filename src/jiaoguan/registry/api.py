"""Registry JSON API, mounted under /api/v1. A bad identifier is refused as problem+json naming the
field and the reason (`ids.id_number_checksum`, with the rejection `id_number.checksum` as `reason`).

The routes return the registry's views as they are (`views.py`, `service.py`): the dataclass is the response
model, so the JSON and the pages show one declared shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from jiaoguan.accounts.auth import Citizen, EnterpriseAgent
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.web import Db, UnitOfWorkRoute
from jiaoguan.registry import service
from jiaoguan.registry.auth import FULL_ID_ROLES, RegistryReader
from jiaoguan.registry.service import FleetView, SearchResult
from jiaoguan.registry.views import PersonRecords, PersonView, VehicleView

router = APIRouter(prefix="/registry", route_class=UnitOfWorkRoute, tags=["registry"])


@router.get("/me", response_model=PersonRecords, summary="My licences, vehicles, permits and plate holds")
def my_records(user: Citizen, db: Db) -> PersonRecords:
    return service.my_records(db, user)


@router.get("/persons", response_model=list[PersonView], summary="Find a person by ID number")
def find_persons(user: RegistryReader, db: Db,
                 id_number: Annotated[str, Query(description="18-digit (or old 15-digit) ID number")]
                 ) -> list[PersonView]:
    return service.find_persons(db, id_number)


@router.get("/persons/{person_id}", response_model=PersonRecords, summary="A person's file")
def person_file(person_id: int, user: RegistryReader, db: Db) -> PersonRecords:
    full = Role(user.role) in FULL_ID_ROLES
    return service.person_file(db, person_id, full_id=full)


@router.get("/vehicles", response_model=list[VehicleView], summary="Find vehicles by plate or VIN")
def find_vehicles(user: RegistryReader, db: Db,
                  plate: Annotated[str | None, Query(description="Plate number, e.g. 京A12345")] = None,
                  plate_type: Annotated[str | None, Query(description="GA 24.7 plate type code, e.g. 02")] = None,
                  vin: Annotated[str | None, Query(description="17-character VIN")] = None) -> list[VehicleView]:
    return service.find_vehicles(db, plate=plate, plate_type=plate_type, vin=vin)


@router.get("/search", response_model=SearchResult, summary="One box: name, mobile, ID number, plate or VIN")
def search(user: RegistryReader, db: Db,
           q: Annotated[str, Query(max_length=40, description="Name (prefix, in the caller's province), mobile "
                                                             "number, ID number, plate or VIN")]) -> SearchResult:
    return service.search(db, q, province_code=user.province_code)


@router.get("/fleet", response_model=FleetView, summary="The vehicles of my enterprise")
def fleet(user: EnterpriseAgent, db: Db, limit: Annotated[int, Query(ge=1, le=500)] = 100,
          offset: Annotated[int, Query(ge=0)] = 0) -> FleetView:
    return service.fleet(db, user, limit=limit, offset=offset)
