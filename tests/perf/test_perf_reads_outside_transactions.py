"""A request's connection reads outside a transaction and opens one at its first statement that needs it
(kit.db: the request engine on PostgreSQL). A page that only reads so sends no BEGIN and no COMMIT; whatever writes,
locks or sets something for its transaction is inside one, from that statement to the commit or the rollback."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.util import greenlet_spawn

from jiaoguan.kit import audit
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.calendar_models import CalendarOverride
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import get_request_sessionmaker, reads_only, writes_stand_alone
from jiaoguan.kit.prepared import Prepared, rows_of_each
from tests.installations import Installation

DAY = dt.date(2031, 5, 6)
_DAY_OF = Prepared(select(CalendarOverride.day, CalendarOverride.name).where(CalendarOverride.day == DAY))


@pytest.mark.parametrize("statement", [
    "SELECT person.id FROM person WHERE person.id = %(id)s",
    "select 1",
    "  SELECT a.x FROM a JOIN b ON b.id = a.b_id ORDER BY a.x LIMIT 10",
])
def test_a_plain_select_reads_outside_a_transaction(statement: str) -> None:
    assert reads_only(statement)


@pytest.mark.parametrize("statement", [
    "INSERT INTO audit_record (at) VALUES (%(at)s) RETURNING audit_record.id",
    "UPDATE api_token SET last_used_at = %(t)s WHERE id = %(id)s",
    "DELETE FROM web_session WHERE expires_at < now()",
    "WITH inserted AS (INSERT INTO checkpoint_scan (lane) VALUES ('1') RETURNING id) SELECT id FROM inserted",
    "SELECT audit_head.id FROM audit_head WHERE audit_head.id = 1 FOR UPDATE SKIP LOCKED",
    "SELECT pass_application.id FROM pass_application WHERE id = 3 FOR NO KEY UPDATE",
    "SELECT t.id FROM t FOR SHARE",
    "SELECT t.id FROM t FOR KEY SHARE",
    "SELECT pg_advisory_xact_lock(%(k)s)",
    "SELECT nextval('figure_seq')",
    "SELECT set_config('search_path', 'x', true)",
    "SET LOCAL synchronous_commit TO OFF",
    "SAVEPOINT sa_savepoint_1",
])
def test_a_write_a_lock_or_a_setting_opens_a_transaction(statement: str) -> None:
    assert not reads_only(statement)


@pytest.fixture()
def request_sessions(installations) -> Iterator[tuple[Installation, Callable[[Callable[[Session], Any]], Any]]]:
    """`run(fn)`: fn(session) on a request session, in a greenlet on an event loop, as a request runs it."""
    inst = installations()
    if not inst.url.startswith("postgresql"):
        pytest.skip("reads outside a transaction: the request engine on PostgreSQL only")

    def run(fn: Callable[[Session], Any]) -> Any:
        async def main() -> Any:
            make = get_request_sessionmaker()

            def body() -> Any:
                with make() as session:
                    return fn(session)
            return await greenlet_spawn(body)
        return asyncio.run(main())

    yield inst, run


def _status(session: Session) -> int:
    """The driver's transaction status: IDLE (no transaction) or INTRANS."""
    return int(session.connection().connection.driver_connection.info.transaction_status)  # type: ignore[union-attr]


IDLE, INTRANS = int(psycopg.pq.TransactionStatus.IDLE), int(psycopg.pq.TransactionStatus.INTRANS)


def _committed(run: Callable[[Callable[[Session], Any]], Any], name: str) -> None:
    """A request that writes the override and commits."""
    def write(session: Session) -> None:
        _override(session, name)
        session.commit()
    run(write)


def _override(session: Session, name: str) -> None:
    session.add(CalendarOverride(day=DAY, working=True, name=name, updated_by="t", updated_at=utc_now()))
    session.flush()


