"""Registry use cases: a citizen's own records, staff look-ups by ID number, plate or VIN, a company's fleet.

Every identifier is checked before it reaches the database, and a refusal says why (kit.ids reasons).
Staff look-ups of personal data leave an audit record (查询留痕); a citizen reading their own does not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, with_config
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import ENTERPRISES_BY_IDS, enterprise_of, views_by_id
from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit
from jiaoguan.kit.calendar import add_months
from jiaoguan.kit.clock import today
from jiaoguan.kit.db import bytewise, one_of
from jiaoguan.kit.errors import Forbidden, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import (
    check_plate_type,
    mask_id_number,
    mask_mobile,
    require_id_number,
    require_plate,
    require_vin,
)
from jiaoguan.kit.ids.masking import mask_name
from jiaoguan.kit.ids.text import compact
from jiaoguan.kit.prepared import Prepared, rows_of_each
from jiaoguan.kit.views import REQUIRED_IN_JSON
from jiaoguan.registry.deadline_states import deadline_states
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, Person, PreselectedPlate, Vehicle
from jiaoguan.registry.states import INSPECTION_WINDOW_MONTHS
from jiaoguan.registry.views import (
    PersonRecords,
    PersonView,
    VehicleView,
    licence_view,
    owner_view,
    permit_view,
    person_view,
    plate_hold_view,
    vehicle_view,
)


class PersonNotFound(NotFound):
    code = "registry.person_not_found"
    message = N_("There is no such person record.")


class NoPersonRecord(NotFound):
    code = "registry.no_person_record"
    message = N_("Your account is not linked to a person record. Please bring your ID card to a service window.")


class NoEnterprise(Forbidden):
    code = "registry.no_enterprise"
    message = N_("Your account does not act for an enterprise.")


class QueryNotUnderstood(InvalidInput):
    code = "registry.query_not_understood"
    message = N_("Enter a name, a mobile number, an ID number (18 characters), a plate number such as 京A12345, "
                 "or a 17-character VIN.")


class VehicleKeyMissing(InvalidInput):
    code = "registry.vehicle_key_missing"
    message = N_("Give a plate number or a VIN.")


@with_config(REQUIRED_IN_JSON)
@dataclass(frozen=True)
class SearchResult:
    kind: Annotated[str, Field(description="What the box held: name, mobile, id_number, plate or vin")]
    query: Annotated[str, Field(description="The query, normalised (an ID number, a name or a mobile masked)")]
    persons: list[PersonView] = field(default_factory=list)
    vehicles: list[VehicleView] = field(default_factory=list)
    more: Annotated[bool, Field(description="More people match the name than are listed: give more of it")] = False

    @property
    def empty(self) -> bool:
        return not self.persons and not self.vehicles


@dataclass(frozen=True)
class FleetView:
    enterprise_id: int
    name: str
    credit_code: str
    total: int
    inspection_overdue: int
    inspection_due: int
    vehicles: list[VehicleView]


# A person's records, newest first within each kind: statements built once and run as `Prepared` (a citizen's page
# and a staff member's file open them on every view; the ORM's execution and loading cost three times the query, and
# the views only read the rows' columns).
_PERSON = Prepared(select(Person).where(Person.id == bindparam("person_id")), planned_at_once=True)
_PEOPLE = Prepared(select(Person).where(one_of(Person.id, "ids")), planned_at_once=True)
_LICENCES = Prepared(select(DrivingLicence).where(DrivingLicence.person_id == bindparam("person_id")).order_by(
    DrivingLicence.valid_from.desc()), planned_at_once=True)
_VEHICLES = Prepared(select(Vehicle).where(Vehicle.owner_person_id == bindparam("person_id")).order_by(
    Vehicle.registration_date.desc()), planned_at_once=True)
_PERMITS = Prepared(select(LearnerPermit).where(LearnerPermit.person_id == bindparam("person_id")).order_by(
    LearnerPermit.issued_on.desc()), planned_at_once=True)
_PLATES = Prepared(select(PreselectedPlate).where(PreselectedPlate.person_id == bindparam("person_id")).order_by(
    PreselectedPlate.selected_on.desc()), planned_at_once=True)


_KINDS = (_LICENCES, _VEHICLES, _PERMITS, _PLATES)


def _records(session: Session, person: Any, on: dt.date, full_id: bool,
             kinds: list[list[tuple[Any, ...]]] | None = None) -> PersonRecords:
    """The person's records judged on `on`; `kinds`: their four kinds' rows when the caller read them already."""
    if kinds is None:
        key = {"person_id": person.id}
        kinds = rows_of_each(session, [(kind, key) for kind in _KINDS])
    licences, vehicles, permits, plates = (kind.as_objects(rows) for kind, rows in zip(_KINDS, kinds, strict=True))
    dates = deadline_states(session, on)
    return PersonRecords(person_view(person, full_id=full_id), [licence_view(x, on, dates) for x in licences],
                         [vehicle_view(x, on, dates=dates) for x in vehicles],
                         [permit_view(x, on, dates) for x in permits], [plate_hold_view(x, on, dates) for x in plates])


def my_records(session: Session, user: Principal, *, on: dt.date | None = None) -> PersonRecords:
    """A citizen's own licences, vehicles, learner permits and plate holds, with today's state of each: the person
    and the four kinds read in one round trip (all keyed by the account's person id)."""
    if user.person_id is None:
        raise NoPersonRecord()
    key = {"person_id": user.person_id}
    person, *kinds = rows_of_each(session, [(_PERSON, key), *((kind, key) for kind in _KINDS)])
    if not person:
        raise NoPersonRecord()
    return _records(session, _PERSON.as_objects(person)[0], on or today(), full_id=False, kinds=kinds)


def person_file(session: Session, person_id: int, *, full_id: bool = False,
                on: dt.date | None = None) -> PersonRecords:
    """A staff member opens one person's file."""
    person = session.get(Person, person_id)
    if person is None:
        raise PersonNotFound()
    audit.record_look_up(session, "registry.view", "person", person.id, f"opened the file of {person.id_number}")
    return _records(session, person, on or today(), full_id)


_PERSON_BY_ID_NUMBER = Prepared(select(Person).where(Person.id_number == bindparam("number")).limit(1))


def find_persons(session: Session, id_number: str) -> list[PersonView]:
    """Look a person up by ID number (a 15-digit old number is upgraded first); refuses a malformed one."""
    number = require_id_number(id_number).value
    assert number is not None
    found = _PERSON_BY_ID_NUMBER.objects(session, {"number": number})
    person = found[0] if found else None
    audit.record_look_up(session, "registry.search", "person", person.id if person else "-",
                 f"by ID number {number}: {'found' if person else 'none'}")
    return [person_view(person)] if person else []


NAME_RESULTS = 20   # a person chooses among these; more means "type more of the name"
MOBILE = re.compile(r"1\d{10}")


def find_persons_by_name(session: Session, name: str, *, province_code: str | None = None
                         ) -> tuple[list[PersonView], bool]:
    """People whose name is `name` or begins with it (the exact name sorts first), within the searcher's province
    when they have one; at most NAME_RESULTS, and whether there were more. ID numbers are masked."""
    name = "".join(name.split())
    # Byte order, as `ix_person_province_name` holds the names: the index gives the prefix's range already sorted,
    # so only NAME_RESULTS + 1 entries are read (migration 0220).
    by_bytes = bytewise(Person.name)
    stmt = select(Person).where(by_bytes.startswith(name, autoescape=True))
    if province_code:
        stmt = stmt.where(Person.province_code == province_code)
    rows = list(session.scalars(stmt.order_by(by_bytes, Person.id).limit(NAME_RESULTS + 1)))
    audit.record_look_up(session, "registry.search", "person", rows[0].id if len(rows) == 1 else "-",
                 f"by name {mask_name(name)}: {min(len(rows), NAME_RESULTS)}{'+' if len(rows) > NAME_RESULTS else ''}"
                 " found")
    return [person_view(p) for p in rows[:NAME_RESULTS]], len(rows) > NAME_RESULTS


_PERSONS_BY_MOBILE = Prepared(select(Person).where(Person.phone == bindparam("mobile")).order_by(Person.id)
                              .limit(NAME_RESULTS))


def find_persons_by_mobile(session: Session, mobile: str) -> list[PersonView]:
    """The people who gave this mobile number (the hotline's main key), anywhere; ID numbers masked."""
    rows = _PERSONS_BY_MOBILE.objects(session, {"mobile": mobile})
    audit.record_look_up(session, "registry.search", "person", rows[0].id if len(rows) == 1 else "-",
                 f"by mobile {mask_mobile(mobile)}: {len(rows)} found")
    return [person_view(p) for p in rows]


def _with_owners(session: Session, rows: list[Any], on: dt.date) -> list[VehicleView]:
    """The vehicles' views with their owners, the people and the enterprises read in one round trip (with the search's
    audit record, `audit.record_look_up`)."""
    owners = sorted({v.owner_person_id for v in rows if v.owner_person_id is not None})
    firm_ids = sorted({v.owner_enterprise_id for v in rows if v.owner_enterprise_id is not None})
    kinds = ((_PEOPLE, owners), (ENTERPRISES_BY_IDS, firm_ids))
    work: list[tuple[Prepared, dict[str, Any] | None]] = [(statement, {"ids": ids}) for statement, ids in kinds if ids]
    found = iter(rows_of_each(session, work))
    people = {p.id: p for p in _PEOPLE.as_objects(next(found))} if owners else {}
    firms = views_by_id(next(found)) if firm_ids else {}
    dates = deadline_states(session, on)
    return [vehicle_view(v, on, owner_view(people.get(v.owner_person_id or 0), firms.get(v.owner_enterprise_id or 0)),
                         dates) for v in rows]


# The staff's vehicle look-ups (the search box's plate and VIN), as `Prepared`: read-only rows for the views.
_VEHICLES_BY_PLATE = Prepared(select(Vehicle).where(Vehicle.plate_no == bindparam("number"))
                              .order_by(Vehicle.plate_type))
_VEHICLES_BY_PLATE_AND_TYPE = Prepared(select(Vehicle).where(Vehicle.plate_no == bindparam("number"),
                                                             Vehicle.plate_type == bindparam("plate_type"))
                                       .order_by(Vehicle.plate_type))
_VEHICLES_BY_VIN = Prepared(select(Vehicle).where(Vehicle.vin == bindparam("number")).order_by(Vehicle.plate_type))


def find_vehicles(session: Session, *, plate: str | None = None, plate_type: str | None = None,
                  vin: str | None = None, on: dt.date | None = None) -> list[VehicleView]:
    """By plate (optionally with its GA 24.7 type, since one number can exist under two types) or by VIN."""
    if plate:
        # Old plates may carry the letter O: accept it for a look-up, though it is never issued.
        number = require_plate(plate, legacy=True, field="plate").value
        if plate_type:
            rows = _VEHICLES_BY_PLATE_AND_TYPE.objects(session, {
                "number": number, "plate_type": check_plate_type(plate_type).require().value})
        else:
            rows = _VEHICLES_BY_PLATE.objects(session, {"number": number})
        key = f"plate {number}"
    elif vin:
        number = require_vin(vin).value
        rows = _VEHICLES_BY_VIN.objects(session, {"number": number})
        key = f"VIN {number}"
    else:
        raise VehicleKeyMissing(field="plate")
    audit.record_look_up(session, "registry.search", "vehicle", rows[0].id if len(rows) == 1 else "-",
                 f"by {key}: {len(rows)} found")
    return _with_owners(session, rows, on or today())


def guess_kind(raw: str) -> str | None:
    """What a single search box holds: "name", "mobile", "id_number", "plate", "vin" or None."""
    q = compact(raw)
    if not q:
        return None
    if MOBILE.fullmatch(q):
        return "mobile"
    # A Chinese name has no Latin letter or digit; every plate has some (京A12345, 使馆 plates 123456使).
    if len(q) <= 20 and not any(c.isascii() for c in q):
        return "name"
    if not q[0].isascii() or "使" in q:
        return "plate"
    if q[:-1].isdigit():
        return "id_number"
    if len(q) == 17:
        return "vin"
    return None


def search(session: Session, query: str, *, on: dt.date | None = None,
           province_code: str | None = None) -> SearchResult:
    """The staff's one-box search: a name, a mobile number, an ID number, a plate or a VIN, told apart by their
    shape. A name is looked for in `province_code` (the searcher's), the rest everywhere."""
    kind = guess_kind(query)
    if kind == "name":
        persons, more = find_persons_by_name(session, query, province_code=province_code)
        return SearchResult(kind, mask_name("".join(query.split())), persons=persons, more=more)
    if kind == "mobile":
        number = compact(query)
        return SearchResult(kind, mask_mobile(number), persons=find_persons_by_mobile(session, number))
    if kind == "id_number":
        persons = find_persons(session, query)
        return SearchResult(kind, mask_id_number(compact(query)), persons=persons)
    if kind == "plate":
        vehicles = find_vehicles(session, plate=query, on=on)
        return SearchResult(kind, compact(query), vehicles=vehicles)
    if kind == "vin":
        return SearchResult(kind, compact(query), vehicles=find_vehicles(session, vin=query, on=on))
    raise QueryNotUnderstood(field="q")


def fleet(session: Session, user: Principal, *, on: dt.date | None = None, limit: int = 100,
          offset: int = 0) -> FleetView:
    """The vehicles of the enterprise an agent acts for, with counts of inspections due and overdue."""
    firm = enterprise_of(session, user.enterprise_id)
    if firm is None:
        raise NoEnterprise()
    on = on or today()
    owned = Vehicle.owner_enterprise_id == firm.id
    total, overdue, due = session.execute(select(
        func.count(),
        func.count().filter(Vehicle.inspection_valid_until < on),
        func.count().filter(Vehicle.inspection_valid_until >= on,
                            Vehicle.inspection_valid_until <= add_months(on, INSPECTION_WINDOW_MONTHS)),
    ).where(owned)).one()
    rows = session.scalars(select(Vehicle).where(owned).order_by(Vehicle.inspection_valid_until, Vehicle.id)
                           .limit(limit).offset(offset)).all()
    dates = deadline_states(session, on)
    return FleetView(firm.id, firm.name, firm.credit_code, total, overdue, due,
                     [vehicle_view(v, on, dates=dates) for v in rows])
