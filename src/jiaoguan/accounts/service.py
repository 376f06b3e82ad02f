"""Sign-in, sessions, device tokens and users. Services flush; the caller commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, bindparam, case, delete, literal, or_, select, update
from sqlalchemy.orm import Session

from jiaoguan.accounts import kept_sessions
from jiaoguan.accounts.models import ApiToken, OneTimeCode, SignInThrottle, User, UserSession
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.kit import audit, outbox
from jiaoguan.kit import limits as limits_
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import UTCDateTime
from jiaoguan.kit.errors import Conflict, InvalidInput, TooManyRequests, Unauthenticated
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.limits import upsert
from jiaoguan.kit.prepared import Prepared
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
#
# Every attempt is counted *before* it is judged, in one atomic statement, and committed at once: of 60
# wrong passwords sent at the same moment, only the allowed number are checked at all; the rest are
# refused before a hash is computed. A right answer gives its attempt back. Counters are kept per account
# (user name, phone) and per client address (password spraying, codes tried on many phones). After the free
# attempts a key waits a delay that grows with each further failure (1, 2, 4, 8 minutes…) up to
# `signin_max_delay_minutes`: guessing stays slow, but the owner is never shut out for long.
# A key whose last attempt is older than FORGET starts over.

FORGET = dt.timedelta(hours=24)
SMS_CODE_ATTEMPTS = 3  # guesses one code allows before it is void


def _delays() -> list[dt.timedelta]:
    cap = max(1, get_settings().signin_max_delay_minutes)
    minutes, found = 1, []
    while minutes < cap:
        found.append(dt.timedelta(minutes=minutes))
        minutes *= 2
    return [*found, dt.timedelta(minutes=cap)]


def _charge(session: Session, key: str, free: int, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    """Count one attempt for `key` unless it must wait; (allowed, the wait this attempt set or found)."""
    stale = SignInThrottle.updated_at <= literal(now - FORGET, UTCDateTime())
    failures = case((stale, 1), else_=SignInThrottle.failures + 1)
    delays = _delays()
    # From the free-th failure on, each failure sets the next, longer wait (computed here, so no SQL date maths).
    waits = [(failures == free + i, literal(now + d, UTCDateTime())) for i, d in enumerate(delays[:-1])]
    locked = case((failures < free, literal(None, UTCDateTime())), *waits,
                  else_=literal(now + delays[-1], UTCDateTime()))
    first_lock = now + delays[0] if free <= 1 else None
    stmt = upsert(session, SignInThrottle).values(key=key, failures=1, locked_until=first_lock, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[SignInThrottle.key],
        set_={"failures": failures, "locked_until": locked, "updated_at": literal(now, UTCDateTime())},
        where=or_(SignInThrottle.locked_until.is_(None),
                  SignInThrottle.locked_until <= literal(now, UTCDateTime())),
    ).returning(SignInThrottle.locked_until)
    row = session.execute(stmt).first()
    if row is not None:
        return True, row[0]
    return False, session.execute(select(SignInThrottle.locked_until).where(SignInThrottle.key == key)).scalar()


def _charge_all(session: Session, keys: list[tuple[str, int]]) -> list[tuple[str, dt.datetime | None]]:
    """Charge every key or none, and commit: the count holds whatever the request does next, and no row lock
    is held while the answer is checked. Raises SignInLocked with the longest wait if any key must wait."""
    now = utc_now()
    charged: list[tuple[str, dt.datetime | None]] = []
    wait: dt.datetime | None = None
    with session.begin_nested() as savepoint:
        for key, free in sorted(keys):  # one order for everyone: no deadlock between two requests
            allowed, until = _charge(session, key, free, now)
            if not allowed:
                wait = max(wait or now, until or now)
            charged.append((key, until))
        if wait is not None:
            savepoint.rollback()
    session.commit()
    if wait is not None:
        minutes = max(1, math.ceil((wait - now).total_seconds() / 60))
        log.info("accounts.signin.locked")
        raise SignInLocked(minutes=minutes)
    return charged


def _refund(session: Session, charged: list[tuple[str, dt.datetime | None]], *, forget: str) -> None:
    """A right answer: the account key (`forget`) starts over; an address key gets this attempt back."""
    for key, set_lock in charged:
        if key == forget:
            session.execute(update(SignInThrottle).where(SignInThrottle.key == key)
                            .values(failures=0, locked_until=None, updated_at=utc_now()))
            continue
        # Lift only the wait this very attempt set (a failure racing with it may have set a later one).
        lift = (SignInThrottle.locked_until.is_(None) if set_lock is None
                else SignInThrottle.locked_until == literal(set_lock, UTCDateTime()))
        session.execute(update(SignInThrottle).where(SignInThrottle.key == key).values(
            failures=case((SignInThrottle.failures > 0, SignInThrottle.failures - 1), else_=0),
            locked_until=case((lift, None), else_=SignInThrottle.locked_until)))


def forget_old_counters(session: Session) -> int:
    """The worker's hourly job: drop back-off rows past FORGET and not waiting, and spent send counters."""
    now = utc_now()
    result = session.execute(delete(SignInThrottle).where(
        SignInThrottle.updated_at < now - FORGET,
        or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now))
        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0) + limits_.forget(session)


