"""延期办 over stored records: every deadline of a record as of a date, and the checkpoint's question
"may this vehicle / this licence be penalised on date D, and why".

Decisions use the measures published in the database and the record's province, through
`record_items` — the same path the sweep takes, so a page and a sweep never disagree. A citizen sees
their own records only; staff look-ups leave an audit record (查询留痕). Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import REGISTRY_READERS, Role
from jiaoguan.deadlines.engine import Decision
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.deadlines.record_items import (
    Item,
    insurance_item,
    licence_items,
    permit_item,
    plate_item,
    pure_vehicle,
    vehicle_items,
)
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import InvalidInput, NotFound
from jiaoguan.kit.i18n import N_, both
from jiaoguan.kit.ids import check_plate, check_plate_type, require_id_number, require_licence_file_no, require_plate
from jiaoguan.registry import queries as registry
from jiaoguan.registry.records import RECORD_TYPES, LicenceRecord, PermitRecord, PlateRecord, Record, VehicleRecord

NOTHING_PENALISABLE = {
    "licence": N_("On %(on)s this licence has no renewal or review deadline that a penalty could follow."),
    "vehicle": N_("On %(on)s this vehicle has no inspection deadline that a penalty could follow."),
}


class RecordNotFound(NotFound):
    code = "deadlines.record_not_found"
    message = N_("There is no such record.")


class NotYourRecord(RecordNotFound):
    """Answered exactly like "no such record": a different answer would tell a citizen whether someone else's
    ID number or plate is registered (an existence oracle)."""


class UnknownRecordType(InvalidInput):
    code = "deadlines.unknown_record_type"
    message = N_("Unknown record type; use licence, vehicle, learner-permit or preselected-plate.")


class PlateTypeNeeded(InvalidInput):
    code = "deadlines.plate_type_needed"
    message = N_("Several vehicles carry this number; give the plate type as well.")


class CheckKeyMissing(InvalidInput):
    code = "deadlines.check_key_missing"
    message = N_("Give a plate number or a licence number.")


@dataclass(frozen=True)
class RecordDeadlines:
    """One record's deadlines as of `on` (none when the record is closed: cancelled, scrapped, used…)."""

    record_type: str
    record_id: int
    label: str               # plate 京A·12345, licence classes, permit classes
    status: str
    province: str
    owner_person_id: int | None
    on: dt.date
    decisions: tuple[Decision, ...]


@dataclass(frozen=True)
class EnforcementAnswer:
    record_type: str         # "vehicle" | "licence"
    record_id: int
    label: str
    status: str
    on: dt.date
    penalty_allowed: bool
    past_deadline: bool      # 逾期: past the deadline, even if a grace window still lets it be handled
    overdue: bool            # past the effective deadline: too late even for any grace window
    effective_due: dt.date | None
    open_ended: bool         # a measure carries it until further notice (effective_due is then `on`)
    measures: tuple[str, ...]
    reason_zh: str
    reason_en: str
    checks: tuple[Decision, ...]


def measures_in_db(session: Session) -> tuple[Measure, ...]:
    # A tuple: the engine caches the measures in force per day for tuples.
    return tuple(stored_measures(session))


def _items(row: Record, on: dt.date) -> list[Item]:
    if isinstance(row, LicenceRecord):
        if row.status == "revoked":
            return []
        items = licence_items(classes=row.classes, valid_to=row.valid_to, on=on, review_due=row.review_due,
                              medical_rule=row.medical_due_rule,
                              medical_due=row.medical_due, period_years=row.period_years)
        if row.status == "cancelled":   # only the way back (科目一 within two years) is still open
            return [i for i in items if i.kind is DeadlineKind.LICENCE_RESTORATION]
        return items
    if isinstance(row, VehicleRecord):
        if row.status in ("scrapped", "cancelled"):
            return []
        return vehicle_items(pure_vehicle(vehicle_type=row.vehicle_type, use_nature=row.use_nature, seats=row.seats,
                                          registration_date=row.registration_date,
                                          inspection_valid_until=row.inspection_valid_until), on) + [
            insurance_item(row.insurance_valid_until)]
    if isinstance(row, PermitRecord):
        return [] if row.status in ("used", "cancelled") else [
            permit_item(issued_on=row.issued_on, classes=row.classes, valid_until=row.valid_until)]
    if row.status in ("registered", "released"):
        return []
    return [plate_item(selected_on=row.selected_on, valid_until=row.valid_until)]


def _label(row: Record) -> str:
    if isinstance(row, VehicleRecord | PlateRecord):
        return check_plate(row.plate_no, legacy=True).display or row.plate_no
    return row.classes


def _owner(row: Record) -> int | None:
    return row.owner_person_id if isinstance(row, VehicleRecord) else row.person_id


def record_deadlines(row: Record, on: dt.date, measures: tuple[Measure, ...],
                     kinds: frozenset[DeadlineKind] | None = None) -> RecordDeadlines:
    """The record's deadlines judged on `on`; `kinds`: only these (each deadline is judged on its own, so the others'
    absence changes nothing: a pass application needs a licence's renewal, not its review or medical date)."""
    decisions = tuple(item.judge(on, measures, row.province_code) for item in _items(row, on)
                      if kinds is None or item.kind in kinds)
    return RecordDeadlines(row.record_type, row.id, _label(row), row.status, row.province_code, _owner(row), on,
                           decisions)


