"""What the registry shows: plain snapshots of records with their state tags, built from the models.

ID numbers are masked (110105********002X) unless the caller needs the full number to do business.
`dates` (see `deadline_states.py`), when a room provides it, states the deadlines with the temporary
measures applied, in place of the base-rule tags.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jiaoguan.accounts.enterprises import EnterpriseView
from jiaoguan.kit.ids import LICENCE_CLASSES, PLATE_TYPES, check_plate, mask_id_number, mask_mobile
from jiaoguan.registry.deadline_states import DeadlineStates
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, Person, PreselectedPlate, Vehicle
from jiaoguan.registry.records import licence_record, permit_record, plate_record, vehicle_record
from jiaoguan.registry.states import (
    StateTag,
    Tone,
    licence_states,
    permit_states,
    plate_hold_states,
    vehicle_states,
    with_deadline_tags,
    worst,
)


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    id_number: str            # masked unless full_id was asked for
    id_number_masked: bool
    sex: str
    birth_date: dt.date
    phone: str | None          # masked like the ID number
    address: str | None
    province_code: str


@dataclass(frozen=True)
class LicenceView:
    id: int
    file_no: str
    classes: tuple[str, ...]
    first_issued: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    period_years: int | None
    status: str
    cycle_start: dt.date
    points: int
    review_due: dt.date | None
    medical_due: dt.date | None
    province_code: str
    states: tuple[StateTag, ...]

    @property
    def tone(self) -> Tone:
        return worst(list(self.states))


@dataclass(frozen=True)
class OwnerView:
    kind: str                  # "person" | "enterprise"
    id: int
    name: str
    identifier: str            # masked ID number, or the credit code


@dataclass(frozen=True)
class VehicleView:
    id: int
    plate_no: str
    plate_display: str         # 京A·12345
    plate_type: str
    plate_type_name: str
    vin: str
    vehicle_type: str
    use_nature: str
    seats: int
    registration_date: dt.date
    inspection_valid_until: dt.date
    insurance_valid_until: dt.date
    missed_cycles: int
    status: str
    province_code: str
    states: tuple[StateTag, ...]
    owner: OwnerView | None = None

    @property
    def tone(self) -> Tone:
        return worst(list(self.states))


@dataclass(frozen=True)
class PermitView:
    id: int
    classes: tuple[str, ...]
    issued_on: dt.date
    valid_until: dt.date
    status: str
    states: tuple[StateTag, ...]


@dataclass(frozen=True)
class PlateHoldView:
    id: int
    plate_no: str
    plate_display: str
    plate_type: str
    vin: str
    selected_on: dt.date
    valid_until: dt.date
    status: str
    states: tuple[StateTag, ...]


@dataclass(frozen=True)
class PersonRecords:
    """Everything the registry holds on one person (a citizen's own page, a clerk's person file)."""

    person: PersonView
    licences: list[LicenceView] = field(default_factory=list)
    vehicles: list[VehicleView] = field(default_factory=list)
    permits: list[PermitView] = field(default_factory=list)
    plates: list[PlateHoldView] = field(default_factory=list)


def classes_of(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split() if c in LICENCE_CLASSES)


def plate_display(plate_no: str) -> str:
    return check_plate(plate_no, legacy=True).display or plate_no


def person_view(p: Person, *, full_id: bool = False) -> PersonView:
    return PersonView(p.id, p.name, p.id_number if full_id else mask_id_number(p.id_number), not full_id, p.sex,
                      p.birth_date, mask_mobile(p.phone) if p.phone else None, p.address, p.province_code)


def licence_view(lic: DrivingLicence, on: dt.date, dates: DeadlineStates | None = None) -> LicenceView:
    states = licence_states(status=lic.status, valid_to=lic.valid_to, classes=lic.classes, points=lic.points,
                            review_due=lic.review_due, medical_due=lic.medical_due, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.licence(licence_record(lic)))
    return LicenceView(lic.id, lic.file_no, classes_of(lic.classes), lic.first_issued, lic.valid_from, lic.valid_to,
                       lic.period_years, lic.status, lic.cycle_start, lic.points, lic.review_due, lic.medical_due,
                       lic.province_code, tuple(states))


def owner_view(person: Person | None, enterprise: EnterpriseView | None) -> OwnerView | None:
    if person is not None:
        return OwnerView("person", person.id, person.name, mask_id_number(person.id_number))
    if enterprise is not None:
        return OwnerView("enterprise", enterprise.id, enterprise.name, enterprise.credit_code)
    return None


def vehicle_view(v: Vehicle, on: dt.date, owner: OwnerView | None = None,
                 dates: DeadlineStates | None = None) -> VehicleView:
    states = vehicle_states(status=v.status, inspection_valid_until=v.inspection_valid_until,
                            insurance_valid_until=v.insurance_valid_until, missed_cycles=v.missed_cycles, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.vehicle(vehicle_record(v)))
    kind = PLATE_TYPES.get(v.plate_type)
    return VehicleView(v.id, v.plate_no, plate_display(v.plate_no), v.plate_type, kind.name_zh if kind else "",
                       v.vin, v.vehicle_type, v.use_nature, v.seats, v.registration_date, v.inspection_valid_until,
                       v.insurance_valid_until, v.missed_cycles, v.status, v.province_code, tuple(states), owner)


def permit_view(p: LearnerPermit, on: dt.date, dates: DeadlineStates | None = None) -> PermitView:
    states = permit_states(status=p.status, valid_until=p.valid_until, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.permit(permit_record(p)))
    return PermitView(p.id, classes_of(p.classes), p.issued_on, p.valid_until, p.status, tuple(states))


def plate_hold_view(h: PreselectedPlate, on: dt.date, dates: DeadlineStates | None = None) -> PlateHoldView:
    states = plate_hold_states(status=h.status, valid_until=h.valid_until, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.plate(plate_record(h)))
    return PlateHoldView(h.id, h.plate_no, plate_display(h.plate_no), h.plate_type, h.vin, h.selected_on,
                         h.valid_until, h.status, tuple(states))
