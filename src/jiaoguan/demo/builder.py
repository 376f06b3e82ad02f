"""Rows for the registry tables, with ids assigned here so children reference parents without a round trip.

Pure: the builder only appends tuples to a `Batch`; `writer` puts batches into the database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from jiaoguan.demo import idgen, names
from jiaoguan.demo.places import Province
from jiaoguan.demo.vehicles import KINDS, VehicleKind
from jiaoguan.kit.calendar import add_years, default_calendar
from jiaoguan.kit.ids import PROVINCES as PROVINCE_NAMES
from jiaoguan.kit.ids import find_division

# Column order of each table's tuples (what the writer names in INSERT / COPY).
COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprise": ("id", "credit_code", "name", "address_division", "contact_phone", "province_code"),
    "person": ("id", "id_doc_type", "id_number", "name", "sex", "birth_date", "phone", "address_division",
               "address", "province_code"),
    "driving_licence": ("id", "person_id", "file_no", "classes", "first_issued", "valid_from", "valid_to",
                        "period_years", "status", "cycle_start", "points", "review_due", "medical_due",
                        "medical_due_rule", "province_code"),
    "vehicle": ("id", "plate_no", "plate_type", "vin", "owner_person_id", "owner_enterprise_id", "use_nature",
                "vehicle_type", "seats", "registration_date", "inspection_valid_until", "insurance_valid_until",
                "missed_cycles", "status", "province_code"),
    "learner_permit": ("id", "person_id", "classes", "issued_on", "valid_until", "status", "province_code"),
    "preselected_plate": ("id", "person_id", "plate_no", "plate_type", "vin", "selected_on", "valid_until",
                          "status", "province_code"),
}
#: Parents before children: the order batches are written in.
TABLES = tuple(COLUMNS)
Row = tuple[object, ...]
#: A preselected number is held for this many working days (a per-office parameter; 15 is common).
PLATE_HOLD_WORKING_DAYS = 15


@dataclass
class Batch:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def __len__(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)


@dataclass(frozen=True)
class PersonRef:
    id: int
    id_number: str
    name: str
    birth: dt.date
    male: bool
    area: str            # residence division
    province: Province
    phone: str | None


@dataclass(frozen=True)
class EnterpriseRef:
    id: int
    credit_code: str
    name: str
    province: Province


class Builder:
    def __init__(self, seed: int, on: dt.date, first_ids: dict[str, int] | None = None) -> None:
        self.rng = random.Random(seed)
        self.on = on
        self.next_id = {t: 1 for t in TABLES} | (first_ids or {})
        self.plates = idgen.PlateAllocator(seed)
        self.credit_codes = idgen.CreditCodes(seed)
        self._vin_counter = 0
        self._vin_order = idgen.Bijection(random.Random(f"vins:{seed}"), idgen.VIN_SPACE)
        self._enterprise_counter = 0
        self._id_keys: set[int] = set()
        self._hold_ends: dict[dt.date, dt.date] = {}   # first 17 digits of every ID number issued: no repeats

    def _hold_end(self, selected_on: dt.date) -> dt.date:
        # Working days on the PRC calendar (Mon–Fri beyond the years it knows); the hold starts the next day.
        # Looking a day up in the calendar is slow, and holds start on a few dozen distinct days: remember them.
        if selected_on not in self._hold_ends:
            self._hold_ends[selected_on] = default_calendar().add_working_days(selected_on, PLATE_HOLD_WORKING_DAYS)
        return self._hold_ends[selected_on]

    def _take(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def id_number(self, area: str, birth: dt.date, male: bool) -> str:
        while True:
            number = idgen.id_number(area, birth, self.rng.randrange(0, 1000, 2) + male)
            key = int(number[:17])
            if key not in self._id_keys:
                self._id_keys.add(key)
                return number

    def person(self, batch: Batch, *, province: Province, birth: dt.date, male: bool, id_area: str,
               area: str, phone: str | None, name: str | None = None) -> PersonRef:
        pid = self._take("person")
        number = self.id_number(id_area, birth, male)
        name = name or names.person_name(self.rng, male)
        place = find_division(area)
        address = names.street_address(self.rng, place.full_name if place else "")
        batch.add("person", (pid, "resident_id", number, name, "M" if male else "F", birth, phone, area, address,
                             province.code))
        return PersonRef(pid, number, name, birth, male, area, province, phone)

    def enterprise(self, batch: Batch, *, province: Province, division: str,
                   name: str | None = None) -> EnterpriseRef:
        eid = self._take("enterprise")
        code = self.credit_codes.make(division, self._enterprise_counter)
        self._enterprise_counter += 1
        name = name or names.company_name(self.rng, city_of(division))
        batch.add("enterprise", (eid, code, name, division, idgen.mobile(self.rng), province.code))
        return EnterpriseRef(eid, code, name, province)

    def licence(self, batch: Batch, person: PersonRef, *, classes: str, first_issued: dt.date,
                valid_from: dt.date, valid_to: dt.date | None, period: int | None, status: str,
                cycle_start: dt.date, points: int, review_due: dt.date | None,
                medical_due: dt.date | None) -> int:
        lid = self._take("driving_licence")
        file_no = idgen.licence_file_no(person.area, lid)
        batch.add("driving_licence", (lid, person.id, file_no, classes, first_issued, valid_from, valid_to, period,
                                      status, cycle_start, points, review_due, medical_due, None,
                                      person.province.code))
        return lid

    def new_vin(self, kind: VehicleKind, model_year: int) -> str:
        self._vin_counter += 1
        return idgen.vin(self.rng, self.rng.choice(kind.wmis), model_year, self._vin_order(self._vin_counter))

    def vehicle(self, batch: Batch, *, kind_name: str, province: Province, registered: dt.date,
                inspection_until: dt.date, insurance_until: dt.date, missed_cycles: int = 0,
                status: str = "normal", owner: PersonRef | None = None,
                enterprise: EnterpriseRef | None = None) -> str:
        kind = KINDS[kind_name]
        vid = self._take("vehicle")
        plate = self.plates.next(province.abbreviation, province.plate_letters, kind.plate_family)
        vin = self.new_vin(kind, registered.year)
        batch.add("vehicle", (vid, plate, kind.plate_type, vin, owner.id if owner else None,
                              enterprise.id if enterprise else None, kind.use_nature, kind.vehicle_type, kind.seats,
                              registered, inspection_until, insurance_until, missed_cycles, status, province.code))
        return plate

    def permit(self, batch: Batch, person: PersonRef, *, classes: str, issued_on: dt.date, status: str) -> int:
        """学习驾驶证明, valid three years (Decree 162 art 41)."""
        pid = self._take("learner_permit")
        valid_until = add_years(issued_on, 3) - dt.timedelta(days=1)
        if status == "valid" and valid_until < self.on:
            status = "expired"
        batch.add("learner_permit", (pid, person.id, classes, issued_on, valid_until, status, person.province.code))
        return pid

    def plate_hold(self, batch: Batch, person: PersonRef, *, nev: bool, selected_on: dt.date,
                   status: str = "held") -> str:
        hid = self._take("preselected_plate")
        family, plate_type = ("small_nev", "52") if nev else ("ordinary", "02")
        plate = self.plates.next(person.province.abbreviation, person.province.plate_letters, family)
        vin = self.new_vin(KINDS["small_nev" if nev else "small_car"], selected_on.year)
        valid_until = self._hold_end(selected_on)
        if status == "held" and valid_until < self.on:
            status = "expired"
        batch.add("preselected_plate", (hid, person.id, plate, plate_type, vin, selected_on, valid_until, status,
                                        person.province.code))
        return plate


def city_of(division: str) -> str:
    """北京市 for 110105, 广州市 for 440106: the name a company or office is prefixed with."""
    place = find_division(division)
    if place is None:
        return ""
    city = place.full_name.removesuffix(place.name)
    province_name = PROVINCE_NAMES.get(division[:2], "")
    return city if city == province_name else city.removeprefix(province_name)
