"""Rate limits counted in the database: one row per key, a fixed window, taken atomically.

`take(session, key, limit, window)` adds one to the key's count in the current window in a single
`INSERT .. ON CONFLICT DO UPDATE .. WHERE .. RETURNING` statement, so two requests (or two workers, or
two processes) racing for the last unit cannot both get it, and the first use of a key cannot fail
with a unique violation. A refused take changes nothing and says when the window ends.

The row stays locked until the caller's transaction ends (PostgreSQL): keep that transaction short,
and take several keys always in the same order (they are, when each caller lists them alike).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, case, delete, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import Base, UTCDateTime


class RateCounter(Base):
    """How often a key was used in its current window (sends of sign-in codes, SMS to one phone, …)."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[dt.datetime]
    count: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True, slots=True)
class Taken:
    allowed: bool
    count: int
    window_ends: dt.datetime


def upsert(session: Session, model: type[Base]) -> Any:
    """The dialect's INSERT that knows ON CONFLICT (PostgreSQL and SQLite ≥ 3.35 both do, with RETURNING)."""
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


def take(session: Session, key: str, limit: int, window: dt.timedelta, *, now: dt.datetime | None = None) -> Taken:
    """Use one unit of `key` if fewer than `limit` were used in its window (which starts at its first use)."""
    now = now or utc_now()
    at = literal(now, UTCDateTime())
    expired = RateCounter.window_start <= literal(now - window, UTCDateTime())
    stmt = upsert(session, RateCounter).values(key=key, window_start=now, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[RateCounter.key],
        set_={"count": case((expired, 1), else_=RateCounter.count + 1),
              "window_start": case((expired, at), else_=RateCounter.window_start)},
        where=or_(expired, RateCounter.count < limit),
    ).returning(RateCounter.count, RateCounter.window_start)
    row = session.execute(stmt).first() if limit > 0 else None
    if row is not None:
        return Taken(True, row[0], row[1] + window)
    found = session.execute(select(RateCounter.count, RateCounter.window_start)
                            .where(RateCounter.key == key)).first()
    if found is None:  # limit 0: nothing is ever allowed
        return Taken(False, 0, now + window)
    return Taken(False, found[0], found[1] + window)


def forget(session: Session, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete the counters whose window began longer ago than `older_than` (longer than any window in use)."""
    result = session.execute(delete(RateCounter).where(RateCounter.window_start < utc_now() - older_than)
                             .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