def test_reads_open_no_transaction_and_the_first_write_opens_one_that_rolls_back_whole(request_sessions) -> None:
    _, run = request_sessions

    def reads_then_write_then_fail(session: Session) -> tuple[int, int, int]:
        session.execute(select(CalendarOverride).where(CalendarOverride.day == DAY)).all()
        _DAY_OF.rows(session)
        after_reads = _status(session)
        _override(session, "written then rolled back")
        after_write = _status(session)
        seen_inside = len(_DAY_OF.rows(session))
        session.rollback()
        return after_reads, after_write, seen_inside

    assert run(reads_then_write_then_fail) == (IDLE, INTRANS, 1)
    assert run(lambda s: _DAY_OF.rows(s)) == []


def test_a_write_through_a_prepared_statement_is_in_the_transaction_too(request_sessions) -> None:
    _, run = request_sessions
    insert = Prepared(text("INSERT INTO calendar_override (day, working, name, updated_by, updated_at) "
                           "VALUES (:day, true, 'prepared', 't', now())").bindparams(day=DAY))

    def write_and_fail(session: Session) -> int:
        insert.rows(session)
        status = _status(session)
        session.rollback()
        return status

    assert run(write_and_fail) == INTRANS
    assert run(lambda s: _DAY_OF.rows(s)) == []


def test_a_committed_write_is_kept_and_the_next_request_reads_outside_a_transaction_again(request_sessions) -> None:
    _, run = request_sessions
    _committed(run, "kept")

    def read(session: Session) -> tuple[list[Any], int]:
        return _DAY_OF.rows(session), _status(session)

    assert run(read) == ([(DAY, "kept")], IDLE)


def test_a_locking_read_holds_its_lock_until_the_request_commits(request_sessions) -> None:
    inst, run = request_sessions
    _committed(run, "locked")
    other = inst.engine()

    def lock_then_look(session: Session) -> tuple[int, bool]:
        session.execute(select(CalendarOverride).where(CalendarOverride.day == DAY).with_for_update()).all()
        status = _status(session)
        with other.connect() as conn:
            try:
                conn.execute(text("SELECT day FROM calendar_override WHERE day = :d FOR UPDATE NOWAIT"), {"d": DAY})
                blocked = False
            except Exception as err:   # psycopg's LockNotAvailable, wrapped by SQLAlchemy
                blocked = "could not obtain lock" in str(err)
        session.commit()
        return status, blocked

    try:
        assert run(lock_then_look) == (INTRANS, True)
    finally:
        other.dispose()


def test_a_session_that_asks_for_autocommit_writes_outside_a_transaction(request_sessions) -> None:
    """The checkpoint lane: each of a scan's statements stands alone, its writes included."""
    _, run = request_sessions

    def lane(session: Session) -> tuple[int, bool]:
        writes_stand_alone(session)
        _override(session, "lane")
        status = _status(session)
        session.rollback()    # nothing to roll back: the row committed with its statement
        return status, session.connection().connection.dbapi_connection.autocommit  # type: ignore[union-attr]

    assert run(lane) == (IDLE, True)
    assert run(lambda s: _DAY_OF.rows(s)) == [(DAY, "lane")]
    # The next request on the pool's connection reads outside a transaction and writes inside one, as usual.

    def write_then_fail(session: Session) -> int:
        session.execute(update(CalendarOverride).where(CalendarOverride.day == DAY).values(name="rolled back"))
        status = _status(session)
        session.rollback()
        return status

    assert run(write_then_fail) == INTRANS
    assert run(lambda s: _DAY_OF.rows(s)) == [(DAY, "lane")]


def test_several_reads_in_one_round_trip_give_what_each_gives_alone(request_sessions) -> None:
    """`rows_of_each` (psycopg's pipeline on this path): the same rows in the same order as one statement at a time,
    also for a statement that returns nothing, and inside a transaction it sees that transaction's own writes."""
    _, run = request_sessions
    others = Prepared(select(CalendarOverride.day).where(CalendarOverride.day != DAY).order_by(CalendarOverride.day))
    none = Prepared(select(CalendarOverride.name).where(CalendarOverride.day == dt.date(1999, 1, 1)))

    def compare(session: Session) -> tuple[list[Any], list[Any], int]:
        _override(session, "in this transaction")
        session.add(CalendarOverride(day=DAY + dt.timedelta(days=1), working=False, name="next", updated_by="t",
                                     updated_at=utc_now()))
        session.flush()
        work: list[tuple[Prepared, dict[str, Any] | None]] = [(_DAY_OF, None), (others, None), (none, None)]
        together = rows_of_each(session, work)
        alone = [p.rows(session, params) for p, params in work]
        status = _status(session)
        session.rollback()
        return together, alone, status

    together, alone, status = run(compare)
    assert together == alone == [[(DAY, "in this transaction")], [(DAY + dt.timedelta(days=1),)], []]
    assert status == INTRANS


