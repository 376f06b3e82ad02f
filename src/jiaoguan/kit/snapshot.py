"""A consistent, read-only view of the whole database, for checks and copies that read many tables.

`audit verify` and `backup` read in many statements; under READ COMMITTED each statement would see
a later state than the one before (writers keep committing), which gave false alarms. PostgreSQL
gives one REPEATABLE READ, read-only transaction; SQLite one deferred read transaction, which in WAL
mode keeps its snapshot without blocking writers (the app's own engine begins every transaction
IMMEDIATE, which would take the write lock for the whole read, so readers get an engine of their own).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from jiaoguan.kit.db import get_engine, make_engine
from jiaoguan.kit.settings import get_settings


def _sqlite_reader_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy, not the driver, says where the transaction begins
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_reader(url: str) -> Engine:
    engine = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_reader_pragmas)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    return engine


@contextmanager
def read_snapshot(url: str | None = None) -> Iterator[Session]:
    """A session that sees one committed state of the database for as long as it is open."""
    own_url = get_settings().effective_database_url
    url = url or own_url
    if url.startswith("sqlite"):
        engine = _sqlite_reader(url)
        try:
            with Session(engine) as session, session.begin():
                yield session
        finally:
            engine.dispose()
        return
    borrowed = url == own_url
    engine = get_engine() if borrowed else make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin(), Session(bind=conn) as session:
                yield session
    finally:
        if not borrowed:
            engine.dispose()
