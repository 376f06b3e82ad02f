"""What a server process must notice at once when anyone changes it, without asking the database on every request.

The published measures and the calendar's overrides are read by most pages (every deadline, every working-day
count) and change a few times a year; each page asked the database for them, one round trip each on every view. On
PostgreSQL, statement triggers on their tables announce every change at commit (`NOTIFY jiaoguan_changes`,
migration 0240), whatever wrote it: a page, a command, a restore, psql. Each server process listens on a connection
of its own (`listen`, started with the app) and counts what it hears; a value kept against that count
(`generation`) is good for as long as the count has not moved.

While the listener is not connected (starting, or reconnecting after a failure) `generation` is None and callers
read the database as before; every reconnection moves the count, since a change may have gone unheard. A session
that changed such a table itself (`changed`) reads the database until it ends, and its commit moves its own
process's count at once, so the page a browser is sent to after a change shows it. Another process hears of it
when PostgreSQL delivers the notification, within milliseconds of the commit. SQLite, and sessions off the event
loop (commands, jobs, the tests' sessions), keep nothing between requests.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import weakref
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from jiaoguan.kit.db import is_on_event_loop

log = logging.getLogger("jiaoguan.changes")
CHANNEL = "jiaoguan_changes"
APPLICATION_NAME = "jiaoguan changes"   # the listening connection, as pg_stat_activity shows it
_CHANGED = "jiaoguan.changes.changed"      # session.info: the watched tables this session changed ("*": any)


@dataclass
class _Count:
    generation: int = 0     # moved by every change heard, and by every (re)connection
    listening: bool = False
    since_connected: int = 0   # moved by every (re)connection only
    by_table: dict[str, int] = field(default_factory=dict)   # moved by the changes of that table


_counts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Count] = weakref.WeakKeyDictionary()
# Every move of any loop's count takes the next number, so two loops of one process (a test's clients) never show
# the same generation for different histories.
_moves = itertools.count(1)


def _move(count: _Count, tables: tuple[str, ...] = ()) -> None:
    """A change of `tables` (none: of anything, a connection made or lost)."""
    count.generation = next(_moves)
    if not tables:
        count.since_connected = count.generation
    for table in tables:
        count.by_table[table] = count.generation


def _count() -> _Count | None:
    try:
        return _counts.get(asyncio.get_running_loop())
    except RuntimeError:   # no event loop: a command, a job, a test's thread
        return None


def generation(session: Session, *tables: str) -> int | None:
    """The count of changes heard by this process (of `tables` only, when named), or None when a value kept against it
    cannot be trusted: nobody listening, a session off the event loop, or one that changed a watched table itself.
    Every count is unique to its loop and its history: a value kept against one never matches another's."""
    if session.info.get(_CHANGED) is not None or not is_on_event_loop(session):
        return None
    count = _count()
    if count is None or not count.listening:
        return None
    if not tables:
        return count.generation
    return max(count.since_connected, *(count.by_table.get(t, 0) for t in tables))


def changed(session: Session, *tables: str) -> None:
    """The session changes a watched table (`tables`: which; none named, any): it keeps reading the database, and its
    commit moves this process's count (the trigger's notification tells the other processes)."""
    named = set(tables) or {"*"}
    moved: set[str] = session.info.get(_CHANGED, set())
    if moved.issuperset(named):
        return
    session.info[_CHANGED] = moved | named
    count = _count()
    if count is not None:
        from jiaoguan.kit.audit.chain import after_commit

        after_commit(session, lambda: _move(count, tables))


async def listen(url: str, *, check_every: float = 10.0, retry_after: float = 2.0) -> None:
    """Listen for changes until cancelled, reconnecting after a failure. A connection silent for `check_every`
    seconds is asked a `SELECT 1`, so one that died without a word is found and replaced."""
    import psycopg

    count = _counts.setdefault(asyncio.get_running_loop(), _Count())
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    while True:
        try:
            conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True, application_name=APPLICATION_NAME)
            try:
                await conn.execute(f"LISTEN {CHANNEL}")
                _move(count)      # whatever changed before now was not heard
                count.listening = True
                while True:
                    async for notice in conn.notifies(timeout=check_every):
                        _move(count, (notice.payload,) if notice.payload else ())
                    await conn.execute("SELECT 1")
            finally:
                count.listening = False
                _move(count)
                await conn.close()
        except asyncio.CancelledError:
            raise
        except Exception:   # the database restarting, the network: keep trying, read the database meanwhile
            log.warning("changes.listen.failed", exc_info=True)
        await asyncio.sleep(retry_after)

