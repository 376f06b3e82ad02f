"""Sign-in, sessions, device tokens and users. Services flush; the caller commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import ApiToken, OneTimeCode, SignInThrottle, User, UserSession
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import Conflict, InvalidInput, TooManyRequests, Unauthenticated
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.outbox import enqueue
from jiaoguan.kit.settings import get_settings

log = logging.getLogger("jiaoguan.accounts")
# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
SESSION_DAYS = 7
CODE_MINUTES = 5
# A device token's "last used" time is written at most this often: written on every request, its row
# would be the one lock every scanner sharing the token waits on.
TOKEN_TOUCH_EVERY = dt.timedelta(minutes=1)


class SignInFailed(Unauthenticated):
    code = "accounts.signin_failed"
    message = N_("The user name or password is wrong.")


class SignInLocked(TooManyRequests):
    code = "accounts.signin_locked"
    message = N_("Too many failed attempts. Please try again after %(minutes)s minutes.")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidInput(N_("The password must have at least 8 characters."), code="accounts.weak_password",
                           field="password")
    return _hasher.hash(password)


def create_user(session: Session, *, username: str, display_name: str, role: Role | str,
                password: str | None = None, person_id: int | None = None, enterprise_id: int | None = None,
                office_id: int | None = None, province_code: str | None = None,
                phone: str | None = None) -> User:
    role = Role(role)
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(N_("The user name %(username)s is taken."), code="accounts.username_taken", field="username",
                       username=username)
    user = User(username=username, display_name=display_name, role=role.value,
                password_hash=hash_password(password) if password else None, person_id=person_id,
                enterprise_id=enterprise_id, office_id=office_id, province_code=province_code, phone=phone,
                is_active=True, created_at=utc_now())
    session.add(user)
    session.flush()
    audit.record(session, "user.create", "user", user.id, f"{username} as {role.value}")
    return user


# --- throttling -------------------------------------------------------------------------------

def _throttle(session: Session, key: str) -> SignInThrottle:
    row = session.get(SignInThrottle, key)
    if row is None:
        row = SignInThrottle(key=key, failures=0, locked_until=None, updated_at=utc_now())
        session.add(row)
    return row


def _check_not_locked(session: Session, key: str) -> None:
    row = session.get(SignInThrottle, key)
    now = utc_now()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
        log.info("accounts.signin.locked")
        raise SignInLocked(minutes=minutes)


def _note_failure(session: Session, key: str) -> None:
    row = _throttle(session, key)
    row.failures += 1
    row.updated_at = utc_now()
    free = get_settings().signin_free_failures
    if row.failures >= free:
        # Back-off doubles from one minute, capped at a day: guessing stays slow,
        # but nobody is locked out for good.
        minutes = min(2 ** (row.failures - free), 24 * 60)
        row.locked_until = utc_now() + dt.timedelta(minutes=minutes)
    session.flush()


def _note_success(session: Session, key: str) -> None:
    row = session.get(SignInThrottle, key)
    if row is not None:
        row.failures, row.locked_until, row.updated_at = 0, None, utc_now()


def authenticate_password(session: Session, username: str, password: str) -> User:
    key = "u:" + username.strip().lower()
    _check_not_locked(session, key)
    user = session.execute(select(User).where(User.username == username.strip())).scalar_one_or_none()
    ok = False
    if user is not None and user.is_active and user.password_hash:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # same work either way: timing does not reveal which user names exist
    if not ok or user is None:
        _note_failure(session, key)
        log.info("accounts.signin.failed")
        raise SignInFailed()
    _note_success(session, key)
    return user


# --- SMS one-time codes -----------------------------------------------------------------------

def request_sms_code(session: Session, phone: str) -> None:
    """Send a sign-in code to a citizen's phone through the outbox. Unknown phones get nothing, silently."""
    key = "p:" + phone
    _check_not_locked(session, key)
    user = session.execute(
        select(User).where(User.phone == phone, User.role == Role.citizen.value, User.is_active.is_(True))
    ).scalar_one_or_none()
    if user is None:
        log.info("accounts.sms_code.unknown_phone")
        return
    code = f"{secrets.randbelow(10**6):06d}"
    now = utc_now()
    session.add(OneTimeCode(phone=phone, code_hash=sha256(phone + ":" + code), created_at=now,
                            expires_at=now + dt.timedelta(minutes=CODE_MINUTES), used=False))
    enqueue(session, "sms", phone, "signin_code", {"code": code})
    session.flush()


