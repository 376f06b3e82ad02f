"""Who is who, as other rooms may ask: accounts by name, staff of a province by role.

Answers are `Principal` values or ids, never the ORM rows (other rooms do not import `accounts.models`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import principal_of
from jiaoguan.kit import audit
from jiaoguan.kit.errors import InvalidInput, NotFound
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import PROVINCES


def principal_by_username(session: Session, username: str) -> Principal | None:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    return principal_of(user) if user is not None else None


def staff_ids(session: Session, province_code: str, roles: Iterable[Role]) -> list[int]:
    """The active accounts of the province that hold one of `roles` (whom to tell about its work)."""
    return list(session.execute(
        select(User.id).where(User.province_code == province_code, User.role.in_([r.value for r in roles]),
                              User.is_active.is_(True)).order_by(User.id)
    ).scalars())


def assign_province(session: Session, user_id: int, province_code: str) -> Principal:
    """Move a staff account to another province (its work and its data follow the province)."""
    if province_code not in PROVINCES:
        raise InvalidInput(N_("Unknown province code."), code="accounts.unknown_province", field="province_code")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such account."), code="accounts.no_such_user")
    if user.province_code != province_code:
        audit.record(session, "user.province", "user", user.id, f"{user.province_code or '--'} -> {province_code}")
        user.province_code = province_code
        session.flush()
    return principal_of(user)