def test_a_failing_read_among_several_raises_and_the_session_rolls_back(request_sessions) -> None:
    _, run = request_sessions
    broken = Prepared(text("SELECT 1 / 0"))

    def fail(session: Session) -> tuple[str, str]:
        try:
            rows_of_each(session, [(_DAY_OF, None), (broken, None)])
        except DBAPIError as err:   # as SQLAlchemy raises it for its own statements, the driver's as `orig`
            session.rollback()
            return type(err).__name__, type(err.orig).__name__
        return "no error", ""

    assert run(fail) == ("DataError", "DivisionByZero")
    assert run(lambda s: rows_of_each(s, [(_DAY_OF, None), (_DAY_OF, None)])) == [[], []]


# --- a look-up's audit record (kit.audit.record_look_up) -------------------------------------------------------------

def _look_ups(session: Session, summary: str) -> list[Any]:
    return session.execute(select(AuditRecord.summary, AuditRecord.seq.is_not(None))
                           .where(AuditRecord.summary == summary)).all()


def test_a_look_up_record_goes_out_with_the_next_round_trip_and_commits_alone(request_sessions) -> None:
    """A clerk's search: the record waits for the page's next read and goes with it, outside a transaction, so the
    commit has nothing to send; after the commit it is chained as every record is."""
    inst, run = request_sessions

    def search(session: Session) -> tuple[int, int, int]:
        audit.record_look_up(session, "registry.search", "vehicle", "-", "look-up sent with a read")
        waiting = len(session.info.get("jiaoguan.prepared.deferred", []))
        rows_of_each(session, [(_DAY_OF, None), (_DAY_OF, None)])
        status = _status(session)
        session.commit()
        return waiting, len(session.info.get("jiaoguan.prepared.deferred", [])), status

    assert run(search) == (1, 0, IDLE)
    with Session(inst.engine()) as check:
        assert _look_ups(check, "look-up sent with a read") == [("look-up sent with a read", True)]


def test_a_look_up_record_with_no_read_after_it_is_sent_at_the_commit(request_sessions) -> None:
    inst, run = request_sessions

    def search(session: Session) -> None:
        audit.record_look_up(session, "registry.search", "person", "-", "look-up sent at the commit")
        session.commit()

    run(search)
    with Session(inst.engine()) as check:
        assert _look_ups(check, "look-up sent at the commit") == [("look-up sent at the commit", True)]


def test_a_look_up_record_after_a_write_is_in_its_transaction_and_a_rollback_drops_both(request_sessions) -> None:
    inst, run = request_sessions

    def write_look_then_fail(session: Session) -> int:
        _override(session, "written before a look-up")
        audit.record_look_up(session, "registry.view", "person", "1", "look-up after a write")
        rows_of_each(session, [(_DAY_OF, None)])
        status = _status(session)
        session.rollback()
        return status

    assert run(write_look_then_fail) == INTRANS
    with Session(inst.engine()) as check:
        assert _look_ups(check, "look-up after a write") == []
    assert run(lambda s: _DAY_OF.rows(s)) == []


def test_a_look_up_record_not_yet_sent_is_dropped_by_a_rollback(request_sessions) -> None:
    inst, run = request_sessions

    def look_then_fail(session: Session) -> None:
        audit.record_look_up(session, "registry.search", "person", "-", "look-up never sent")
        session.rollback()
        session.commit()

    run(look_then_fail)
    with Session(inst.engine()) as check:
        assert _look_ups(check, "look-up never sent") == []