def authenticate_sms_code(session: Session, phone: str, code: str) -> User:
    key = "p:" + phone
    _check_not_locked(session, key)
    now = utc_now()
    candidates = session.execute(
        select(OneTimeCode).where(OneTimeCode.phone == phone, OneTimeCode.used.is_(False),
                                  OneTimeCode.expires_at > now)
    ).scalars().all()
    wanted = sha256(phone + ":" + code.strip())
    match = next((c for c in candidates if hmac.compare_digest(c.code_hash, wanted)), None)
    user = session.execute(
        select(User).where(User.phone == phone, User.role == Role.citizen.value)
    ).scalar_one_or_none()
    if match is None or user is None or not user.is_active:
        _note_failure(session, key)
        raise SignInFailed(N_("The code is wrong or has expired."), code="accounts.bad_sms_code")
    match.used = True
    _note_success(session, key)
    return user


# --- sessions and device tokens ----------------------------------------------------------------

def principal_of(user: User, device: str | None = None) -> Principal:
    return Principal(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                     province_code=user.province_code, enterprise_id=user.enterprise_id, person_id=user.person_id,
                     office_id=user.office_id, phone=user.phone, device=device)


def start_session(session: Session, user: User | Principal) -> str:
    token = secrets.token_urlsafe(32)
    now = utc_now()
    session.add(UserSession(token_hash=sha256(token), user_id=user.id, created_at=now,
                            expires_at=now + dt.timedelta(days=SESSION_DAYS), revoked=False))
    # The one who signs in is the actor of their own sign-in, though the request came in anonymous.
    audit.record(session, "session.start", "user", user.id, "signed in",
                 actor=Principal(user.id, user.username, user.display_name, user.role).actor)
    session.flush()
    return token


def principal_for_session(session: Session, token: str) -> Principal | None:
    """The user a browser session cookie belongs to, in one query; None if unknown, ended or expired."""
    user = session.execute(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == sha256(token), UserSession.revoked.is_(False),
               UserSession.expires_at > utc_now(), User.is_active.is_(True))
    ).scalar_one_or_none()
    return None if user is None else principal_of(user)


def end_session(session: Session, token: str) -> None:
    row = session.execute(
        select(UserSession).where(UserSession.token_hash == sha256(token))
    ).scalar_one_or_none()
    if row is not None and not row.revoked:
        row.revoked = True
        audit.record(session, "session.end", "user", row.user_id, "signed out")
        session.flush()


def issue_api_token(session: Session, user: User | Principal, name: str) -> str:
    token = "jgt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=sha256(token), created_at=utc_now(),
                         revoked=False))
    audit.record(session, "api_token.issue", "user", user.id, f"device token {name}")
    session.flush()
    return token


def principal_for_api_token(session: Session, token: str) -> Principal | None:
    """The user a device token acts as; None if unknown or revoked."""
    found = session.execute(
        select(ApiToken.id, ApiToken.name, ApiToken.last_used_at, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == sha256(token), ApiToken.revoked.is_(False), User.is_active.is_(True))
    ).one_or_none()
    if found is None:
        return None
    token_id, name, last_used, user = found
    now = utc_now()
    if last_used is None or now - last_used >= TOKEN_TOUCH_EVERY:
        # Conditional, so of many requests racing at the minute's turn only one writes.
        session.execute(update(ApiToken).where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_TOUCH_EVERY),
        ).values(last_used_at=now))
    return principal_of(user, device=name)


# --- who is who, for other rooms ---------------------------------------------------------------

def principal_by_username(session: Session, username: str) -> Principal | None:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    return None if user is None else principal_of(user)


def staff_of(session: Session, province_code: str, roles: tuple[Role, ...]) -> list[Principal]:
    """The active users of these roles in a province (whom a room tells about work waiting for them)."""
    rows = session.execute(select(User).where(
        User.province_code == province_code, User.role.in_([r.value for r in roles]), User.is_active.is_(True))
        .order_by(User.id)).scalars()
    return [principal_of(u) for u in rows]


def assign_province(session: Session, user_id: int, province_code: str) -> Principal:
    """Move a staff member to another province's work (audited); returns who they are now."""
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput(N_("There is no such user."), code="accounts.no_such_user")
    if user.province_code != province_code:
        audit.record(session, "user.province", "user", user.id, f"{user.province_code} -> {province_code}")
        user.province_code = province_code
        session.flush()
    return principal_of(user)


def principals_by_id(session: Session, user_ids: Iterable[int | None]) -> dict[int, Principal]:
    """Several users at once, by id (who is assigned to what, who applied for whom)."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    return {u.id: principal_of(u) for u in session.execute(select(User).where(User.id.in_(wanted))).scalars()}
