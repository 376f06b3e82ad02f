"""Database engine, declarative base and the unit of work.

Services only `flush()`; whoever owns the unit of work (a request, a CLI command, a worker job)
commits on success and rolls back on failure, so nothing acknowledged is half-written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import re
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Engine,
    MetaData,
    String,
    bindparam,
    create_engine,
    event,
    exc,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import ColumnElement, coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from jiaoguan.kit.settings import get_settings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class bytewise(ColumnElement[str]):  # noqa: N801 - used like a function, as `func.x` and `collate` are
    """Text compared byte by byte (code point order for UTF-8): `expr COLLATE "C"` on PostgreSQL, `expr` on SQLite,
    whose default collation (BINARY) is that order already. A btree on it serves `LIKE 'prefix%'` and an ORDER BY
    of the same expression alike (registry's name search); the database's own collation (zh_CN, en_US, C.UTF-8)
    lets an index serve the LIKE only with text_pattern_ops, which then cannot give the ORDER BY."""

    inherit_cache = True
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement)]

    def __init__(self, expr: Any) -> None:
        self.expr = coercions.expect(roles.ExpressionElementRole, expr)
        self.type = self.expr.type


@compiles(bytewise)
def _bytewise(element: bytewise, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.expr, **kw)


@compiles(bytewise, "postgresql")
def _bytewise_pg(element: bytewise, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.expr, **kw)} COLLATE "C")'


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on both engines (SQLite stores naive text; we re-attach UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime()}


def full_metadata() -> MetaData:
    """Every installed room's tables (Alembic, tests, benchmarks that create tables directly)."""
    from jiaoguan.kit.rooms import load_models

    load_models()
    return Base.metadata


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin: otherwise the driver
    # delays BEGIN and savepoints (nested units of work, rolled-back tests) silently do not nest.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **_pool_options(kwargs))
        event.listen(engine, "connect", _sqlite_pragmas)
        # IMMEDIATE: take the write lock when the transaction starts. Almost every request writes (audit,
        # token use, outbox); a deferred transaction that reads first and writes later fails at once with
        # "database is locked" when another writer got in between, while IMMEDIATE waits (busy_timeout).
        # WAL readers are never blocked by it; PostgreSQL, the production engine, needs none of this.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    engine = create_engine(_psycopg(url), **_pool_options(kwargs))
    _ping_only_after_idle(engine)
    return engine


def _psycopg(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def _ping_only_after_idle(engine: Engine) -> None:
    event.listen(engine, "connect", _mark_checkin)   # a new connection needs no ping either
    event.listen(engine, "checkin", _mark_checkin)
    event.listen(engine, "checkout", functools.partial(_ping_after_idle, engine.dialect))


def _pool_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    if "poolclass" in kwargs:
        return kwargs
    settings = get_settings()
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout, **kwargs}


def connection_slots(engine: Engine) -> int | None:
    """How many requests of one process may hold a session at once so that none ever waits for a connection
    (None: the pool never makes anyone wait). Two connections are left for what takes one beside the requests:
    the audit chainer after a commit, the embedded worker.

    Why requests are counted at all: a request keeps its connection from its first statement to its end, across
    trips to worker threads (the dependencies, the endpoint, the close). Under more concurrent requests than
    the pool holds, the worker threads could all be taken by requests waiting for a connection while every
    connection belonged to a request waiting for a thread: nothing moved until the pool's timeout (measured:
    80 clients on one process, 2.6 pages a second, p95 31 s). `kit.web.get_db` waits for a slot first, on the
    event loop, holding no thread."""
    pool = engine.pool
    if not isinstance(pool, QueuePool) or pool._max_overflow < 0:  # noqa: SLF001 - the pool's own limit
        return None
    return max(1, pool.size() + pool._max_overflow - 2)  # noqa: SLF001


# A pooled connection is pinged before use only when it sat idle this long. `pool_pre_ping` pings on every
# checkout, which is one more round trip per request (and PostgreSQL's work on the same cores) for a connection
# that answered a moment ago. A connection that dies while in use is still detected: SQLAlchemy sees the
# disconnect error, and invalidates it and every connection pooled before it.
PING_AFTER_IDLE_SECONDS = 10.0


def _mark_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_after_idle(dialect: Any, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    idle_since = record.info.get("idle_since")
    if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        alive = dialect.do_ping(dbapi_conn)
    except Exception as err:  # what a dead connection raises depends on the driver and the way it died
        raise exc.InvalidatePoolError() from err  # the pool retries the checkout on a new connection
    if not alive:
        raise exc.InvalidatePoolError()


@cache
def get_engine() -> Engine:
    return make_engine(get_settings().effective_database_url)


@cache
def get_sessionmaker() -> sessionmaker[Session]:
    from jiaoguan.kit.rooms import load_models

    load_models()  # every room's tables, so foreign keys resolve whichever room this process imported
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def get_request_sessionmaker() -> sessionmaker[Session]:
    """The sessions of web requests (kit.web.get_db). On PostgreSQL (unless `database_io_on_event_loop` is off) they
    are bound to psycopg's async driver behind SQLAlchemy's sync facade: the service code stays sync, and runs in a
    greenlet (`kit.web.run_blocking`) that hands each round trip to the event loop and resumes with its result.

    Why: a worker thread that blocks on the database releases the interpreter lock and takes it back on every
    statement, and under load the threads and the event loop pass the lock to each other on every one of those
    hand-overs (measured with `perf`: 13 % of a busy process in futex). A greenlet pauses without a thread switch.
    Commands, jobs and the worker keep the plain engine; the audit chainer that runs after a request's commit uses
    the request's engine, in the request's greenlet (`kit.audit.chain`: the session's bind).

    One engine (and pool) per event loop: an async connection, and the pool's waiting, belong to the loop that
    made them. A server process has one loop; a test may run several at once (one per test client), and with one
    pool among them a request waited for a connection on a loop that was not running it, for ever."""
    settings = get_settings()
    url = settings.effective_database_url
    if url.startswith("sqlite") or not settings.database_io_on_event_loop:
        return get_sessionmaker()
    loop = asyncio.get_running_loop()
    found = _request_sessionmakers.get(loop)
    if found is None or found[0] != url:
        from sqlalchemy.ext.asyncio import create_async_engine

        if found is not None:   # the settings moved to another database (tests): this loop's old pool goes
            found[1].kw["bind"].dispose(close=False)

        engine = create_async_engine(_psycopg(url), **_pool_options({})).sync_engine
        _ping_only_after_idle(engine)
        _reads_outside_transactions(engine)
        get_sessionmaker()   # every room's tables loaded, as for the plain sessions
        found = _request_sessionmakers[loop] = (url, sessionmaker(bind=engine, expire_on_commit=False))
    return found[1]


_request_sessionmakers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[str, sessionmaker[Session]]] = \
    weakref.WeakKeyDictionary()


# --- reads outside a transaction (the request engine on PostgreSQL) -------------------------------------------
#
# A request's connection starts in the driver's autocommit mode and opens its transaction just before its first
# statement that is not a plain read. Under READ COMMITTED every statement takes its own snapshot, in a transaction
# or not, so a read sees the same rows either way; what a transaction adds (atomic writes, row and advisory locks,
# SET LOCAL, rolling back) starts with the statement that needs it, and everything after it is inside. A request that
# only reads (a citizen's records, a queue) so makes two round trips fewer: no BEGIN, no COMMIT (measured: 104 µs of
# CPU for the pair on this machine's driver, a tenth of a records page's database work).
_READS_OUTSIDE = "jiaoguan.reads_outside_transactions"
_PLAIN_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
# A SELECT that locks, or calls a function whose effect belongs to a transaction.
_SELECT_NEEDING_TRANSACTION = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(?:KEY\s+)?SHARE\b|pg_advisory|nextval\s*\(|setval\s*\(|"
    r"set_config\s*\(|pg_notify\s*\(|txid_current|pg_current_xact_id", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def reads_only(statement: str) -> bool:
    """Whether a statement may run outside a transaction with the same effect as inside one: a SELECT that takes no
    lock and calls nothing transactional. Anything else (a write, a CTE, SET, SAVEPOINT, a locking read) opens one."""
    return _PLAIN_SELECT.match(statement) is not None and _SELECT_NEEDING_TRANSACTION.search(statement) is None


def _reads_outside_transactions(engine: Engine) -> None:
    event.listen(engine, "checkout", _autocommit_at_checkout)
    event.listen(engine, "before_cursor_execute", _begin_before_writing)


def _autocommit_at_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    record.info[_READS_OUTSIDE] = True
    if not dbapi_conn.autocommit:   # a transaction of the connection's last user (committed or rolled back by now)
        dbapi_conn.autocommit = True


def _begin_before_writing(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if not reads_only(statement):
        begin_before_writing(conn)


def begin_before_writing(conn: Connection) -> None:
    """The connection leaves autocommit: the driver opens a transaction with the next statement. A no-op when it is in
    one already, on an engine that does not read outside transactions, or when the caller's writes stand alone
    (`writes_stand_alone`)."""
    pooled = conn.connection
    dbapi: Any = pooled.dbapi_connection
    if pooled.info.get(_READS_OUTSIDE) and dbapi.autocommit \
            and not conn.get_execution_options().get(_WRITES_STAND_ALONE):
        dbapi.autocommit = False


_WRITES_STAND_ALONE = "jiaoguan_writes_stand_alone"


def writes_stand_alone(session: Session) -> None:
    """Every statement of the session commits on its own, its writes too (the checkpoint lane: a scan's statements
    are each complete). On the request engine the connection is in autocommit already and stays so; elsewhere
    SQLAlchemy's AUTOCOMMIT isolation level sets it, and the pool sets it back when the connection returns (on the
    request engine the next checkout then set it again: driver calls on every scan for nothing; an A/B showed no
    difference in the scan's rate, 0.985 and 1.025)."""
    if is_on_event_loop(session):
        session.connection(execution_options={_WRITES_STAND_ALONE: True})
    else:
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def is_on_event_loop(session: Session) -> bool:
    """Whether the session's I/O must run in a greenlet on the event loop (`get_request_sessionmaker`)."""
    return bool(session.get_bind().dialect.is_async)


def reset_engine() -> None:
    for _url, make in list(_request_sessionmakers.values()):
        # Closing an async connection needs its event loop, which may be gone: the pool is dropped, its
        # connections left to the collector.
        make.kw["bind"].dispose(close=False)
    _request_sessionmakers.clear()
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A transaction for commands and jobs: commit on success, roll back on any error."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


class comma_joined(FunctionElement[str]):  # noqa: N801 - used like a function
    """The strings of a group joined by commas, in no particular order (`string_agg` / `group_concat`). Not
    SQLAlchemy's `aggregate_strings`: its separator is a literal bound late, which a `Prepared` cannot carry."""

    type = String()
    name = "comma_joined"
    inherit_cache = True


@compiles(comma_joined)
def _comma_joined(element: comma_joined, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


@compiles(comma_joined, "sqlite")
def _comma_joined_sqlite(element: comma_joined, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


class ValueList(TypeDecorator[list[Any]]):
    """A list of values bound as one parameter (`one_of`): an array on PostgreSQL, JSON text on SQLite."""

    impl = String
    cache_ok = True

    def __init__(self, item: Any) -> None:
        super().__init__()
        self.item = item

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            return dialect.type_descriptor(ARRAY(self.item))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        values = list(value or ())
        return values if dialect.name == "postgresql" else json.dumps(values, ensure_ascii=False, default=str)


class one_of(ColumnElement[bool]):  # noqa: N801 - used like a function, as `func.x` and `collate` are
    """`expr IN (the values of one parameter)`, with the list bound as a single value so a statement holding it is
    the same text for any number of values (a `Prepared` can run it): `expr = ANY(:p)` on PostgreSQL, `expr IN
    (SELECT value FROM json_each(:p))` on SQLite. SQLAlchemy's `in_` expands a list into one parameter per value
    when the statement runs."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True   # a condition already: no `= 1` after it on SQLite
    _traverse_internals = [("expr", InternalTraversal.dp_clauseelement),
                           ("values", InternalTraversal.dp_clauseelement)]

    def __init__(self, expr: Any, name: str) -> None:
        self.expr = coercions.expect(roles.ExpressionElementRole, expr)
        self.values = bindparam(name, type_=ValueList(self.expr.type))


@compiles(one_of)
def _one_of(element: one_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.expr, **kw)} = ANY({compiler.process(element.values, **kw)})"


@compiles(one_of, "sqlite")
def _one_of_sqlite(element: one_of, compiler: SQLCompiler, **kw: Any) -> str:
    values = compiler.process(element.values, **kw)
    return f"{compiler.process(element.expr, **kw)} IN (SELECT value FROM json_each({values}))"
