"""Valid inputs for the pass room: ID numbers and VINs with correct check characters, plates,
and a complete application that each test changes one field of."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.ids.resident import id_check_char
from jiaoguan.kit.ids.vin import vin_check_digit
from jiaoguan.passes.applications.form import ApplicationInput, CrewInput
from jiaoguan.registry.models import DrivingLicence, Person, Vehicle

FRIDAY = dt.datetime(2022, 4, 29, 9, 0, tzinfo=CHINA_TZ)


def id_number(serial: int, born: str = "19800101", area: str = "310115") -> str:
    first17 = f"{area}{born}{serial % 1000:03d}"
    return first17 + id_check_char(first17)


def vin(serial: int) -> str:
    raw = f"LFWADRJF0{serial % 10**8:08d}"
    return raw[:8] + vin_check_digit(raw) + raw[9:]


def plate(n: int) -> str:
    return f"沪D{n % 100000:05d}"


def application(n: int = 1, **changes: object) -> ApplicationInput:
    """A valid application for vehicle number n, from today (the fixed Friday) for 10 days."""
    base = ApplicationInput(
        plate_no=plate(10000 + n), plate_colour="yellow", vin=vin(n), transport_cert_no=f"310115{n:06d}",
        crew=(CrewInput("张伟", id_number(2 * n), "13812345678"),
              CrewInput("王强", id_number(2 * n + 1), "13912345678")),
        origin_code="310115", origin_address="上海市浦东新区外高桥保税区1号", destination_code="420102",
        destination_address="武汉市江岸区解放大道2号", consignor="上海某医疗器械有限公司", consignee="武汉某医院",
        cargo_category="raw_materials", cargo_name="钢材", cargo_quantity="30捆", cargo_weight_kg="25000",
        valid_from=FRIDAY.date(), valid_to=FRIDAY.date() + dt.timedelta(days=9), contact_name="周涛",
        contact_phone="13700137000",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def register(db: Session, enterprise_id: int | None, *ns: int, province: str = "31", person_owner: int | None = None,
             inspection: dt.date = dt.date(2022, 12, 31), insurance: dt.date = dt.date(2023, 3, 1),
             status: str = "normal", classes: str = "A2", licence_to: dt.date | None = dt.date(2028, 6, 30),
             kind: str = "tractor_unit") -> None:
    """Put the vehicle and crew of `application(n)` in the register: a tractor unit of `enterprise_id` with
    inspection and insurance valid beyond the fixed Friday's travel dates, and crew holding an A2 licence."""
    for n in ns:
        raw = application(n)
        db.add(Vehicle(plate_no=raw.plate_no, plate_type="01", vin=raw.vin, owner_person_id=person_owner,
                       owner_enterprise_id=enterprise_id, use_nature="freight", vehicle_type=kind, seats=2,
                       registration_date=dt.date(2019, 3, 1), inspection_valid_until=inspection,
                       insurance_valid_until=insurance, missed_cycles=0, status=status, province_code=province))
        for member in raw.crew:
            if db.scalars(select(Person.id).where(Person.id_number == member.id_number)).first() is not None:
                continue
            who = Person(id_number=member.id_number, name=member.name, sex="M", birth_date=dt.date(1980, 1, 1),
                         phone=member.phone, address_division="310115", address=None, province_code=province)
            db.add(who)
            db.flush()
            db.add(DrivingLicence(person_id=who.id, file_no=f"31{who.id:010d}", classes=classes,
                                  first_issued=dt.date(2010, 1, 1), valid_from=dt.date(2018, 6, 30),
                                  valid_to=licence_to, period_years=10 if licence_to else None, status="valid",
                                  cycle_start=dt.date(2021, 6, 30), points=0, review_due=None, medical_due=None,
                                  province_code=province))
    db.flush()
