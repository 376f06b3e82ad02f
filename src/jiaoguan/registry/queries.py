"""What other rooms may ask the registry, answered with plain snapshots (never the ORM rows).

These are lookups a service does on the way (is this vehicle in the register, whose is it, who is this
person), not a staff member's search: they leave no audit record of their own — the use case that calls
them records what it did. Full identifiers are returned because the caller does business with them;
what a page shows goes through `registry.views`, which masks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from jiaoguan.kit.db import bytewise
from jiaoguan.kit.ids.text import compact
from jiaoguan.kit.prepared import Prepared
from jiaoguan.registry.models import (
    Deferral,
    DrivingLicence,
    LearnerPermit,
    Obligation,
    Person,
    PreselectedPlate,
    RegistryDocument,
    Vehicle,
    Violation,
)
from jiaoguan.registry.records import (
    LicenceRecord,
    PermitRecord,
    PlateRecord,
    Record,
    VehicleRecord,
    licence_record,
    permit_record,
    plate_record,
    record_of,
    vehicle_record,
)


@dataclass(frozen=True, slots=True)
class VehicleFacts:
    id: int
    plate_no: str
    plate_type: str  # GA 24.7 code
    vin: str
    owner_person_id: int | None
    owner_enterprise_id: int | None
    use_nature: str
    vehicle_type: str
    status: str
    province_code: str


@dataclass(frozen=True, slots=True)
class PersonFacts:
    id: int
    id_number: str
    name: str
    phone: str | None
    address_division: str
    province_code: str


def _vehicle(v: Vehicle) -> VehicleFacts:
    return VehicleFacts(v.id, v.plate_no, v.plate_type, v.vin, v.owner_person_id, v.owner_enterprise_id,
                        v.use_nature, v.vehicle_type, v.status, v.province_code)


def _person(p: Person) -> PersonFacts:
    return PersonFacts(p.id, p.id_number, p.name, p.phone, p.address_division, p.province_code)


def vehicles_by_plate(session: Session, plate_no: str, plate_type: str | None = None) -> list[VehicleFacts]:
    """Every registered vehicle with this number (one number may exist under two plate types)."""
    stmt = select(Vehicle).where(Vehicle.plate_no == compact(plate_no))
    if plate_type is not None:
        stmt = stmt.where(Vehicle.plate_type == plate_type)
    return [_vehicle(v) for v in session.execute(stmt.order_by(Vehicle.plate_type, Vehicle.id)).scalars()]


def vehicle_by_plate(session: Session, plate_no: str, plate_type: str | None = None) -> VehicleFacts | None:
    """The vehicle with this number (and type); None when none is registered, or when, without a type, the
    number is registered under several types and the answer would be a guess."""
    found = vehicles_by_plate(session, plate_no, plate_type)
    return found[0] if len(found) == 1 else None


def vehicles_of_enterprise(session: Session, enterprise_id: int, *, limit: int = 100) -> list[VehicleFacts]:
    rows = session.execute(select(Vehicle).where(Vehicle.owner_enterprise_id == enterprise_id)
                           .order_by(Vehicle.id).limit(limit)).scalars()
    return [_vehicle(v) for v in rows]


def person_of(session: Session, person_id: int | None) -> PersonFacts | None:
    row = session.get(Person, person_id) if person_id is not None else None
    return _person(row) if row is not None else None


def persons_in_province(session: Session, province_code: str, *, limit: int = 100) -> list[PersonFacts]:
    rows = session.execute(select(Person).where(Person.province_code == province_code)
                           .order_by(Person.id).limit(limit)).scalars()
    return [_person(p) for p in rows]


def persons_by_phone(session: Session, phone: str, *, limit: int = 20) -> list[PersonFacts]:
    """The persons who gave this mobile number (a hotline caller is often known by it alone)."""
    rows = session.execute(select(Person).where(Person.phone == compact(phone)).order_by(Person.id).limit(limit))
    return [_person(p) for p in rows.scalars()]


def persons_by_name(session: Session, name: str, *, province_code: str | None = None,
                    limit: int = 20) -> list[PersonFacts]:
    """Persons whose name begins with `name` (within a province when given): few, for a person to choose from."""
    by_bytes = bytewise(Person.name)   # as `ix_person_province_name` holds it: filter and order from the index
    stmt = select(Person).where(by_bytes.startswith(name.strip(), autoescape=True))
    if province_code is not None:
        stmt = stmt.where(Person.province_code == province_code)
    return [_person(p) for p in session.execute(stmt.order_by(by_bytes, Person.id).limit(limit)).scalars()]


# --- records with their deadline facts (the deadlines room's questions) -------------------------

_MODELS: dict[str, type[DrivingLicence | Vehicle | LearnerPermit | PreselectedPlate]] = {
    LicenceRecord.record_type: DrivingLicence, VehicleRecord.record_type: Vehicle,
    PermitRecord.record_type: LearnerPermit, PlateRecord.record_type: PreselectedPlate,
}


def record(session: Session, record_type: str, record_id: int) -> Record | None:
    """One record by its type (licence, vehicle, learner-permit, preselected-plate) and id."""
    row = session.get(_MODELS[record_type], record_id)
    return record_of(row) if isinstance(row, DrivingLicence | Vehicle | LearnerPermit | PreselectedPlate) else None


def vehicle_records_by_plate(session: Session, plate_no: str, plate_type: str | None = None) -> list[VehicleRecord]:
    stmt = select(Vehicle).where(Vehicle.plate_no == compact(plate_no))
    if plate_type is not None:
        stmt = stmt.where(Vehicle.plate_type == plate_type)
    return [vehicle_record(v) for v in session.execute(stmt.order_by(Vehicle.plate_type, Vehicle.id)).scalars()]


def vehicle_records_by_plates_of(plates: Iterable[str], rows: list[tuple[Any, ...]],
                                 read_by: Prepared) -> dict[str, list[VehicleRecord]]:
    """The vehicles of each plate (compact; an empty list for one not registered) of the rows `read_by`, a
    `vehicles_select`, returned (read with others: `rows_of_each`)."""
    found: dict[str, list[VehicleRecord]] = {compact(p): [] for p in plates}
    for v in read_by.as_objects(rows):
        found.setdefault(v.plate_no, []).append(vehicle_record(v))
    return found


# The batch look-ups of a list of applications (the issuer's queue): a room builds them from its own condition, runs
# them as `Prepared` in one round trip with its own (`kit.prepared.rows_of_each`).
def vehicles_select(plate_is: Callable[[Any], Any]) -> Select[Vehicle]:
    """The vehicles whose plate number meets `plate_is(plate_no column)` (one of a parameter's values, or in another
    room's subquery: the plates of an issuer's queue). Made into records by `vehicle_records_by_plates_of`."""
    return select(Vehicle).where(plate_is(Vehicle.plate_no)).order_by(Vehicle.plate_type, Vehicle.id)


def latest_licences_select(holder_is: Callable[[Any], Any]) -> Select[DrivingLicence, str]:
    """The licences of the holders whose ID number meets `holder_is(id_number column)` (one of a parameter's values,
    or in another room's subquery: the drivers of an issuer's queue), newest first, each with its holder's ID number
    (`holder_id_number`). Made into records by `latest_licences_from`."""
    return (select(DrivingLicence, Person.id_number.label("holder_id_number"))
            .join(Person, Person.id == DrivingLicence.person_id).where(holder_is(Person.id_number))
            .order_by(DrivingLicence.valid_from.desc(), DrivingLicence.id.desc()))


def latest_licences_from(rows: Iterable[Any]) -> dict[str, LicenceRecord]:
    """Each holder's newest licence of the rows of a `latest_licences_select` (as objects: `Prepared.as_objects`)."""
    found: dict[str, LicenceRecord] = {}
    for row in rows:
        if row.holder_id_number not in found:   # newest first
            found[row.holder_id_number] = licence_record(row)
    return found


