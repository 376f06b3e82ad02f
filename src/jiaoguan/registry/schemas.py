"""JSON shapes of the registry API. State texts are in the request's language."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from jiaoguan.kit.i18n import translate
from jiaoguan.registry.service import FleetView, SearchResult
from jiaoguan.registry.states import StateTag
from jiaoguan.registry.views import (
    LicenceView,
    OwnerView,
    PermitView,
    PersonRecords,
    PersonView,
    PlateHoldView,
    VehicleView,
)
from jiaoguan.registry.vocab import USE_NATURES, VEHICLE_TYPES


class StateOut(BaseModel):
    code: str = Field(description="Stable state code, e.g. licence.renewal_window")
    tone: Literal["ok", "warn", "bad", "grey"]
    text: str

    @classmethod
    def of(cls, tag: StateTag) -> StateOut:
        return cls(code=tag.code, tone=tag.tone.value, text=tag.text())


def _states(tags: tuple[StateTag, ...]) -> list[StateOut]:
    return [StateOut.of(t) for t in tags]


class PersonOut(BaseModel):
    id: int
    name: str
    id_number: str = Field(description="Masked (first 6 and last 4 kept) unless id_number_masked is false")
    id_number_masked: bool
    sex: Literal["M", "F"]
    birth_date: dt.date
    phone: str | None = Field(description="Masked mobile number")
    address: str | None
    province_code: str

    @classmethod
    def of(cls, p: PersonView) -> PersonOut:
        return cls(id=p.id, name=p.name, id_number=p.id_number, id_number_masked=p.id_number_masked,
                   sex="M" if p.sex == "M" else "F", birth_date=p.birth_date, phone=p.phone, address=p.address,
                   province_code=p.province_code)


class LicenceOut(BaseModel):
    id: int
    file_no: str
    classes: list[str]
    first_issued: dt.date
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="None for a long-term (长期) licence")
    period_years: int | None
    status: str
    cycle_start: dt.date
    points: int
    review_due: dt.date | None
    medical_due: dt.date | None
    states: list[StateOut]

    @classmethod
    def of(cls, x: LicenceView) -> LicenceOut:
        return cls(id=x.id, file_no=x.file_no, classes=list(x.classes), first_issued=x.first_issued,
                   valid_from=x.valid_from, valid_to=x.valid_to, period_years=x.period_years, status=x.status,
                   cycle_start=x.cycle_start, points=x.points, review_due=x.review_due, medical_due=x.medical_due,
                   states=_states(x.states))


class OwnerOut(BaseModel):
    kind: Literal["person", "enterprise"]
    id: int
    name: str
    identifier: str = Field(description="Masked ID number of a person, or an enterprise's credit code")

    @classmethod
    def of(cls, o: OwnerView) -> OwnerOut:
        return cls(kind="person" if o.kind == "person" else "enterprise", id=o.id, name=o.name,
                   identifier=o.identifier)


class VehicleOut(BaseModel):
    id: int
    plate_no: str
    plate_display: str
    plate_type: str
    plate_type_name: str
    vin: str
    vehicle_type: str
    vehicle_type_name: str
    use_nature: str
    use_nature_name: str
    seats: int
    registration_date: dt.date
    inspection_valid_until: dt.date
    insurance_valid_until: dt.date
    missed_cycles: int
    status: str
    states: list[StateOut]
    owner: OwnerOut | None = None

    @classmethod
    def of(cls, v: VehicleView) -> VehicleOut:
        return cls(id=v.id, plate_no=v.plate_no, plate_display=v.plate_display, plate_type=v.plate_type,
                   plate_type_name=v.plate_type_name, vin=v.vin, vehicle_type=v.vehicle_type,
                   vehicle_type_name=translate(VEHICLE_TYPES.get(v.vehicle_type, v.vehicle_type)),
                   use_nature=v.use_nature, use_nature_name=translate(USE_NATURES.get(v.use_nature, v.use_nature)),
                   seats=v.seats, registration_date=v.registration_date,
                   inspection_valid_until=v.inspection_valid_until, insurance_valid_until=v.insurance_valid_until,
                   missed_cycles=v.missed_cycles, status=v.status, states=_states(v.states),
                   owner=OwnerOut.of(v.owner) if v.owner else None)


class PermitOut(BaseModel):
    id: int
    classes: list[str]
    issued_on: dt.date
    valid_until: dt.date
    status: str
    states: list[StateOut]

    @classmethod
    def of(cls, p: PermitView) -> PermitOut:
        return cls(id=p.id, classes=list(p.classes), issued_on=p.issued_on, valid_until=p.valid_until,
                   status=p.status, states=_states(p.states))


class PlateHoldOut(BaseModel):
    id: int
    plate_no: str
    plate_display: str
    plate_type: str
    vin: str
    selected_on: dt.date
    valid_until: dt.date
    status: str
    states: list[StateOut]

    @classmethod
    def of(cls, h: PlateHoldView) -> PlateHoldOut:
        return cls(id=h.id, plate_no=h.plate_no, plate_display=h.plate_display, plate_type=h.plate_type, vin=h.vin,
                   selected_on=h.selected_on, valid_until=h.valid_until, status=h.status, states=_states(h.states))


class PersonRecordsOut(BaseModel):
    person: PersonOut
    licences: list[LicenceOut]
    vehicles: list[VehicleOut]
    learner_permits: list[PermitOut]
    preselected_plates: list[PlateHoldOut]

    @classmethod
    def of(cls, r: PersonRecords) -> PersonRecordsOut:
        return cls(person=PersonOut.of(r.person), licences=[LicenceOut.of(x) for x in r.licences],
                   vehicles=[VehicleOut.of(x) for x in r.vehicles],
                   learner_permits=[PermitOut.of(x) for x in r.permits],
                   preselected_plates=[PlateHoldOut.of(x) for x in r.plates])


SearchKind = Literal["id_number", "plate", "vin", "name", "mobile"]
SEARCH_KINDS: tuple[SearchKind, ...] = ("id_number", "plate", "vin", "name", "mobile")


class SearchOut(BaseModel):
    kind: SearchKind
    query: str
    persons: list[PersonOut]
    vehicles: list[VehicleOut]
    more: bool = Field(False, description="More people match the name than are listed: give more of it")

    @classmethod
    def of(cls, r: SearchResult) -> SearchOut:
        kind = next(k for k in SEARCH_KINDS if k == r.kind)
        return cls(kind=kind, query=r.query, persons=[PersonOut.of(p) for p in r.persons],
                   vehicles=[VehicleOut.of(v) for v in r.vehicles], more=r.more)


class FleetOut(BaseModel):
    enterprise_id: int
    name: str
    credit_code: str
    total: int
    inspection_overdue: int
    inspection_due: int
    vehicles: list[VehicleOut]

    @classmethod
    def of(cls, f: FleetView) -> FleetOut:
        return cls(enterprise_id=f.enterprise_id, name=f.name, credit_code=f.credit_code, total=f.total,
                   inspection_overdue=f.inspection_overdue, inspection_due=f.inspection_due,
                   vehicles=[VehicleOut.of(v) for v in f.vehicles])
