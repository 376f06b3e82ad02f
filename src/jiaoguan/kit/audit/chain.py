"""Writing audit records, and chaining them after commit.

`record()` inserts a row in the caller's transaction and takes no lock, so a 1,000-row batch never
makes a sign-in on another process wait. After the transaction commits, the chainer gives each
record it sees unchained the next chain position (`seq`), the previous record's hash and its own
hash, in a short transaction of its own that locks the single head row. Positions are handed out by
the chainer in the order records become visible to it, not by id: on PostgreSQL ids are taken at
insert and transactions commit in another order, so "every id above the last chained id" would skip
a slow transaction's records for good.

Concurrent chainers never queue: on PostgreSQL the head is taken with SKIP LOCKED and a busy chainer
is simply left to it; records it did not see are chained by the next commit or by the worker's
backstop job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any, Protocol, cast

from sqlalchemy import Engine, Table, bindparam, event, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction, make_transient_to_detached

from jiaoguan.kit.audit.models import GENESIS, AuditHead, AuditRecord
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.context import Actor, current_actor, request_id
from jiaoguan.kit.db import is_on_event_loop
from jiaoguan.kit.ids.masking import scrub
from jiaoguan.kit.prepared import Prepared, rows_of_each, write_with_next_trip

log = logging.getLogger("jiaoguan.audit")
PENDING = "jiaoguan.audit.pending"          # session.info flag: this transaction wrote audit records
AFTER_COMMIT = "jiaoguan.audit.after_commit"  # session.info list: work that may only happen once committed
CHAIN_ON_CLOSE = "jiaoguan.audit.chain_on_close"  # session.info flag: chain once the connection is back in the pool
CHAIN_BATCH = 500


class RecordFields(Protocol):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_role: str
    actor_label: str
    action: str
    object_type: str
    object_id: str
    summary: str
    request_id: str


def fields_of(r: RecordFields) -> dict[str, Any]:
    """What a record's hash covers (its chain position is covered by the link to the previous hash)."""
    return {
        "id": r.id, "at": r.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": r.actor_id, "actor_role": r.actor_role, "actor_label": r.actor_label,
        "action": r.action, "object_type": r.object_type, "object_id": r.object_id,
        "summary": r.summary, "request_id": r.request_id,
    }


def digest(prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def record(session: Session, action: str, object_type: str, object_id: object, summary: str = "", *,
           actor: Actor | None = None) -> AuditRecord:
    """Write one audit record in the caller's transaction, by `actor` (default: who is acting now); it is
    chained after the transaction commits."""
    values = _values(action, object_type, object_id, summary, actor or current_actor())
    session.flush()   # what the caller changed goes first, as when the record was an ORM insert (usually nothing)
    found = _INSERT.first(session, values)
    assert found is not None
    # The written row as a clean ORM object of the session (for a caller that reads or refreshes it): the ORM's
    # insert of one object cost several times the statement (measured on the clerk's search).
    rec = AuditRecord(id=found[0], seq=None, prev_hash=None, hash=None, **values)
    make_transient_to_detached(rec)
    session.add(rec)
    session.info[PENDING] = True
    return rec


def record_look_up(session: Session, action: str, object_type: str, object_id: object, summary: str = "") -> None:
    """The record of a look-up (who searched for what, who opened whose file), by whoever is acting now. A look-up
    changes nothing, so nothing has to commit with its record: on PostgreSQL a request sends it with the page's next
    round trip (`write_with_next_trip`) and, when the request has opened no transaction, it commits by itself (a
    clerk's search made two round trips fewer: its own BEGIN … INSERT and the COMMIT). Elsewhere it is written in the
    caller's transaction at once, as `record` does. Chained after the request's commit, as every record."""
    values = _values(action, object_type, object_id, summary, current_actor())
    write_with_next_trip(session, _INSERT_LOOK_UP, values)
    session.info[PENDING] = True


def _values(action: str, object_type: str, object_id: object, summary: str, actor: Actor) -> dict[str, Any]:
    return {
        "at": utc_now(),  # both engines keep microseconds exactly, so the hash replays
        "actor_id": actor.user_id, "actor_role": actor.role, "actor_label": scrub(actor.label)[:120],
        "action": action, "object_type": object_type, "object_id": scrub(str(object_id))[:80],
        "summary": scrub(summary), "request_id": request_id(),
    }


_COLUMNS = ("at", "actor_id", "actor_role", "actor_label", "action", "object_type", "object_id", "summary",
            "request_id")
_INSERT = Prepared(insert(cast(Table, AuditRecord.__table__)).values({c: bindparam(c) for c in _COLUMNS})
                   .returning(AuditRecord.id))
_INSERT_LOOK_UP = Prepared(insert(cast(Table, AuditRecord.__table__)).values({c: bindparam(c) for c in _COLUMNS}),
                           stands_alone=True, planned_at_once=True)


def after_commit(session: Session, work: Callable[[], object]) -> None:
    """Run `work` once the session's transaction has committed (dropped if it rolls back)."""
    session.info.setdefault(AFTER_COMMIT, []).append(work)


# --- the chainer --------------------------------------------------------------------------------

def _last_chained(session: Session) -> tuple[int, str]:
    row = session.execute(select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.seq.is_not(None))
                          .order_by(AuditRecord.seq.desc()).limit(1)).first()
    return (int(row[0] or 0), str(row[1])) if row is not None else (0, GENESIS)


