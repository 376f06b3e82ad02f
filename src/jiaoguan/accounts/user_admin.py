"""The administrator's work on staff accounts (issue 9.8): list and find, add, disable and enable, reset the
password, change the role and the office. Every change is audited; disabling or resetting ends the user's
sessions at once. Services flush, never commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import Office, User, UserSession
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import create_user, hash_password
from jiaoguan.kit import audit
from jiaoguan.kit.errors import Conflict, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_

MIN_PASSWORD = 10


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    province_code: str | None
    office_id: int | None
    phone: str | None
    is_active: bool


def _row(u: User) -> UserRow:
    return UserRow(u.id, u.username, u.display_name, u.role, u.province_code, u.office_id, u.phone, u.is_active)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("There is no such user."), code="accounts.no_such_user")
    return user


def find_users(session: Session, q: str = "", *, limit: int = 200) -> list[UserRow]:
    stmt = select(User)
    if q.strip():
        needle = f"%{q.strip()}%"
        stmt = stmt.where(or_(User.username.ilike(needle), User.display_name.ilike(needle), User.phone.ilike(needle),
                              User.role == q.strip()))
    return [_row(u) for u in session.execute(stmt.order_by(User.id).limit(limit)).scalars()]


def offices(session: Session) -> list[tuple[int, str, str]]:
    """(id, code, name) of every office."""
    return [(o.id, o.code, o.name) for o in session.execute(select(Office).order_by(Office.code)).scalars()]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("The password must have at least %(n)s characters."), code="accounts.password_short",
                           field="password", n=MIN_PASSWORD)


def _office_province(session: Session, office_id: int | None) -> str | None:
    if office_id is None:
        return None
    office = session.get(Office, office_id)
    if office is None:
        raise InvalidInput(N_("There is no such office."), code="accounts.no_such_office", field="office_id")
    return office.province_code


def add_staff(session: Session, *, username: str, display_name: str, role: str, password: str,
              office_id: int | None, phone: str | None = None) -> UserRow:
    if role not in Role.__members__ or role in (Role.citizen.value, Role.enterprise_agent.value):
        raise InvalidInput(N_("Choose a staff role."), code="accounts.staff_role", field="role")
    if not username.strip():
        raise InvalidInput(N_("Give a user name."), code="accounts.username_missing", field="username")
    _check_password(password)
    province = _office_province(session, office_id)
    user = create_user(session, username=username.strip(), display_name=display_name.strip() or username.strip(),
                       role=role, password=password, office_id=office_id, province_code=province,
                       phone=phone or None)
    return _row(user)


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked.is_(False))
                    .values(revoked=True))


def set_active(session: Session, admin_id: int, user_id: int, active: bool) -> UserRow:
    user = _user(session, user_id)
    if user.id == admin_id and not active:
        raise Conflict(N_("You cannot disable your own account."), code="accounts.disable_self")
    if user.is_active != active:
        user.is_active = active
        if not active:
            _end_sessions(session, user.id)
        audit.record(session, "user.enable" if active else "user.disable", "user", user.id, user.username)
        session.flush()
    return _row(user)


def reset_password(session: Session, user_id: int) -> str:
    """A new one-time password (shown once to the administrator); the user's sessions end."""
    user = _user(session, user_id)
    password = secrets.token_urlsafe(9)
    user.password_hash = hash_password(password)
    _end_sessions(session, user.id)
    audit.record(session, "user.password_reset", "user", user.id, user.username)
    session.flush()
    return password


def change_role(session: Session, admin_id: int, user_id: int, role: str) -> UserRow:
    user = _user(session, user_id)
    if role not in Role.__members__:
        raise InvalidInput(N_("Choose a staff role."), code="accounts.staff_role", field="role")
    if user.id == admin_id and role != user.role:
        raise Conflict(N_("You cannot change your own role."), code="accounts.role_self")
    if user.role != role:
        audit.record(session, "user.role", "user", user.id, f"{user.username}: {user.role} -> {role}")
        user.role = role
        _end_sessions(session, user.id)
        session.flush()
    return _row(user)


def change_office(session: Session, user_id: int, office_id: int | None) -> UserRow:
    user = _user(session, user_id)
    province = _office_province(session, office_id)
    if user.office_id != office_id:
        audit.record(session, "user.office", "user", user.id, f"{user.username}: office {user.office_id} -> "
                     f"{office_id}")
        user.office_id = office_id
        if province is not None:
            user.province_code = province
        session.flush()
    return _row(user)