def licence_records_of_person(session: Session, person_id: int) -> list[LicenceRecord]:
    """A person's licences, newest first (one query, for a caller that needs no other kind)."""
    return [licence_record(r) for r in session.scalars(
        select(DrivingLicence).where(DrivingLicence.person_id == person_id)
        .order_by(DrivingLicence.valid_from.desc(), DrivingLicence.id))]


def vehicle_records_of_person(session: Session, person_id: int) -> list[VehicleRecord]:
    """The vehicles a person owns, newest registration first."""
    return [vehicle_record(r) for r in session.scalars(
        select(Vehicle).where(Vehicle.owner_person_id == person_id)
        .order_by(Vehicle.registration_date.desc(), Vehicle.id))]


def records_of_person(session: Session, person_id: int) -> list[Record]:
    """A person's licences, vehicles, learner permits and plate holds, newest first within each kind."""
    found: list[Record] = []
    found += licence_records_of_person(session, person_id)
    found += vehicle_records_of_person(session, person_id)
    found += [permit_record(r) for r in session.scalars(
        select(LearnerPermit).where(LearnerPermit.person_id == person_id)
        .order_by(LearnerPermit.issued_on.desc(), LearnerPermit.id))]
    found += [plate_record(r) for r in session.scalars(
        select(PreselectedPlate).where(PreselectedPlate.person_id == person_id)
        .order_by(PreselectedPlate.selected_on.desc(), PreselectedPlate.id))]
    return found