def authenticate_password(session: Session, username: str, password: str, address: str = "local") -> User:
    """Check a password; commits the attempt's count first (see above)."""
    name = username.strip()
    settings = get_settings()
    account = "u:" + name.lower()
    charged = _charge_all(session, [(account, settings.signin_free_failures),
                                    ("a:" + address, settings.signin_free_failures_per_address)])
    user = session.execute(select(User).where(User.username == name)).scalar_one_or_none()
    ok = False
    if user is not None and user.is_active and user.password_hash:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # same work either way: timing does not reveal which user names exist
    if not ok or user is None:
        log.info("accounts.signin.failed")
        raise SignInFailed()
    _refund(session, charged, forget=account)
    return user


# --- SMS one-time codes -----------------------------------------------------------------------

class SmsCodeLimited(TooManyRequests):
    code = "accounts.sms_code_limited"
    message = N_("Too many codes were asked for. Please try again after %(minutes)s minutes.")


def request_sms_code(session: Session, phone: str, address: str = "local") -> None:
    """Send a sign-in code to a citizen's phone through the outbox. Unknown phones get nothing, silently.

    Sending is limited per phone (one per `sms_code_interval_seconds`, `sms_codes_per_phone_per_hour`), per
    client address and overall, counted alike for known and unknown phones. A new code voids the earlier ones
    and collapses their SMS still waiting in the outbox: at most one code per phone is ever valid.
    """
    settings = get_settings()
    now = utc_now()
    hour = dt.timedelta(hours=1)
    limits = [("sms.phone:" + phone, settings.sms_codes_per_phone_per_hour, hour),
              ("sms.address:" + address, settings.sms_codes_per_address_per_hour, hour),
              ("sms.all", settings.sms_codes_per_hour, hour)]
    if settings.sms_code_interval_seconds > 0:
        limits.insert(0, ("sms.phone.next:" + phone, 1, dt.timedelta(seconds=settings.sms_code_interval_seconds)))
    refused: list[dt.datetime] = []
    with session.begin_nested() as savepoint:
        for key, limit, window in limits:
            taken = limits_.take(session, key, limit, window, now=now)
            if not taken.allowed:
                refused.append(taken.window_ends)
                break
        if refused:
            savepoint.rollback()
    if refused:
        log.info("accounts.sms_code.limited")
        raise SmsCodeLimited(minutes=max(1, math.ceil((refused[0] - now).total_seconds() / 60)))
    user = session.execute(
        select(User).where(User.phone == phone, User.role == Role.citizen.value, User.is_active.is_(True))
    ).scalar_one_or_none()
    if user is None:
        log.info("accounts.sms_code.unknown_phone")
        return
    session.execute(update(OneTimeCode).where(OneTimeCode.phone == phone, OneTimeCode.used.is_(False))
                    .values(used=True))
    superseded = outbox.supersede(session, "sms", phone, "signin_code")
    if superseded:
        log.info("accounts.sms_code.superseded", extra={"count": superseded})
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(OneTimeCode(phone=phone, code_hash=sha256(phone + ":" + code), created_at=now,
                            expires_at=now + dt.timedelta(minutes=CODE_MINUTES), used=False, attempts=0))
    outbox.enqueue(session, "sms", phone, "signin_code", {"code": code}, priority=outbox.URGENT)
    session.flush()


def authenticate_sms_code(session: Session, phone: str, code: str, address: str = "local") -> User:
    """Check a code; commits the attempt's count first. Each code allows SMS_CODE_ATTEMPTS guesses, each counted
    on the code's row in one UPDATE, so guesses racing each other cannot exceed it; a right code is used once."""
    settings = get_settings()
    account = "p:" + phone
    charged = _charge_all(session, [(account, settings.signin_free_failures),
                                    ("as:" + address, settings.signin_free_failures_per_address)])
    now = utc_now()
    tried = session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.used.is_(False), OneTimeCode.expires_at > now,
               OneTimeCode.attempts < SMS_CODE_ATTEMPTS)
        .values(attempts=OneTimeCode.attempts + 1)
        .returning(OneTimeCode.id, OneTimeCode.code_hash)
        .execution_options(synchronize_session=False)
    ).all()
    wanted = sha256(phone + ":" + code.strip())
    match = next((row.id for row in tried if hmac.compare_digest(row.code_hash, wanted)), None)
    user = session.execute(
        select(User).where(User.phone == phone, User.role == Role.citizen.value)
    ).scalar_one_or_none()
    claimed = match is not None and session.execute(
        update(OneTimeCode).where(OneTimeCode.id == match, OneTimeCode.used.is_(False)).values(used=True)
        .returning(OneTimeCode.id).execution_options(synchronize_session=False)).first() is not None
    if not claimed or user is None or not user.is_active:
        log.info("accounts.signin.sms_failed")
        raise SignInFailed(N_("The code is wrong or has expired."), code="accounts.bad_sms_code")
    _refund(session, charged, forget=account)
    return user