def _may_see(session: Session, viewer: Principal, row: Record,
             on: dt.date, field: str | None = None) -> None:
    role = Role(viewer.role)
    if role is Role.citizen:
        if viewer.person_id is None or viewer.person_id != _owner(row):
            raise NotYourRecord(field=field)
        return
    if role is Role.enterprise_agent:
        if not (isinstance(row, VehicleRecord) and viewer.enterprise_id is not None
                and row.owner_enterprise_id == viewer.enterprise_id):
            raise NotYourRecord(field=field)
        return
    if role not in REGISTRY_READERS:
        raise NotYourRecord(field=field)
    audit.record(session, "deadlines.explain", row.record_type, row.id, f"deadlines as of {on}")


def explain_record(session: Session, viewer: Principal, record_type: str, record_id: int,
                   on: dt.date | None = None) -> RecordDeadlines:
    if record_type not in RECORD_TYPES:
        raise UnknownRecordType(field="record_type")
    row = registry.record(session, record_type, record_id)
    if row is None:
        raise RecordNotFound()
    day = on or today()
    _may_see(session, viewer, row, day)
    return record_deadlines(row, day, measures_in_db(session))


def find_by_plate(session: Session, plate: str, plate_type: str | None) -> list[VehicleRecord]:
    number = str(require_plate(plate, legacy=True, field="plate").value)
    kind = check_plate_type(plate_type).require().value if plate_type else None
    return registry.vehicle_records_by_plate(session, number, kind)


def explain_plate(session: Session, viewer: Principal, plate: str, plate_type: str | None = None,
                  on: dt.date | None = None) -> list[RecordDeadlines]:
    day, measures = on or today(), measures_in_db(session)
    rows = find_by_plate(session, plate, plate_type)
    if not rows:
        raise RecordNotFound(field="plate")
    for row in rows:
        _may_see(session, viewer, row, day, field="plate")
    return [record_deadlines(row, day, measures) for row in rows]


def explain_person(session: Session, viewer: Principal, id_number: str,
                   on: dt.date | None = None) -> list[RecordDeadlines]:
    """Every record of the person with this ID number (the licence number is the ID number)."""
    number = str(require_id_number(id_number, field="id_number").value)
    person_id = registry.person_id_of(session, number)
    if person_id is None:
        raise RecordNotFound(field="id_number")
    day = on or today()
    role = Role(viewer.role)
    if role is Role.citizen and viewer.person_id != person_id:
        raise NotYourRecord(field="id_number")
    if role is not Role.citizen:
        if role not in REGISTRY_READERS:
            raise NotYourRecord(field="id_number")
        audit.record(session, "deadlines.explain", "person", person_id, f"deadlines as of {day}")
    measures = measures_in_db(session)
    return [record_deadlines(row, day, measures) for row in registry.records_of_person(session, person_id)]


def my_deadlines(session: Session, viewer: Principal, on: dt.date | None = None) -> list[RecordDeadlines] | None:
    """A citizen's own records with their deadlines; None when the account has no person record."""
    if viewer.person_id is None or registry.person_of(session, viewer.person_id) is None:
        return None
    day, measures = on or today(), measures_in_db(session)
    return [record_deadlines(row, day, measures) for row in registry.records_of_person(session, viewer.person_id)]


def check_vehicle(session: Session, plate: str, plate_type: str | None = None,
                  on: dt.date | None = None) -> EnforcementAnswer:
    """May this vehicle be penalised for being overdue for inspection (道交法 art 90) on `on`?"""
    rows = find_by_plate(session, plate, plate_type)
    if not rows:
        raise RecordNotFound(field="plate")
    if len(rows) > 1:
        raise PlateTypeNeeded(field="plate_type")
    return _answer(session, rows[0], on or today(), (DeadlineKind.INSPECTION,))


def check_licence(session: Session, licence: str, on: dt.date | None = None) -> EnforcementAnswer:
    """May this driver be penalised for an overdue renewal or review (Decree 162 art 99) on `on`? The
    licence is given by its number (the holder's ID number) or its 12-digit file number."""
    text = licence.strip()
    if text.isdigit() and len(text) == 12:
        file_no = str(require_licence_file_no(text, field="licence").value)
        row = registry.licence_by_file_no(session, file_no)
    else:
        row = registry.latest_licence_of(session, str(require_id_number(text, field="licence").value))
    if row is None:
        raise RecordNotFound(field="licence")
    return _answer(session, row, on or today(), (DeadlineKind.LICENCE_RENEWAL, DeadlineKind.LICENCE_REVIEW))


def _answer(session: Session, row: LicenceRecord | VehicleRecord, on: dt.date,
            kinds: tuple[DeadlineKind, ...]) -> EnforcementAnswer:
    found = record_deadlines(row, on, measures_in_db(session))
    checks = tuple(d for d in found.decisions if d.kind in kinds)
    audit.record(session, "deadlines.check", found.record_type, row.id, f"enforcement check as of {on}")
    if not checks:
        zh, en = both(NOTHING_PENALISABLE[found.record_type], on=on.isoformat())
        return EnforcementAnswer(found.record_type, row.id, found.label, row.status, on, False, False, False,
                                 None, False, (), zh, en, ())
    deciding = next((d for d in checks if d.penalty_allowed), None) or next((d for d in checks if d.past_deadline),
                                                                           checks[0])
    return EnforcementAnswer(found.record_type, row.id, found.label, row.status, on, deciding.penalty_allowed,
                             deciding.past_deadline, deciding.overdue, deciding.effective_due, deciding.open_ended,
                             deciding.measures,
                             deciding.reason_zh, deciding.reason_en, checks)