def person_id_of(session: Session, id_number: str) -> int | None:
    """The person with this (normalised) ID number, or None."""
    return session.scalars(select(Person.id).where(Person.id_number == id_number)).first()


def licence_by_file_no(session: Session, file_no: str) -> LicenceRecord | None:
    row = session.scalars(select(DrivingLicence).where(DrivingLicence.file_no == file_no)).first()
    return licence_record(row) if row is not None else None


def latest_licence_of(session: Session, id_number: str) -> LicenceRecord | None:
    """The newest licence of the person with this ID number (the licence number is the ID number)."""
    row = session.scalars(select(DrivingLicence).join(Person, Person.id == DrivingLicence.person_id)
                          .where(Person.id_number == id_number)
                          .order_by(DrivingLicence.valid_from.desc(), DrivingLicence.id.desc())).first()
    return licence_record(row) if row is not None else None


# --- documents issued on records (licence cards, e-licences, learner-permit proofs, stickers, …) ------

@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """A document as another room signs or shows it: the holder and the record's facts it states."""

    id: int
    kind: str                 # licence_card | e_licence | learner_permit_proof | plate | vehicle_licence | …
    subject_type: str         # licence | vehicle | learner-permit
    subject_id: int
    serial: int
    status: str               # valid | void
    issued_on: dt.date
    valid_until: dt.date | None
    person_id: int | None
    holder_name: str
    holder_id_number: str
    classes: str              # licence or permit classes; "" for a vehicle's document
    record_valid_from: dt.date | None
    province_code: str


def _document(session: Session, doc: RegistryDocument) -> DocumentFacts:
    person = session.get(Person, doc.person_id) if doc.person_id is not None else None
    classes, valid_from = "", None
    if doc.subject_type == "licence":
        lic = session.get(DrivingLicence, doc.subject_id)
        if lic is not None:
            classes, valid_from = lic.classes, lic.valid_from
    elif doc.subject_type == "learner-permit":
        permit = session.get(LearnerPermit, doc.subject_id)
        if permit is not None:
            classes, valid_from = permit.classes, permit.issued_on
    return DocumentFacts(doc.id, doc.kind, doc.subject_type, doc.subject_id, doc.serial, doc.status, doc.issued_on,
                         doc.valid_until, doc.person_id, person.name if person else "",
                         person.id_number if person else "", classes, valid_from, doc.province_code)


def document(session: Session, document_id: int) -> DocumentFacts | None:
    row = session.get(RegistryDocument, document_id)
    return _document(session, row) if row is not None else None