def _lock_head(session: Session) -> tuple[int, str] | None:
    """(last seq, last hash) of the head row, locked for this transaction; None when another chainer holds it
    (PostgreSQL: SKIP LOCKED; SQLite has no row locks, its transaction holds the database's write lock)."""
    found = _LOCK_HEAD.first(session)
    if found is not None:
        return int(found[0]), str(found[1])
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres and _HEAD_EXISTS.first(session) is not None:
        return None  # it exists: another chainer has it
    # First use (or a database restored without it): the head is where the chain ends.
    last_seq, last_hash = _last_chained(session)
    insert = (postgresql.insert(AuditHead) if postgres else sqlite.insert(AuditHead)).values(
        id=1, last_seq=last_seq, last_hash=last_hash).on_conflict_do_nothing()
    session.execute(insert)
    found = _LOCK_HEAD.first(session)
    return (int(found[0]), str(found[1])) if found is not None else None


def chain_pending(session: Session, limit: int = CHAIN_BATCH, *, durable: bool = True) -> int:
    """Chain up to `limit` committed, unchained records in the caller's (short) transaction; return how many.
    `durable=False`: on PostgreSQL the transaction's commit does not wait for its WAL flush (`chain_now`)."""
    relaxed = not durable and session.get_bind().dialect.name == "postgresql"
    # The head and what is pending, read in one round trip (on the request engine): what is pending is read for
    # nothing when another chainer holds the head, which is rare, since a process runs one chainer at a time.
    locked, pending = rows_of_each(session, [(_LOCK_HEAD_RELAXED if relaxed else _LOCK_HEAD, None),
                                             (_PENDING, {"limit": limit})])
    if locked:
        head: tuple[int, str] | None = (int(locked[0][0]), str(locked[0][1]))
    else:
        head = _lock_head(session)   # held by another chainer, or missing (first use)
        if head is not None:
            pending = _PENDING.rows(session, {"limit": limit})
    if head is None or not pending:
        return 0
    seq, prev = head
    fills: list[dict[str, Any]] = []
    for row in _PENDING.as_objects(pending):
        seq += 1
        h = digest(prev, fields_of(row))
        fills.append({"rid": row.id, "s": seq, "p": prev, "h": h})
        prev = h
    if len(fills) > 1 and not is_on_event_loop(session):
        session.execute(_FILL.statement, fills)   # the driver's executemany
        _MOVE_HEAD.rows(session, {"s": seq, "h": prev})
    else:   # on the request engine: every fill and the head's move in one round trip
        rows_of_each(session, [*((_FILL, fill) for fill in fills), (_MOVE_HEAD, {"s": seq, "h": prev})])
    return len(fills)


