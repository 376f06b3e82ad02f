"""The pass application form (通行证申请表), checked field by field: a pure core, no database.

`clean_application` returns the normalised application or every problem at once (一次告知), each
with the field it belongs to, a stable code and an English msgid translated where it is shown. The
web form, the JSON API and each row of a CSV batch all go through it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.ids import (
    PlateKind,
    check_division_code,
    check_id_number,
    check_mobile,
    check_plate,
    check_vin,
    is_county_level,
)
from jiaoguan.kit.ids.divisions import Level, divisions
from jiaoguan.kit.ids.text import fold
from jiaoguan.passes.vocab import CARGO_CATEGORIES, PLATE_COLOURS

MAX_CREW = 6
MAX_WEIGHT_KG = 200_000  # far above any legal road train; catches tonnes typed into the kg field times 1000

PROBLEMS: Mapping[str, str] = {
    "required": N_("Please fill in this field."),
    "too_long": N_("This is too long (at most %(max)s characters)."),
    "plate.trailer": N_("For a combination vehicle, give the tractor's plate, not the trailer's."),
    "plate_colour.unknown": N_("Choose the plate colour from the list."),
    "cargo_category.unknown": N_("Choose the cargo category from the list."),
    "weight.format": N_("Give the weight in kilograms as a whole number greater than zero."),
    "division.not_county": N_("Give a county-level (县/区) division code, not a province or city."),
    "date.format": N_("Give the date as YYYY-MM-DD."),
    "validity.past": N_("The validity cannot start in the past."),
    "validity.order": N_("The last day of validity is before the first."),
    "validity.too_long": N_("In this province a pass is valid for at most %(max)s days; you asked for %(days)s."),
    "crew.none": N_("Give at least the driver."),
    "crew.too_many": N_("At most %(max)s crew members per pass."),
    "crew.duplicate": N_("The same person is listed twice in the crew."),
}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    msgid: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def text(self, locale: str | None = None) -> str:
        return translate(self.msgid, locale, **self.params)

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message_zh": self.text("zh_Hans"),
                "message_en": self.text("en")}


def problem(field_name: str, code: str, **params: Any) -> FieldProblem:
    return FieldProblem(field_name, code, PROBLEMS[code], params)


@dataclass(frozen=True)
class CrewInput:
    name: str = ""
    id_number: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ApplicationInput:
    """What the applicant typed (strings as given); dates may be dates or ISO text."""

    plate_no: str = ""
    plate_colour: str = ""
    vin: str = ""
    transport_cert_no: str = ""
    crew: tuple[CrewInput, ...] = ()
    origin_code: str = ""
    origin_address: str = ""
    destination_code: str = ""
    destination_address: str = ""
    consignor: str = ""
    consignor_contact: str = ""
    consignee: str = ""
    consignee_contact: str = ""
    cargo_category: str = ""
    cargo_name: str = ""
    cargo_quantity: str = ""
    cargo_weight_kg: str | int = ""
    valid_from: str | dt.date = ""
    valid_to: str | dt.date = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class CrewMemberData:
    role: str
    name: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class CleanApplication:
    plate_no: str
    plate_colour: str
    vin: str
    transport_cert_no: str
    crew: tuple[CrewMemberData, ...]
    origin_code: str
    origin_address: str
    destination_code: str
    destination_address: str
    consignor: str
    consignor_contact: str
    consignee: str
    consignee_contact: str
    cargo_category: str
    cargo_name: str
    cargo_quantity: str
    cargo_weight_kg: int
    valid_from: dt.date
    valid_to: dt.date
    contact_name: str
    contact_phone: str

    @property
    def days(self) -> int:
        return (self.valid_to - self.valid_from).days + 1


class _Checker:
    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, p: FieldProblem) -> None:
        self.problems.append(p)

    def text(self, name: str, value: str, max_len: int, *, required: bool = True) -> str:
        cleaned = " ".join(str(value or "").split())
        if required and not cleaned:
            self.add(problem(name, "required"))
        elif len(cleaned) > max_len:
            self.add(problem(name, "too_long", max=max_len))
        return cleaned

    def identifier(self, checked: Any, name: str) -> str:
        if checked.reason is not None:
            r = checked.reason
            self.add(FieldProblem(name, r.code, r.msgid, dict(r.params)))
            return ""
        return str(checked.value)

    def county(self, name: str, raw: str, year: int) -> str:
        code = self.identifier(check_division_code(county_code(raw, year), in_year=year, field=name), name)
        if code and not is_county_level(code):
            self.add(problem(name, "division.not_county"))
            return ""
        return code

    def date(self, name: str, raw: str | dt.date) -> dt.date | None:
        if isinstance(raw, dt.date):
            return raw
        text = fold(str(raw or "")).strip().replace("/", "-")
        if not text:
            self.add(problem(name, "required"))
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.add(problem(name, "date.format"))
            return None


@cache
def counties(year: int) -> tuple[tuple[str, str], ...]:
    """(code, full name) of every county-level division in force in `year` (GB/T 2260), in code order: what
    the form offers to pick origin and destination from."""
    return tuple((code, d.full_name) for code, d in sorted(divisions().items())
                 if d.level is Level.COUNTY and d.in_force(year))


@cache
def _county_by_name(year: int) -> dict[str, str]:
    by_name: dict[str, list[str]] = {}
    for code, full in counties(year):
        by_name.setdefault(full, []).append(code)
    return {name: codes[0] for name, codes in by_name.items() if len(codes) == 1}


def county_code(raw: str, year: int) -> str:
    """What the origin/destination field holds as a code: the six digits typed or picked ("上海市浦东新区
    310115"), or the code of the county whose full name was typed; else the text as given (then refused)."""
    text = " ".join(str(raw or "").split())
    digits = re.findall(r"(?<!\d)\d{6}(?!\d)", fold(text))
    if len(digits) == 1:
        return digits[0]
    return _county_by_name(year).get(text, text)


def clean_application(raw: ApplicationInput, *, today: dt.date,
                      max_days: int) -> tuple[CleanApplication | None, list[FieldProblem]]:
    """Check every field; `today` is the Beijing date, `max_days` the province's maximum validity."""
    c = _Checker()
    plate = check_plate(raw.plate_no, field="plate_no")
    plate_no = c.identifier(plate, "plate_no")
    if plate_no and plate.kind is PlateKind.TRAILER:
        c.add(problem("plate_no", "plate.trailer"))
    colour = raw.plate_colour.strip()
    if colour not in PLATE_COLOURS:
        c.add(problem("plate_colour", "plate_colour.unknown"))
    vin = c.identifier(check_vin(raw.vin, strict=True, field="vin"), "vin")
    transport_cert_no = c.text("transport_cert_no", raw.transport_cert_no, 40)
    crew = _crew(c, raw.crew, today)
    origin = c.county("origin_code", raw.origin_code, today.year)
    destination = c.county("destination_code", raw.destination_code, today.year)
    origin_address = c.text("origin_address", raw.origin_address, 200)
    destination_address = c.text("destination_address", raw.destination_address, 200)
    consignor = c.text("consignor", raw.consignor, 120)
    consignor_contact = c.text("consignor_contact", raw.consignor_contact, 80, required=False)
    consignee = c.text("consignee", raw.consignee, 120)
    consignee_contact = c.text("consignee_contact", raw.consignee_contact, 80, required=False)
    category = raw.cargo_category.strip()
    if category not in CARGO_CATEGORIES:
        c.add(problem("cargo_category", "cargo_category.unknown"))
    cargo_name = c.text("cargo_name", raw.cargo_name, 120)
    quantity = c.text("cargo_quantity", raw.cargo_quantity, 60)
    weight = _weight(c, raw.cargo_weight_kg)
    valid_from, valid_to = _validity(c, raw, today, max_days)
    contact_name = c.text("contact_name", raw.contact_name, 60)
    contact_phone = c.identifier(check_mobile(raw.contact_phone, field="contact_phone"), "contact_phone")
    if c.problems or valid_from is None or valid_to is None or weight is None:
        return None, c.problems
    return CleanApplication(
        plate_no=plate_no, plate_colour=colour, vin=vin, transport_cert_no=transport_cert_no, crew=crew,
        origin_code=origin, origin_address=origin_address, destination_code=destination,
        destination_address=destination_address, consignor=consignor, consignor_contact=consignor_contact,
        consignee=consignee, consignee_contact=consignee_contact, cargo_category=category,
        cargo_name=cargo_name, cargo_quantity=quantity, cargo_weight_kg=weight, valid_from=valid_from,
        valid_to=valid_to, contact_name=contact_name, contact_phone=contact_phone,
    ), []


def _crew(c: _Checker, given: tuple[CrewInput, ...], today: dt.date) -> tuple[CrewMemberData, ...]:
    # A row left completely empty on the form is not a crew member.
    members = [m for m in given if (m.name.strip() or m.id_number.strip() or m.phone.strip())]
    if not members:
        c.add(problem("crew[0].name", "crew.none"))
        return ()
    if len(members) > MAX_CREW:
        c.add(problem("crew", "crew.too_many", max=MAX_CREW))
    out: list[CrewMemberData] = []
    seen: set[str] = set()
    for i, m in enumerate(members[:MAX_CREW]):
        prefix = f"crew[{i}]."
        name = c.text(prefix + "name", m.name, 30)
        id_number = c.identifier(check_id_number(m.id_number, on=today, field=prefix + "id_number"),
                                 prefix + "id_number")
        phone = c.identifier(check_mobile(m.phone, field=prefix + "phone"), prefix + "phone")
        if id_number and id_number in seen:
            c.add(problem(prefix + "id_number", "crew.duplicate"))
        seen.add(id_number)
        out.append(CrewMemberData("driver" if i == 0 else "escort", name, id_number, phone))
    return tuple(out)


def _weight(c: _Checker, raw: str | int) -> int | None:
    text = fold(str(raw)).strip().replace(",", "").removesuffix("KG").strip()
    if not text:
        c.add(problem("cargo_weight_kg", "required"))
        return None
    if not re.fullmatch(r"\d{1,7}", text) or not 0 < int(text) <= MAX_WEIGHT_KG:
        c.add(problem("cargo_weight_kg", "weight.format"))
        return None
    return int(text)


def _validity(c: _Checker, raw: ApplicationInput, today: dt.date,
              max_days: int) -> tuple[dt.date | None, dt.date | None]:
    start, end = c.date("valid_from", raw.valid_from), c.date("valid_to", raw.valid_to)
    if start is None or end is None:
        return start, end
    if start < today:
        c.add(problem("valid_from", "validity.past"))
    if end < start:
        c.add(problem("valid_to", "validity.order"))
    elif (end - start).days + 1 > max_days:
        c.add(problem("valid_to", "validity.too_long", max=max_days, days=(end - start).days + 1))
    return start, end
