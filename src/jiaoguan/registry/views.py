"""What the registry shows: plain snapshots of records with their state tags, built from the models.

Each shape is declared once, here: the pages render these dataclasses and the JSON API returns them as they are
(FastAPI takes a dataclass as `response_model`; a `StateTag` writes itself as `{code, tone, text}` in the
request's language, and the translated names are computed fields). A view of a record that other rooms also read
extends that record (`VehicleView(records.VehicleRecord)`) rather than repeating its fields.

ID numbers are masked (110105********002X) unless the caller needs the full number to do business.
`dates` (see `deadline_states.py`), when a room provides it, states the deadlines with the temporary
measures applied, in place of the base-rule tags.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, computed_field, with_config

from jiaoguan.accounts.enterprises import EnterpriseView
from jiaoguan.kit.i18n import current_locale, translate
from jiaoguan.kit.ids import LICENCE_CLASSES, PLATE_TYPES, check_plate, mask_id_number, mask_mobile
from jiaoguan.kit.views import REQUIRED_IN_JSON
from jiaoguan.registry import records
from jiaoguan.registry.deadline_states import DeadlineStates
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, Person, PreselectedPlate, Vehicle
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
from jiaoguan.registry.vocab import use_nature_name, vehicle_type_name

V = TypeVar("V")

@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    id_number: Annotated[str, Field(description="Masked (first 6 and last 4 kept) unless id_number_masked is false")]
    id_number_masked: bool
    sex: Literal["M", "F"]
    birth_date: dt.date
    phone: Annotated[str | None, Field(description="Masked mobile number")]
    address: str | None
    province_code: str


@dataclass(frozen=True)
class LicenceView:
    id: int
    file_no: str
    classes: tuple[str, ...]
    first_issued: dt.date
    valid_from: dt.date
    valid_to: Annotated[dt.date | None, Field(description="None for a long-term (长期) licence")]
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
    kind: Literal["person", "enterprise"]
    id: int
    name: str
    identifier: Annotated[str, Field(description="Masked ID number of a person, or an enterprise's credit code")]


@dataclass(frozen=True)
class VehicleView(records.VehicleRecord):
    """The vehicle's record as a page shows it: the plate for display, its type's name, the state tags, the owner."""

    plate_display: str         # 京A·12345
    states: tuple[StateTag, ...]
    owner: OwnerView | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def plate_type_name(self) -> str:
        kind = PLATE_TYPES.get(self.plate_type)
        if kind is None:
            return ""
        return kind.name_en if current_locale() == "en" else kind.name_zh

    @computed_field  # type: ignore[prop-decorator]
    @property
    def vehicle_type_name(self) -> str:
        return translate(vehicle_type_name(self.vehicle_type))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def use_nature_name(self) -> str:
        return translate(use_nature_name(self.use_nature))

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
class PlateHoldView(records.PlateRecord):
    plate_display: str
    states: tuple[StateTag, ...]


@with_config(REQUIRED_IN_JSON)
@dataclass(frozen=True)
class PersonRecords:
    """Everything the registry holds on one person (a citizen's own page, a clerk's person file)."""

    person: PersonView
    licences: list[LicenceView] = field(default_factory=list)
    vehicles: list[VehicleView] = field(default_factory=list)
    learner_permits: list[PermitView] = field(default_factory=list)
    preselected_plates: list[PlateHoldView] = field(default_factory=list)


def extend(view: type[V], record: records.Record, **shown: Any) -> V:
    """`view` made of `record`'s fields and what the page adds to them (`shown`)."""
    names = _FIELD_NAMES.get(type(record))
    if names is None:   # `dataclasses.fields` builds its answer on every call; a record type's fields never change
        names = _FIELD_NAMES[type(record)] = tuple(f.name for f in fields(record))
    return view(**{name: getattr(record, name) for name in names}, **shown)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def classes_of(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split() if c in LICENCE_CLASSES)


def plate_display(plate_no: str) -> str:
    return check_plate(plate_no, legacy=True).display or plate_no


def person_view(p: Person, *, full_id: bool = False) -> PersonView:
    return PersonView(p.id, p.name, p.id_number if full_id else mask_id_number(p.id_number), not full_id,
                      "M" if p.sex == "M" else "F", p.birth_date, mask_mobile(p.phone) if p.phone else None,
                      p.address, p.province_code)


def licence_view(lic: DrivingLicence, on: dt.date, dates: DeadlineStates | None = None) -> LicenceView:
    states = licence_states(status=lic.status, valid_to=lic.valid_to, classes=lic.classes, points=lic.points,
                            review_due=lic.review_due, medical_due=lic.medical_due, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.licence(records.licence_record(lic)))
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
    record = records.vehicle_record(v)
    states = vehicle_states(status=v.status, inspection_valid_until=v.inspection_valid_until,
                            insurance_valid_until=v.insurance_valid_until, missed_cycles=v.missed_cycles, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.vehicle(record))
    return extend(VehicleView, record, plate_display=plate_display(v.plate_no), states=tuple(states), owner=owner)


def permit_view(p: LearnerPermit, on: dt.date, dates: DeadlineStates | None = None) -> PermitView:
    states = permit_states(status=p.status, valid_until=p.valid_until, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.permit(records.permit_record(p)))
    return PermitView(p.id, classes_of(p.classes), p.issued_on, p.valid_until, p.status, tuple(states))


def plate_hold_view(h: PreselectedPlate, on: dt.date, dates: DeadlineStates | None = None) -> PlateHoldView:
    record = records.plate_record(h)
    states = plate_hold_states(status=h.status, valid_until=h.valid_until, on=on)
    if dates is not None:
        states = with_deadline_tags(states, dates.plate(record))
    return extend(PlateHoldView, record, plate_display=plate_display(h.plate_no), states=tuple(states))
