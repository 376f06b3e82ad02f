"""The registry's records as other rooms read them: frozen snapshots of licences, vehicles, learner permits
and plate holds, with every fact a deadline depends on. Made from the rows by the registry itself
(`record_of`), so no other room touches the ORM classes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from jiaoguan.registry.models import DrivingLicence, LearnerPermit, PreselectedPlate, Vehicle


@dataclass(frozen=True, slots=True)
class LicenceRecord:
    record_type: ClassVar[str] = "licence"
    id: int
    person_id: int
    file_no: str
    classes: str
    valid_from: dt.date
    valid_to: dt.date | None      # None: long-term (长期)
    period_years: int | None
    status: str
    points: int
    review_due: dt.date | None
    medical_due: dt.date | None
    province_code: str
    medical_due_rule: str | None = None   # "RONGQUE": the date of a 容缺 obligation


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    record_type: ClassVar[str] = "vehicle"
    id: int
    plate_no: str
    plate_type: str
    vin: str
    owner_person_id: int | None
    owner_enterprise_id: int | None
    use_nature: str
    vehicle_type: str
    seats: int
    registration_date: dt.date
    inspection_valid_until: dt.date
    insurance_valid_until: dt.date
    missed_cycles: int
    status: str
    province_code: str


@dataclass(frozen=True, slots=True)
class PermitRecord:
    record_type: ClassVar[str] = "learner-permit"
    id: int
    person_id: int
    classes: str
    issued_on: dt.date
    valid_until: dt.date
    status: str
    province_code: str


@dataclass(frozen=True, slots=True)
class PlateRecord:
    record_type: ClassVar[str] = "preselected-plate"
    id: int
    person_id: int
    plate_no: str
    plate_type: str
    vin: str
    selected_on: dt.date
    valid_until: dt.date
    status: str
    province_code: str


Record = LicenceRecord | VehicleRecord | PermitRecord | PlateRecord
RECORD_TYPES = (LicenceRecord.record_type, VehicleRecord.record_type, PermitRecord.record_type,
                PlateRecord.record_type)


def licence_record(r: DrivingLicence) -> LicenceRecord:
    return LicenceRecord(r.id, r.person_id, r.file_no, r.classes, r.valid_from, r.valid_to, r.period_years, r.status,
                         r.points, r.review_due, r.medical_due, r.province_code, r.medical_due_rule)


def vehicle_record(r: Vehicle) -> VehicleRecord:
    return VehicleRecord(r.id, r.plate_no, r.plate_type, r.vin, r.owner_person_id, r.owner_enterprise_id,
                         r.use_nature, r.vehicle_type, r.seats, r.registration_date, r.inspection_valid_until,
                         r.insurance_valid_until, r.missed_cycles, r.status, r.province_code)


def permit_record(r: LearnerPermit) -> PermitRecord:
    return PermitRecord(r.id, r.person_id, r.classes, r.issued_on, r.valid_until, r.status, r.province_code)


def plate_record(r: PreselectedPlate) -> PlateRecord:
    return PlateRecord(r.id, r.person_id, r.plate_no, r.plate_type, r.vin, r.selected_on, r.valid_until, r.status,
                       r.province_code)


def record_of(row: DrivingLicence | Vehicle | LearnerPermit | PreselectedPlate) -> Record:
    if isinstance(row, DrivingLicence):
        return licence_record(row)
    if isinstance(row, Vehicle):
        return vehicle_record(row)
    if isinstance(row, LearnerPermit):
        return permit_record(row)
    return plate_record(row)
