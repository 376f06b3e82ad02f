"""`Prepared`: a Core statement compiled once and run straight on the session's DBAPI connection, and
`rows_of_each`: several of them in one round trip. For the statements every request of a hot path runs."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from sqlalchemy import Connection, event, exc
from sqlalchemy.orm import Session

from jiaoguan.kit.db import begin_before_writing, is_on_event_loop, reads_only

_CURSOR = "jiaoguan.prepared_cursor"
_DEFERRED = "jiaoguan.prepared.deferred"   # session.info: writes waiting for the session's next round trip


def _as_sqlalchemy_error(connection: Connection, sql: str, values: Any, err: Exception, base: type) -> Exception:
    """The driver's error as SQLAlchemy raises it for its own statements (`IntegrityError`, `OperationalError`, …
    with the driver's as `.orig`): a caller catching those must not miss a `Prepared` statement's."""
    return exc.DBAPIError.instance(sql, values, err, base, dialect=connection.dialect)


def _cursor_of(pooled: Any) -> Any:
    """One cursor per DBAPI connection, kept with it in the pool (making one per statement cost a tenth of a
    `Prepared` run). A connection is used by one request (its thread or greenlet) at a time, and so is its cursor."""
    # The DBAPI connection, not the driver's: with the async driver it is SQLAlchemy's adapter, whose cursor
    # waits for each round trip in the request's greenlet (the driver's own cursor would return coroutines).
    driver = pooled.dbapi_connection
    kept = pooled.info.get(_CURSOR)
    if kept is None or kept[0] is not driver:
        kept = pooled.info[_CURSOR] = (driver, driver.cursor())
    return kept[1]


class Prepared:
    """A Core statement compiled once per dialect and run straight on the session's DBAPI connection.

    For the few statements every request of a hot path runs (the session or device-token lookup, the scanner's
    checkpoint and pass lookups): SQLAlchemy's execution layer (cache key, parameter and result set-up, events)
    costs about as much CPU per statement as the driver's round trip itself (measured: 124 µs against 59 µs for
    a one-row select on PostgreSQL). The statement is still written with SQLAlchemy, its parameters and results
    still pass through the column types' processors (UTC datetimes on SQLite), and it runs in the session's
    transaction. Rows come back as plain tuples. Not seen by engine events (`before_cursor_execute`, echo).

    `stands_alone`: a write that is complete by itself and need not commit with anything else the request does (the
    audit record of a look-up). Run by a request on PostgreSQL before anything opened a transaction, it commits on
    its own, with no BEGIN and no COMMIT; after something did, it joins that transaction, as any write.

    `planned_at_once`: PostgreSQL plans it in microseconds (a look-up by a key or a short list of keys, no join or
    subquery), so `rows_of_each` may send it in one simple query with others (`_batched`) instead of a pipeline of
    prepared statements (see there)."""

    __slots__ = ("statement", "stands_alone", "planned_at_once", "_by_dialect", "_row_class")

    def __init__(self, statement: Any, *, stands_alone: bool = False, planned_at_once: bool = False) -> None:
        self.statement = statement
        self.stands_alone = stands_alone
        self.planned_at_once = planned_at_once
        self._by_dialect: dict[str, tuple[str, dict[str, Any], dict[str, Any], list[str] | None, list[Any], bool]] = {}
        self._row_class: Any = None

    def _compiled(self, dialect: Any) -> tuple[str, dict[str, Any], dict[str, Any], list[str] | None, list[Any], bool]:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            defaults = dict(compiled.construct_params(_check=False))
            binds = dict(compiled._bind_processors)
            results = [entry[3]._cached_result_processor(dialect, None) for entry in compiled._result_columns]
            positions = list(compiled.positiontup) if compiled.positional else None
            found = (compiled.string, defaults, binds, positions, results, reads_only(compiled.string))
            self._by_dialect[dialect.name] = found
        return found

    def _bound(self, connection: Connection, params: dict[str, Any] | None) -> tuple[str, Any, list[Any]]:
        """(SQL, its parameters as the driver takes them, the result processors); opens the transaction first when
        the statement needs one (`begin_before_writing`)."""
        sql, defaults, binds, positions, results, reads = self._compiled(connection.dialect)
        values = {**defaults, **params} if params else dict(defaults)
        for name, process in binds.items():
            values[name] = process(values[name])
        if not reads and not self.stands_alone:
            begin_before_writing(connection)
        return sql, values if positions is None else [values[name] for name in positions], results

    @staticmethod
    def _shaped(results: list[Any], fetched: list[Any]) -> list[tuple[Any, ...]]:
        if not any(results):
            return [tuple(row) for row in fetched]
        return [tuple(v if p is None else p(v) for p, v in zip(results, row, strict=True)) for row in fetched]

    def rows(self, session: Session, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        connection = session.connection()
        sql, values, results = self._bound(connection, params)
        cursor = _cursor_of(connection.connection)
        dbapi_error = connection.dialect.loaded_dbapi.Error
        try:
            cursor.execute(sql, values)
            # Not `cursor.description`: psycopg builds a column object per column each time it is read.
            fetched = cursor.fetchall() if results else []
        except dbapi_error as err:
            raise _as_sqlalchemy_error(connection, sql, values, err, dbapi_error) from err
        return self._shaped(results, fetched)

    def objects(self, session: Session, params: dict[str, Any] | None = None) -> list[Any]:
        """The rows as named tuples with the selected columns' names: read-only stand-ins for ORM objects, for a
        page that only reads their columns (no relationships, no identity map, nothing to flush)."""
        return self.as_objects(self.rows(session, params))

    def as_objects(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        """`objects` of rows this statement returned (`rows_of_each`)."""
        if self._row_class is None:
            names = [column.key for column in self.statement.selected_columns]
            self._row_class = namedtuple(f"Row_{'_'.join(names[:2])}", names)  # type: ignore[misc]
        make = self._row_class._make
        return [make(row) for row in rows]

    def first(self, session: Session, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
        found = self.rows(session, params)
        return found[0] if found else None


def rows_of_each(session: Session, work: list[tuple[Prepared, dict[str, Any] | None]]) -> list[list[tuple[Any, ...]]]:
    """The rows of several `Prepared` statements, in order. On the event-loop path (PostgreSQL's async driver) they go
    out together in one round trip, psycopg's pipeline mode (measured on this machine: four one-row selects took
    173 µs of CPU together against 321 µs one after the other); elsewhere one after the other."""
    deferred: list[tuple[Prepared, dict[str, Any] | None]] = session.info.pop(_DEFERRED, [])
    if deferred:
        return rows_of_each(session, deferred + work)[len(deferred):]
    connection = session.connection()
    if len(work) < 2 or not connection.dialect.is_async:
        return [prepared.rows(session, params) for prepared, params in work]
    from sqlalchemy.util import await_only

    bound = [prepared._bound(connection, params) for prepared, params in work]  # noqa: SLF001 - the same module
    driver: Any = connection.connection.driver_connection
    import psycopg

    statements = [(sql, values, bool(results)) for sql, values, results in bound]
    # One simple query when each statement is planned at once and no BEGIN must go first (psycopg would send it in a
    # round trip of its own outside a pipeline).
    batch = all(prepared.planned_at_once for prepared, _ in work) and (
        driver.autocommit or driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)
    try:
        fetched = await_only(_batched(driver, statements) if batch else _pipelined(driver, statements))
    except psycopg.Error as err:
        raise _as_sqlalchemy_error(connection, bound[0][0], bound[0][1], err, psycopg.Error) from err
    return [Prepared._shaped(results, rows) for (_, _, results), rows in zip(bound, fetched, strict=True)]


async def _pipelined(driver: Any, statements: list[tuple[str, Any, bool]]) -> list[list[Any]]:
    cursors = []
    async with driver.pipeline():
        for sql, values, _ in statements:
            cursor = driver.cursor()
            await cursor.execute(sql, values)
            cursors.append(cursor)
    # The pipeline's end waited for every result: fetching reads them from memory.
    found = [await cursor.fetchall() if returns else [] for cursor, (_, _, returns) in
             zip(cursors, statements, strict=True)]
    for cursor in cursors:
        await cursor.close()
    return found


async def _batched(driver: Any, statements: list[tuple[str, Any, bool]]) -> list[list[Any]]:
    """The statements as one simple query, their values bound by psycopg on this side (`mogrify`: quoted by libpq's
    own escaping), the results read one after the other (`nextset`).

    A pipeline sends each statement as a prepared one, and psycopg's pipeline works for each: a conversion, a
    communication step, a result to match, and a wait on the event loop at its end. For a citizen's records (five
    look-ups by one key) that work was a fifth of the page's CPU; one text and one wait cost less than PostgreSQL's
    planning of the five again (A/B: records +10 %). Not for statements with joins or subqueries: the issuer's queue
    lost 9 % this way, its planning costing PostgreSQL more than the pipeline costs here. Several statements of one
    simple query run in one implicit transaction when the connection is in autocommit: they stand or fall together."""
    import psycopg

    cursor = psycopg.AsyncClientCursor(driver)
    try:
        await cursor.execute("; ".join(cursor.mogrify(sql, values) for sql, values, _ in statements))
        found: list[list[Any]] = []
        for index, (_, _, returns) in enumerate(statements):
            if index:
                cursor.nextset()
            found.append(await cursor.fetchall() if returns else [])
        return found
    finally:
        await cursor.close()


# --- writes that go out with the next round trip ---------------------------------------------------------------

def write_with_next_trip(session: Session, prepared: Prepared, params: dict[str, Any] | None = None) -> None:
    """A write nobody reads the result of (the audit record of a look-up), sent with the session's next
    `rows_of_each` round trip, or before the session commits if none comes: a clerk's search writes its record in the
    same round trip as it reads the owners of what it found, not in one of its own. On the request engine (PostgreSQL,
    `kit.db.get_request_sessionmaker`); elsewhere it runs at once. A rollback drops it, as it drops any write."""
    if not is_on_event_loop(session):
        prepared.rows(session, params)
        return
    session.connection()   # the session's transaction has begun, so a rollback of it drops this write too
    session.info.setdefault(_DEFERRED, []).append((prepared, params))


def send_deferred(session: Session) -> None:
    """Send what `write_with_next_trip` left waiting (before a commit; a caller about to read what it wrote)."""
    if session.info.get(_DEFERRED):
        rows_of_each(session, [])


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    send_deferred(session)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, *_: object) -> None:
    session.info.pop(_DEFERRED, None)