# --- sessions and device tokens ----------------------------------------------------------------

def principal_of(user: User, device: str | None = None) -> Principal:
    return Principal(id=user.id, username=user.username, display_name=user.display_name, role=user.role,
                     province_code=user.province_code, enterprise_id=user.enterprise_id, person_id=user.person_id,
                     office_id=user.office_id, phone=user.phone, device=device)


# What a Principal is made of, read as plain columns: every request looks its user up, and loading an ORM
# row (identity map, attribute instrumentation) for a value that is thrown away at once costs more than the query.
_PRINCIPAL_COLUMNS = (User.id, User.username, User.display_name, User.role, User.province_code, User.enterprise_id,
                      User.person_id, User.office_id, User.phone)


def _principal(row: Sequence[Any], device: str | None = None) -> Principal:
    uid, username, display_name, role, province_code, enterprise_id, person_id, office_id, phone = row
    return Principal(uid, username, display_name, role, province_code, enterprise_id, person_id, office_id, phone,
                     device)


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


# Built once: every request looks its principal up, and building a statement (coercions, a fresh cache key)
# cost several times what running a prepared one on the request's connection does. Run as `Prepared`, straight on
# the request's DBAPI connection: nothing here is an ORM row, and SQLAlchemy's execution layer cost as much again.
_SESSION_PRINCIPAL = Prepared(
    select(*_PRINCIPAL_COLUMNS, UserSession.expires_at).join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == bindparam("token_hash"), UserSession.revoked.is_(False),
           UserSession.expires_at > bindparam("now"), User.is_active.is_(True)))


def token_principal_select() -> Select[Any]:
    """The device-token look-up (parameter `token_hash`), for a room that reads what it needs next in the same round
    trip (the scanner's lane adds its checkpoint's columns: `passes.lane`). Its first `TOKEN_PRINCIPAL_COLUMNS`
    columns are what `principal_of_token_row` reads."""
    columns: list[Any] = [ApiToken.id, ApiToken.name, ApiToken.last_used_at, *_PRINCIPAL_COLUMNS]
    return (select(*columns).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False),
                   User.is_active.is_(True)))


TOKEN_PRINCIPAL_COLUMNS = 3 + len(_PRINCIPAL_COLUMNS)
_TOKEN_PRINCIPAL = Prepared(token_principal_select())


def kept_principal_for_session(session: Session, token: str) -> Principal | None:
    """The answer `principal_for_session` kept for this cookie, if it still holds; no I/O (None: ask it)."""
    return kept_sessions.kept(kept_sessions.heard(session), sha256(token), utc_now())


def principal_for_session(session: Session, token: str) -> Principal | None:
    """The user a browser session cookie belongs to, in one query; None if unknown, ended or expired. A server process
    on PostgreSQL keeps the answer until an account or a session changes (`kept_sessions`)."""
    key = sha256(token)
    now = utc_now()
    heard = kept_sessions.heard(session)
    found_kept = kept_sessions.kept(heard, key, now)
    if found_kept is not None:
        return found_kept
    found = _SESSION_PRINCIPAL.first(session, {"token_hash": key, "now": now})
    if found is None:
        return None
    principal = _principal(found[:-1])
    kept_sessions.keep(heard, key, found[-1], principal)
    return principal


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
    found = _TOKEN_PRINCIPAL.first(session, {"token_hash": token_hash(token)})
    return None if found is None else principal_of_token_row(session, found)


def token_hash(token: str) -> str:
    """What a device token is looked up by (the token itself is never stored)."""
    return sha256(token)


def principal_of_token_row(session: Session, found: Sequence[Any]) -> Principal:
    """The user of a device token row read by `token_principal_select`; its last use is stamped (at most once a
    minute)."""
    token_id, name, last_used = found[0], found[1], found[2]
    now = utc_now()
    if last_used is None or now - last_used >= TOKEN_TOUCH_EVERY:
        # Conditional, so of many requests racing at the minute's turn only one writes; SKIP LOCKED, so the
        # others pass by the row the first one is writing instead of waiting for its commit.
        stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_TOUCH_EVERY)
        free = select(ApiToken.id).where(ApiToken.id == token_id, stale).with_for_update(skip_locked=True)
        session.execute(update(ApiToken).where(ApiToken.id.in_(free.scalar_subquery())).values(last_used_at=now)
                        .execution_options(synchronize_session=False))
    return _principal(found[3:TOKEN_PRINCIPAL_COLUMNS], device=name)


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


def principals_by_person(session: Session, person_ids: Iterable[int]) -> dict[int, Principal]:
    """The citizen account of each person who has one (an account links to one person, and back)."""
    wanted = {i for i in person_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User).where(User.person_id.in_(wanted))).scalars()
    return {u.person_id: principal_of(u) for u in rows if u.person_id is not None}
