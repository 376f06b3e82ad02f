"""The business room's test data: a Beijing citizen with a licence in its renewal window and a car, the
Beijing seats and supervisor, the shipped catalogue, and real PNG/PDF bytes for uploads."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_of
from jiaoguan.business import documents, service
from jiaoguan.business.models import BusinessApplication
from tests.factories import accounts, registry

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
                       "awAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Citizen:
    user: Principal
    person_id: int
    licence_id: int
    plate: str


def citizen(db: Session, *, expiry: dt.date, province: str = "11", plate: str | None = None) -> Citizen:
    """A citizen account with a person, a licence expiring on `expiry`, and a car."""
    who = registry.person(db, province=province)
    lic = registry.licence(db, who, valid_to=expiry)
    car = registry.vehicle(db, who, inspection=expiry + dt.timedelta(days=200), plate=plate)
    user = principal_of(accounts.user(db, Role.citizen, person_id=who.id, province_code=province))
    return Citizen(user, who.id, lic.id, car.plate_no)


def staff(db: Session, role: Role, province: str = "11") -> Principal:
    return principal_of(accounts.user(db, role, province_code=province))


def application(db: Session, who: Principal, code: str = "licence_renewal", *,
                materials: tuple[str, ...] = ("id_card", "photo", "medical_certificate"), submit: bool = True,
                **kw: Any) -> BusinessApplication:
    """An application with its materials uploaded, submitted unless told otherwise (through the services)."""
    app = service.create_application(db, who, code, **kw)
    for m in materials:
        documents.upload(db, who, app.id, m, f"{m}.png", PNG)
    if submit:
        service.submit(db, who, app.id, expected_version=app.version)
    db.flush()
    return app


Maker = Callable[..., BusinessApplication]
