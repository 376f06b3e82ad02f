"""What an application is about (its subject: the person, their licence or one of their vehicles) and whether
they qualify: the catalogue's named checks run against the register, and the 一次告知 built from them and
the materials still missing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jiaoguan.business import notice as notices
from jiaoguan.business import register
from jiaoguan.business.access import handed_in
from jiaoguan.business.catalogue import BusinessSpec
from jiaoguan.business.errors import SubjectMissing
from jiaoguan.business.models import BusinessApplication
from jiaoguan.business.snapshot import spec_of_application
from jiaoguan.kit.clock import today
from jiaoguan.registry.queries import licence_records_of_person, vehicle_records_by_plate, vehicle_records_of_person
from jiaoguan.registry.records import VehicleRecord


def subject_for(session: Session, spec: BusinessSpec, person_id: int | None, plate: str | None = None,
                province_code: str | None = None) -> register.Subject:
    if spec.subject == "person" or person_id is None:
        return register.Subject(person_id, plate_no=plate or None, province_code=province_code)
    if spec.subject == "licence":
        licences = licence_records_of_person(session, person_id)
        if not licences:
            raise SubjectMissing()
        return register.Subject(person_id, licence_id=licences[0].id, province_code=province_code)
    if plate:
        vehicles = [v for v in vehicle_records_by_plate(session, plate) if v.owner_person_id == person_id]
    else:
        vehicles = vehicle_records_of_person(session, person_id)
    if not vehicles:
        raise SubjectMissing()
    return register.Subject(person_id, vehicle_id=vehicles[0].id, plate_no=vehicles[0].plate_no,
                            province_code=province_code)
def my_vehicles(session: Session, person_id: int | None) -> list[VehicleRecord]:
    if person_id is None:
        return []
    return vehicle_records_of_person(session, person_id)
def run_checks(session: Session, spec: BusinessSpec, subject: register.Subject,
                on: dt.date | None = None) -> list[register.CheckOutcome]:
    day = on or today()
    return [register.run_check(session, name, subject, day) for name in spec.checks]
def subject_of(app: BusinessApplication) -> register.Subject:
    return register.Subject(app.applicant_person_id, app.licence_id, app.vehicle_id, app.plate_no,
                            app.province_code)
def current_notice(session: Session, app: BusinessApplication, note: str = "") -> list[notices.NoticeItem]:
    """一次告知: every required material missing and every failed check, plus the seat's note."""
    spec = spec_of_application(app)
    items = notices.missing_materials(spec, handed_in(session, app), app.later_materials.split(),
                                      rongque=bool(app.later_materials))
    items += notices.failed_checks(run_checks(session, spec, subject_of(app)))
    if note.strip():
        items.append(notices.note_item(note.strip()))
    return items
