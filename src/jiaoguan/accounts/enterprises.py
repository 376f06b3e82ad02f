"""Enterprises (企业) and the accounts that act for them, as other rooms may ask about them.

Other rooms get plain snapshots (`EnterpriseView`), never the ORM row: they read an enterprise, they do
not change it behind the accounts room's back. Members are the users whose `enterprise_id` names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import Enterprise, User
from jiaoguan.kit import audit
from jiaoguan.kit.db import one_of
from jiaoguan.kit.errors import Conflict, InvalidInput
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import find_division
from jiaoguan.kit.prepared import Prepared


@dataclass(frozen=True, slots=True)
class EnterpriseView:
    id: int
    credit_code: str  # 统一社会信用代码
    name: str
    address_division: str  # GB/T 2260 county code of its registered address
    contact_phone: str | None
    province_code: str


def _view(row: Enterprise) -> EnterpriseView:
    return EnterpriseView(row.id, row.credit_code, row.name, row.address_division, row.contact_phone,
                          row.province_code)


def enterprise_of(session: Session, enterprise_id: int | None) -> EnterpriseView | None:
    """The enterprise with this id, or None (also for None: an account that acts for no enterprise)."""
    row = session.get(Enterprise, enterprise_id) if enterprise_id is not None else None
    return _view(row) if row is not None else None


def enterprises_by_id(session: Session, ids: Iterable[int]) -> dict[int, EnterpriseView]:
    """Several at once (a review queue, a request list): one query, keyed by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    return views_by_id(ENTERPRISES_BY_IDS.rows(session, {"ids": sorted(wanted)}))


# Built once, run as `Prepared` (a review queue, an inbox, a search result names their enterprises on every view);
# public for a page that reads them in one round trip with other things (`kit.prepared.rows_of_each`, parameter
# `ids`), then makes them views with `views_by_id`.
def enterprises_select(id_is: Callable[[Any], Any]) -> Select[Enterprise]:
    """The enterprises whose id meets `id_is(id column)` (one of a parameter's values, or in another room's subquery:
    the applicants of an issuer's queue)."""
    return select(Enterprise).where(id_is(Enterprise.id))


ENTERPRISES_BY_IDS = Prepared(enterprises_select(lambda id_: one_of(id_, "ids")), planned_at_once=True)


def views_by_id(rows: list[tuple[object, ...]], read_by: Prepared | None = None) -> dict[int, EnterpriseView]:
    """`enterprises_by_id` of the rows `ENTERPRISES_BY_IDS` (or `read_by`, another `enterprises_select`) returned."""
    return {row.id: _view(row) for row in (read_by or ENTERPRISES_BY_IDS).as_objects(rows)}


def member_ids(session: Session, enterprise_id: int) -> list[int]:
    """The active accounts that act for the enterprise (its agents)."""
    return list(session.execute(
        select(User.id).where(User.enterprise_id == enterprise_id, User.is_active.is_(True)).order_by(User.id)
    ).scalars())


def add_enterprise(session: Session, *, credit_code: str, name: str, address_division: str,
                   contact_phone: str | None = None) -> EnterpriseView:
    """Register an enterprise (its province follows from the address); flushes and audits."""
    if find_division(address_division) is None:
        raise InvalidInput(N_("Unknown division code."), code="accounts.unknown_division", field="address_division")
    if session.execute(select(Enterprise.id).where(Enterprise.credit_code == credit_code)).first() is not None:
        raise Conflict(N_("An enterprise with this credit code is already registered."),
                       code="accounts.enterprise_exists", field="credit_code")
    row = Enterprise(credit_code=credit_code, name=name, address_division=address_division,
                     contact_phone=contact_phone, province_code=address_division[:2])
    session.add(row)
    session.flush()
    audit.record(session, "enterprise.create", "enterprise", row.id, f"{credit_code} {name}")
    return _view(row)