# The chainer's statements, built once and run as `Prepared`: it runs after every audited request's commit, and
# the ORM's execution and flush of the head cost more than its round trips.
_RECORDS = cast(Table, AuditRecord.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_LOCK_HEAD = Prepared(select(_HEAD.c.last_seq, _HEAD.c.last_hash).where(_HEAD.c.id == 1)
                      .with_for_update(skip_locked=True))
# PostgreSQL's head lock for `chain_now`, which also sets what `SET LOCAL synchronous_commit TO OFF` did, in the same
# statement: one round trip fewer for every chaining transaction.
_LOCK_HEAD_RELAXED = Prepared(select(_HEAD.c.last_seq, _HEAD.c.last_hash,
                                func.set_config("synchronous_commit", "off", True))
                         .where(_HEAD.c.id == 1).with_for_update(skip_locked=True))
_HEAD_EXISTS = Prepared(select(_HEAD.c.id).where(_HEAD.c.id == 1))
_PENDING = Prepared(select(_RECORDS).where(_RECORDS.c.seq.is_(None)).order_by(_RECORDS.c.id)
                    .limit(bindparam("limit")))
_FILL = Prepared(update(_RECORDS).where(_RECORDS.c.id == bindparam("rid"), _RECORDS.c.seq.is_(None))
                 .values(seq=bindparam("s"), prev_hash=bindparam("p"), hash=bindparam("h")))
_MOVE_HEAD = Prepared(update(_HEAD).where(_HEAD.c.id == 1).values(last_seq=bindparam("s"), last_hash=bindparam("h")))


def chain_now(engine: Engine, *, limit: int = CHAIN_BATCH, rounds: int = 20) -> int:
    """Chain what is pending, each batch in its own short transaction; stop when a batch comes back short."""
    total = 0
    for _ in range(rounds):
        with Session(engine) as session, session.begin():
            # Not durable: on PostgreSQL `chain_pending` sets synchronous_commit off for this transaction as it
            # locks the head. The fill is derived data: lost in a crash, the next chainer computes it again from the
            # records, which committed durably before. So it need not wait for its own WAL flush (a second fsync on
            # every audited request). A checkpoint signs only what a later, durable commit follows.
            done = chain_pending(session, limit, durable=False)
        total += done
        if done < limit:
            break
    return total


def chain_job(session: Session) -> int:
    """The worker's backstop: chain whatever the after-commit chainers left (a busy head, a crash)."""
    return chain_pending(session, 5000)


def pending_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditRecord)
                               .where(AuditRecord.seq.is_(None))).scalar_one())


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the transaction around it has not committed yet
    wrote = session.info.pop(PENDING, False)
    work: list[Callable[[], object]] = session.info.pop(AFTER_COMMIT, [])
    bind = session.get_bind()
    # A session bound to a connection belongs to an outer transaction (a test's): nothing is committed yet.
    if not isinstance(bind, Engine):
        return
    for item in work:
        try:
            item()
        except Exception:  # the change is committed; what follows must not turn it into an error
            log.warning("audit.after_commit.failed", exc_info=True)
    if wrote:
        session.info[CHAIN_ON_CLOSE] = True


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Chained once the committed transaction has handed its connection back to the pool, never while it still
    # holds it: a chainer that took a second connection per request would exhaust the pool under load (every
    # connection held by a request waiting for another one, until the pool's timeout).
    if transaction.parent is not None or not session.info.pop(CHAIN_ON_CLOSE, False):
        return
    bind = session.get_bind()
    if not isinstance(bind, Engine):
        return
    try:
        _chain_coalesced(bind)
    except Exception:  # the worker's backstop job chains it later
        log.warning("audit.chain.failed", exc_info=True)


class _Chainer:
    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.running = False
        self.again = False


_chainers: weakref.WeakKeyDictionary[Engine, _Chainer] = weakref.WeakKeyDictionary()
_chainers_guard = threading.Lock()
#: Rounds one request's thread runs for others before it goes back to its own client; what is left then is chained
#: by the next commit or the worker's job, as after a skip (a busy server must not keep one request chaining).
MAX_ROUNDS = 4


def _chain_coalesced(engine: Engine) -> None:
    """One chainer per process (and engine) at a time. A commit made while one runs does not start a second (two
    would only find each other's rows, or the head locked): it asks the running one for one more round, which sees
    the new records, since they committed before it starts. So every committed record is chained by the time the
    chainer of its process stops, and a busy server runs one short chaining transaction for many requests."""
    with _chainers_guard:
        chainer = _chainers.get(engine)
        if chainer is None:
            chainer = _chainers[engine] = _Chainer()
    with chainer.guard:
        if chainer.running:
            chainer.again = True
            return
        chainer.running = True
    rounds = 0
    try:
        while True:
            rounds += 1
            chain_now(engine)
            with chainer.guard:
                if not chainer.again or rounds >= MAX_ROUNDS:
                    chainer.running = chainer.again = False
                    return
                chainer.again = False
    except BaseException:
        with chainer.guard:
            chainer.running = chainer.again = False
        raise


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, *_: object) -> None:
    session.info.pop(AFTER_COMMIT, None)
