"""Registry rows: a person and each kind of record, with valid defaults (enterprises: `accounts`)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, Person, PreselectedPlate, Vehicle, Violation

D = dt.date.fromisoformat
_serial = itertools.count(1)


def _id_number(n: int, birth: dt.date) -> str:
    body = f"110105{birth:%Y%m%d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def person(db: Session, *, province: str = "11", phone: str | None = "13800138000",
           birth: dt.date = D("1980-05-01")) -> Person:
    n = next(_serial)
    p = Person(id_number=_id_number(n, birth), name=f"测试{n}", sex="M", birth_date=birth, phone=phone,
               address_division=f"{province}0105", address=None, province_code=province)
    db.add(p)
    db.flush()
    return p


def licence(db: Session, who: Person, *, valid_to: dt.date | None, classes: str = "C1", status: str = "valid",
            review_due: dt.date | None = None, medical_due: dt.date | None = None) -> DrivingLicence:
    n = next(_serial)
    start = D("2010-01-01")
    row = DrivingLicence(person_id=who.id, file_no=f"{n:012d}", classes=classes, first_issued=start,
                         valid_from=start, valid_to=valid_to, period_years=6 if valid_to else None, status=status,
                         cycle_start=start, points=0, review_due=review_due, medical_due=medical_due,
                         province_code=who.province_code)
    db.add(row)
    db.flush()
    return row


def vehicle(db: Session, who: Person | None, *, inspection: dt.date, kind: str = "small_car",
            use: str = "non_operating", registered: dt.date = D("2015-03-10"), plate: str | None = None,
            missed: int = 0, status: str = "normal", firm: EnterpriseView | None = None, seats: int = 5,
            insurance: dt.date = D("2030-01-01")) -> Vehicle:
    n = next(_serial)
    province = who.province_code if who else firm.province_code if firm else "11"
    row = Vehicle(plate_no=plate or f"京A{n:05d}", plate_type="02", vin=f"LSVAB{n:012d}",
                  owner_person_id=who.id if who else None, owner_enterprise_id=firm.id if firm else None,
                  use_nature=use, vehicle_type=kind, seats=seats, registration_date=registered,
                  inspection_valid_until=inspection, insurance_valid_until=insurance, missed_cycles=missed,
                  status=status, province_code=province)
    db.add(row)
    db.flush()
    return row


def permit(db: Session, who: Person, *, issued: dt.date, valid_until: dt.date, classes: str = "C1",
           status: str = "valid") -> LearnerPermit:
    row = LearnerPermit(person_id=who.id, classes=classes, issued_on=issued, valid_until=valid_until, status=status,
                        province_code=who.province_code)
    db.add(row)
    db.flush()
    return row


def plate_hold(db: Session, who: Person, *, selected: dt.date, valid_until: dt.date,
               status: str = "held") -> PreselectedPlate:
    n = next(_serial)
    row = PreselectedPlate(person_id=who.id, plate_no=f"京B{n:05d}", plate_type="02", vin=f"LFVCD{n:012d}",
                           selected_on=selected, valid_until=valid_until, status=status,
                           province_code=who.province_code)
    db.add(row)
    db.flush()
    return row


def violation(db: Session, *, vehicle: Vehicle | None = None, driver: Person | None = None, points: int = 3,
              fine: int = 200, source: str = "camera", status: str = "recorded", province: str = "11",
              code: str = "1352") -> Violation:
    """A violation record (a camera one by default, waiting for the driver to handle it)."""
    row = Violation(vehicle_id=vehicle.id if vehicle else None, person_id=driver.id if driver else None,
                    source=source, code=code, place="长安街", occurred_at=dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC),
                    points=points, fine_yuan=fine, status=status,
                    province_code=vehicle.province_code if vehicle else province)
    db.add(row)
    db.flush()
    return row
