"""The outbox: messages are rows written in the same transaction as the change that causes them.

A worker (`kit.worker`: notify's channels, the event dispatcher) delivers them afterwards, so a
message is sent if and only if its change committed. `dedupe_key` makes enqueueing idempotent: the
same reminder for the same deadline is written once however often a sweep runs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, cast

from sqlalchemy import (
    CTE,
    BigInteger,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy import cast as cast_to
from sqlalchemy.orm import Mapped, Session, mapped_column

from jiaoguan.kit import rooms
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import Base
from jiaoguan.kit.prepared import Prepared

CHANNELS = ("sms", "inapp", "event")
STATUSES = ("pending", "sent", "dead", "superseded")
# A delivery that failed: the admin's list. The same text in the partial index and the query (a bound parameter
# would keep PostgreSQL from proving the index serves the query).
PROBLEM = "status = 'dead' OR (status = 'pending' AND attempts > 0)"
# The admin's counts stop here: sent messages pile up for good, and a backlog is when the page is opened.
COUNT_CAP = 1_000
# Lower is sooner: a sign-in code someone waits for goes ahead of reminders sent in bulk.
URGENT, NORMAL, BULK = 0, 5, 9  # the nightly sweep's reminders are BULK


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      Index("ix_outbox_channel_status", "channel", "status"),
                      Index("ix_outbox_problems", "id", postgresql_where=text(PROBLEM), sqlite_where=text(PROBLEM)))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[dt.datetime]
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(80), index=True)  # phone for sms, user id for inapp
    template: Mapped[str] = mapped_column(String(80))
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|dead|superseded
    # No Python default: set-based writers (the deadline sweep) INSERT .. SELECT and get the server default.
    priority: Mapped[int] = mapped_column(SmallInteger, server_default=str(NORMAL))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    province_code: Mapped[str | None] = mapped_column(String(2))

    @property
    def params(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.params_json)
        return value


def enqueue(session: Session, channel: str, recipient: str, template: str, params: dict[str, Any] | None = None,
            *, dedupe_key: str | None = None, province_code: str | None = None,
            not_before: dt.datetime | None = None, priority: int = NORMAL, new_key: bool = False,
            flush: bool = True) -> OutboxMessage | None:
    """Write a message to be delivered after commit; returns None if `dedupe_key` was already used.

    `new_key`: the caller made the key just now (an event's own id), so it cannot have been used and is not looked
    up (the unique constraint still guards it). `flush=False` leaves the row to the caller's next flush, so that
    several messages written together go to the database in one statement."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if channel != "event":
        _check_template(template, params or {})
    if dedupe_key is not None and not new_key:
        exists = session.execute(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        ).first()
        if exists:
            return None
    now = utc_now()
    msg = OutboxMessage(
        created_at=now, channel=channel, recipient=recipient, template=template,
        params_json=json.dumps(params or {}, ensure_ascii=False, sort_keys=True),
        dedupe_key=dedupe_key, status="pending", attempts=0, next_attempt_at=not_before or now,
        province_code=province_code, priority=priority,
    )
    session.add(msg)
    if flush:
        session.flush()
    return msg


# Built once: events are written on hot paths (every checkpoint scan), see accounts.service on prepared statements.
_INSERT = insert(cast(Table, OutboxMessage.__table__))
_COLUMNS = ("created_at", "channel", "recipient", "template", "params_json", "dedupe_key", "status", "attempts",
            "next_attempt_at", "province_code", "priority")
_INSERT_ONE = Prepared(_INSERT.values({column: bindparam(column) for column in _COLUMNS}))


def enqueue_new(session: Session, channel: str, template: str, params: dict[str, Any],
                recipients: dict[str, str], *, province_code: str | None = None) -> None:
    """`enqueue` of one message to each recipient (recipient -> its dedupe key) whose dedupe keys were just made
    unique (an event's fresh id): nothing to look up first, and plain rows, no ORM objects, in one statement.
    The keys stay unique in the table, so a key that was not new after all fails the transaction, never doubles."""
    write_rows(session, new_rows(channel, template, params, recipients, province_code=province_code))


def write_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert rows made by `new_rows`, in the caller's transaction."""
    if len(rows) == 1:   # the usual case (one handler): the driver straight, no executemany set-up
        _INSERT_ONE.rows(session, rows[0])
    elif rows:
        session.connection().execute(_INSERT, rows)


def new_rows(channel: str, template: str, params: dict[str, Any], recipients: dict[str, str], *,
             province_code: str | None = None) -> list[dict[str, Any]]:
    """The rows `enqueue_new` writes, as column -> value (for a statement that writes them with another row)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    text = json.dumps(params, ensure_ascii=False, sort_keys=True)
    now = utc_now()
    return [{"created_at": now, "channel": channel, "recipient": recipient, "template": template, "params_json": text,
             "dedupe_key": key, "status": "pending", "attempts": 0, "next_attempt_at": now,
             "province_code": province_code, "priority": NORMAL}
            for recipient, key in recipients.items()]


def insert_for_each(inserted: CTE, prefix: str) -> CTE:
    """`INSERT INTO outbox_message … SELECT <one row of parameters> FROM inserted`, as a CTE: one message for each
    row the `inserted` CTE (an INSERT … RETURNING) wrote, none when it wrote none. Its parameters are the columns
    of `new_rows` named `<prefix><column>`."""
    table = cast(Table, OutboxMessage.__table__)
    values = select(*[cast_to(bindparam(prefix + column), table.c[column].type) for column in _COLUMNS]
                    ).select_from(inserted)
    return insert(table).from_select(list(_COLUMNS), values).cte(prefix.rstrip("_"))


_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _check_template(template: str, params: dict[str, Any]) -> None:
    """Refuse, when it is written, a message that could not be rendered when it is sent: an undeclared template, or
    parameters that leave a placeholder of its title or body empty (`x_msgid` fills `%(x)s`, see notify.templates)."""
    known = rooms.all_templates()
    if template not in known:
        raise ValueError(f"no installed room declares the message template {template!r}")
    title, body = known[template]
    given = {k.removesuffix("_msgid") for k in params}
    missing = sorted(set(_PLACEHOLDER.findall(title + body)) - given)
    if missing:
        raise ValueError(f"message template {template!r} needs the parameters {', '.join(missing)}")


def supersede(session: Session, channel: str, recipient: str, template: str) -> int:
    """Collapse the messages of this template to this recipient not sent yet (an older sign-in code, void once a
    new one is issued): they are never delivered. Returns how many."""
    result = session.execute(
        update(OutboxMessage).where(OutboxMessage.channel == channel, OutboxMessage.recipient == recipient,
                                    OutboxMessage.template == template, OutboxMessage.status == "pending")
        .values(status="superseded").execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def requeue(session: Session, outbox_id: int) -> OutboxMessage | None:
    """Put a dead or failing delivery back in the queue (the admin's retry); None if there is nothing to retry."""
    msg = session.get(OutboxMessage, outbox_id)
    if msg is None or msg.status == "sent":
        return None
    msg.status, msg.attempts, msg.next_attempt_at = "pending", 0, utc_now()
    session.flush()
    return msg


def problems(session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Deliveries that failed or died, newest first (`ix_outbox_problems`: none of the sent or waiting is read)."""
    return list(session.execute(select(OutboxMessage).where(text(PROBLEM)).order_by(OutboxMessage.id.desc())
                                .limit(limit)).scalars())


def status_counts(session: Session) -> list[tuple[str, str, int, bool]]:
    """(channel, status, count, more than COUNT_CAP) of every pair that has messages. Each count reads at most
    COUNT_CAP + 1 entries of `ix_outbox_channel_status`: a full count grew with the table (52,459 messages: 33 ms on
    PostgreSQL, the page's slowest part) and the table only grows. A cap of 10,000 still left the page at 42 ms (p50)
    with 20,241 events waiting and the table's statistics older than them (no autovacuum): 1,000 tells an
    administrator as much ("more than 1000") for a tenth of the reading."""
    def capped(channel: str, status: str) -> Any:
        some = select(OutboxMessage.id).where(OutboxMessage.channel == channel, OutboxMessage.status == status) \
            .limit(COUNT_CAP + 1).subquery()
        return select(literal(channel), literal(status), select(func.count()).select_from(some).scalar_subquery())
    rows = session.execute(union_all(*(capped(c, s) for c in CHANNELS for s in STATUSES))).all()
    return [(c, s, min(n, COUNT_CAP), n > COUNT_CAP) for c, s, n in rows if n]
