"""Domain events through the outbox: how a lower room reacts to a higher one, and rooms to each other,
without importing upward.

`emit(session, "pass.revoked", {...})` writes one outbox row (channel `event`) per handler that the
installed rooms declare for that event, in the caller's transaction: the event exists if and only if
the change that caused it committed. The worker delivers each row to its handler at least once, in a
transaction of its own; a receipt (handler, event id) written in that same transaction makes a
redelivery a no-op, so handlers see each event once in effect. A handler that raises is retried with
back-off and, after `MAX_ATTEMPTS`, left `dead` with its error for the admin to see and retry.

Events carry plain JSON (ids, codes, dates as ISO text), never ORM objects: the handler reads what
it needs through the emitting room's services, as of when it runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jiaoguan.kit import rooms
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import Base, is_postgres
from jiaoguan.kit.outbox import OutboxMessage, enqueue_new, insert_for_each, new_rows, write_rows
from jiaoguan.kit.prepared import Prepared

log = logging.getLogger("jiaoguan.events")
CHANNEL = "event"
MAX_ATTEMPTS = 8


class EventReceipt(Base):
    """An event a handler has taken in; written in the handler's own transaction."""

    __tablename__ = "event_receipt"

    handler: Mapped[str] = mapped_column(String(80), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    received_at: Mapped[dt.datetime]


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    payload: dict[str, Any]
    occurred_at: dt.datetime


def emit(session: Session, name: str, payload: dict[str, Any], *, province_code: str | None = None) -> Event:
    """Record that something happened, for every handler the installed rooms declare for `name`."""
    event, params, recipients = _new_event(name, payload)
    # Refuses, in the emitter's transaction and not in the worker, what cannot travel. The event's id is new, so
    # its rows need no look-up of their dedupe keys first, and they go in one statement.
    enqueue_new(session, CHANNEL, name, params, recipients, province_code=province_code)
    log.debug("event.emit", extra={"event": name, "event_id": event.id})   # the outbox row is its record
    return event


def _new_event(name: str, payload: dict[str, Any]) -> tuple[Event, dict[str, Any], dict[str, str]]:
    event = Event(uuid.uuid4().hex, name, payload, utc_now())
    params = {"event_id": event.id, "occurred_at": event.occurred_at.isoformat(), "payload": payload}
    return event, params, {h.name: f"event:{event.id}:{h.name}" for h in rooms.all_handlers(name)}


class InsertThenEmit:
    """An `INSERT … ON CONFLICT DO NOTHING RETURNING` and the event the row it inserts causes, if it inserts one.

    On PostgreSQL one statement (`WITH inserted AS (INSERT …), event0 AS (INSERT INTO outbox_message … SELECT …
    FROM inserted) SELECT * FROM inserted`): the row and its event are written together even outside a
    transaction, which is how the scanner's lane runs (passes/lane.py: no BEGIN and COMMIT round trips). On SQLite
    two statements in the caller's transaction. Either way, a row that was there already (the conflict) emits
    nothing. `inserts` holds the statement per dialect name; each runs as a `Prepared`."""

    def __init__(self, inserts: dict[str, Any]) -> None:
        self._inserts = inserts
        self._prepared: dict[tuple[str, int], Prepared] = {}

    def _statement(self, dialect: str, handlers: int) -> Prepared:
        found = self._prepared.get((dialect, handlers))
        if found is None:
            insert = self._inserts[dialect]
            if dialect == "postgresql" and handlers:
                inserted = insert.cte("inserted")
                events = [insert_for_each(inserted, f"event{i}_") for i in range(handlers)]
                found = Prepared(select(*inserted.c).add_cte(*events))
            else:
                found = Prepared(insert)
            self._prepared[(dialect, handlers)] = found
        return found

    def run(self, session: Session, values: dict[str, Any], name: str, payload: dict[str, Any], *,
            province_code: str | None = None) -> tuple[Any, ...] | None:
        """The inserted row, or None when it was there already (and no event was written)."""
        event, params, recipients = _new_event(name, payload)
        rows = new_rows(CHANNEL, name, params, recipients, province_code=province_code)
        dialect = session.get_bind().dialect.name
        statement = self._statement(dialect, len(rows))
        if dialect != "postgresql":
            found = statement.first(session, values)
            if found is not None:
                write_rows(session, rows)
        else:
            bound = dict(values)
            for i, row in enumerate(rows):
                bound.update({f"event{i}_{column}": value for column, value in row.items()})
            found = statement.first(session, bound)
        if found is not None:
            log.debug("event.emit", extra={"event": name, "event_id": event.id})
        return found


def _event_of(msg: OutboxMessage) -> Event:
    params = msg.params
    return Event(params["event_id"], msg.template, params["payload"], dt.datetime.fromisoformat(params["occurred_at"]))


def dispatch_due(session: Session, *, limit: int = 100) -> int:
    """Deliver up to `limit` due events in the caller's transaction; return how many handlers took theirs."""
    now = utc_now()
    q = (select(OutboxMessage)
         .where(OutboxMessage.channel == CHANNEL, OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now)
         .order_by(OutboxMessage.id).limit(limit))
    if is_postgres(session):
        q = q.with_for_update(skip_locked=True)
    handlers = {h.name: h for h in rooms.all_handlers()}
    done = 0
    for msg in session.execute(q).scalars().all():
        handler = handlers.get(msg.recipient)
        try:
            if handler is None:
                raise LookupError(f"no installed room handles {msg.template!r} as {msg.recipient!r}")
            event = _event_of(msg)
            with session.begin_nested():
                if session.get(EventReceipt, (handler.name, event.id)) is None:
                    rooms.resolve(handler.run)(session, event)
                    session.add(EventReceipt(handler=handler.name, event_id=event.id, received_at=now))
                    session.flush()
        except Exception as exc:  # a failing handler must not lose the event nor block the others
            msg.attempts += 1
            msg.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if msg.attempts >= MAX_ATTEMPTS or handler is None:
                msg.status = "dead"
                log.warning("event.dead", extra={"outbox_id": msg.id, "handler": msg.recipient})
            else:
                msg.next_attempt_at = now + dt.timedelta(seconds=15 * 2 ** msg.attempts)
                log.info("event.retry", extra={"outbox_id": msg.id, "handler": msg.recipient})
            continue
        msg.status, msg.sent_at, msg.attempts = "sent", now, msg.attempts + 1
        done += 1
    session.flush()
    return done
