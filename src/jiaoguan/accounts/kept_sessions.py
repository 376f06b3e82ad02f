"""Who a session cookie belongs to, kept by a server process between requests (`service.principal_for_session`).

Every page asked the database on every view for an answer that changes only when someone signs out, is disabled, or
has their role, province or sessions changed. On PostgreSQL each process keeps the answer until it hears that
`app_user` or `user_session` changed (`kit.changes`; migration 0260 announces every UPDATE, DELETE or TRUNCATE of
them, not an INSERT: a sign-in changes no answer kept) or the session expires. Whatever changes them in this process,
through the ORM or an UPDATE/DELETE statement, moves the process's own count at commit (the session events below),
so the browser it answers next is never shown the old answer; another process hears of it within milliseconds of the
commit. Unknown tokens are never kept; while nobody listens, nothing is.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from jiaoguan.accounts.models import User, UserSession
from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import changes

TABLES = ("app_user", "user_session")
LIMIT = 20_000
# token hash -> (the count of changes it was read at, when the session expires, who it is)
_kept: dict[str, tuple[int, dt.datetime, Principal]] = {}


def heard(session: Session) -> int | None:
    """The count of changes to accounts and sessions this process has heard (None: nothing may be kept now)."""
    return changes.generation(session, *TABLES)


def kept(count: int | None, key: str, now: dt.datetime) -> Principal | None:
    """Who the session of this token hash is, if kept at this count and not expired by `now`."""
    if count is None:
        return None
    found = _kept.get(key)
    return found[2] if found is not None and found[0] == count and now < found[1] else None


def keep(count: int | None, key: str, expires_at: dt.datetime, principal: Principal) -> None:
    if count is None:
        return
    if len(_kept) >= LIMIT:
        _kept.clear()   # a crude bound: a full cache is refilled by the next requests, one query each
    _kept[key] = (count, expires_at, principal)


def sessions_changed(session: Session) -> None:
    """The session changes accounts or browser sessions (signs one out, disables a user, changes a role): what this
    process keeps of them is read again once it commits."""
    changes.changed(session, *TABLES)


# Whatever changes an account or a session, through the ORM or an UPDATE/DELETE statement, says so: no code path
# that changes them has to remember it.
@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: object) -> None:
    if any(isinstance(o, User | UserSession) for o in (*session.dirty, *session.deleted)):
        sessions_changed(session)


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and getattr(state.statement, "table", None) in _TABLE_OBJECTS:
        sessions_changed(state.session)


_TABLE_OBJECTS = (User.__table__, UserSession.__table__)
