"""What other rooms may ask about offices (车管所, 分所, 服务站): plain snapshots, never the ORM rows.

The `office` table stays in accounts (staff belong to an office); the halls room keeps its own details
per office (kind, address, booking rules) and reads the office itself through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import Office


@dataclass(frozen=True, slots=True)
class OfficeView:
    id: int
    code: str
    name: str
    name_en: str
    division_code: str
    province_code: str


def _view(o: Office) -> OfficeView:
    return OfficeView(o.id, o.code, o.name, o.name_en, o.division_code, o.province_code)


def office_of(session: Session, office_id: int | None) -> OfficeView | None:
    row = session.get(Office, office_id) if office_id is not None else None
    return _view(row) if row else None


def office_by_code(session: Session, code: str) -> OfficeView | None:
    row = session.execute(select(Office).where(Office.code == code)).scalar_one_or_none()
    return _view(row) if row else None


def offices_by_id(session: Session, ids: Iterable[int]) -> dict[int, OfficeView]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {o.id: _view(o) for o in session.execute(select(Office).where(Office.id.in_(wanted))).scalars()}


def offices(session: Session, province_code: str | None = None) -> list[OfficeView]:
    stmt = select(Office).order_by(Office.code)
    if province_code:
        stmt = stmt.where(Office.province_code == province_code)
    return [_view(o) for o in session.execute(stmt).scalars()]


def add_office(session: Session, *, code: str, name: str, division_code: str, name_en: str = "") -> OfficeView:
    row = Office(code=code, name=name, name_en=name_en, division_code=division_code, province_code=division_code[:2])
    session.add(row)
    session.flush()
    return _view(row)