def documents_of_person(session: Session, person_id: int) -> list[DocumentFacts]:
    """A person's documents, valid ones first, newest first."""
    rows = session.scalars(select(RegistryDocument).where(RegistryDocument.person_id == person_id)
                           .order_by(RegistryDocument.status, RegistryDocument.issued_on.desc(),
                                     RegistryDocument.id.desc())).all()
    return [_document(session, r) for r in rows]


@dataclass(frozen=True, slots=True)
class ViolationFacts:
    id: int
    vehicle_id: int | None
    person_id: int | None
    source: str
    code: str
    place: str
    occurred_at: dt.datetime
    points: int
    fine_yuan: int
    status: str               # recorded | handled | paid
    decision_no: str | None
    province_code: str


@dataclass(frozen=True, slots=True)
class ObligationFacts:
    id: int
    person_id: int
    licence_id: int
    kind: str
    opened_on: dt.date
    due: dt.date
    due_source: str
    status: str               # open | overdue | closed
    province_code: str


def violations_of_person(session: Session, person_id: int) -> list[ViolationFacts]:
    """The violations a person drove or whose vehicle was recorded, newest first (for 违法处理 and 缴纳罚款)."""
    owned = select(Vehicle.id).where(Vehicle.owner_person_id == person_id)
    rows = session.scalars(select(Violation).where(
        (Violation.person_id == person_id) | Violation.vehicle_id.in_(owned))
        .order_by(Violation.occurred_at.desc(), Violation.id.desc())).all()
    return [ViolationFacts(v.id, v.vehicle_id, v.person_id, v.source, v.code, v.place, v.occurred_at, v.points,
                           v.fine_yuan, v.status, v.decision_no, v.province_code) for v in rows]


def obligations_of_person(session: Session, person_id: int, *, open_only: bool = True) -> list[ObligationFacts]:
    """容缺 obligations of a person (open and overdue ones unless `open_only` is False), soonest due first."""
    stmt = select(Obligation).where(Obligation.person_id == person_id)
    if open_only:
        stmt = stmt.where(Obligation.status.in_(("open", "overdue")))
    return [ObligationFacts(o.id, o.person_id, o.licence_id, o.kind, o.opened_on, o.due, o.due_source, o.status,
                            o.province_code) for o in session.scalars(stmt.order_by(Obligation.due, Obligation.id))]


def replacements_since(session: Session, subject_type: str, subject_id: int, since: dt.date) -> int:
    """How many documents of a record were replaced (lost, damaged, replacement) since a day: the fraud hook
    of Decree 162 art 83 ("repeated replacements switch a case to in-person handling") counts these."""
    return session.scalar(select(func.count()).select_from(RegistryDocument).where(
        RegistryDocument.subject_type == subject_type, RegistryDocument.subject_id == subject_id,
        RegistryDocument.reason.in_(("lost", "damaged", "replacement")), RegistryDocument.issued_on >= since)) or 0


@dataclass(frozen=True, slots=True)
class DeferralFacts:
    id: int
    licence_id: int
    person_id: int
    matter: str          # renewal | review | medical
    deferred_until: dt.date
    phone: str | None
    province_code: str


def active_deferrals_ending(session: Session, start: dt.date, end: dt.date) -> list[DeferralFacts]:
    """延期换证 / 延期审验 / 延期提交身体条件证明 still running whose deferred deadline falls between two days
    (inclusive), with the holder's phone: what a reminder before the deadline needs."""
    rows = session.execute(
        select(Deferral.id, Deferral.licence_id, DrivingLicence.person_id, Deferral.matter, Deferral.deferred_until,
               Person.phone, Deferral.province_code)
        .join(DrivingLicence, DrivingLicence.id == Deferral.licence_id)
        .join(Person, Person.id == DrivingLicence.person_id)
        .where(Deferral.status == "active", Deferral.deferred_until >= start, Deferral.deferred_until <= end)
        .order_by(Deferral.deferred_until, Deferral.id)).all()
    return [DeferralFacts(*row) for row in rows]
