"""Delivering outbox rows: claim, send through the channel, record; retries with back-off.

On PostgreSQL, rows are claimed with FOR UPDATE SKIP LOCKED so several workers share the queue
without sending a message twice; on SQLite there is a single writer anyway.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import is_postgres, unit_of_work
from jiaoguan.kit.limits import take
from jiaoguan.kit.outbox import URGENT, OutboxMessage
from jiaoguan.kit.settings import get_settings
from jiaoguan.notify.models import DevSms, InAppMessage
from jiaoguan.notify.templates import render

log = logging.getLogger("jiaoguan.notify")
MAX_ATTEMPTS = 8
CHANNELS = ("sms", "inapp")  # the outbox's other channel, "event", is dispatched by kit.events


class DeliveryError(Exception):
    """A channel could not deliver a message; the outbox row is retried later."""


def _send(session: Session, msg: OutboxMessage) -> None:
    title, body = render(msg.template, msg.params)
    now = utc_now()
    if msg.channel == "sms":
        if session.execute(select(DevSms.id).where(DevSms.outbox_id == msg.id)).first() is None:
            session.add(DevSms(outbox_id=msg.id, phone=msg.recipient, body=body, sent_at=now))
    elif msg.channel == "inapp":
        if not msg.recipient.isdigit():
            raise DeliveryError(f"in-app recipient must be a user id, got {msg.recipient!r}")
        if session.execute(select(InAppMessage.id).where(InAppMessage.outbox_id == msg.id)).first() is None:
            session.add(InAppMessage(outbox_id=msg.id, user_id=int(msg.recipient), title=title, body=body,
                                     template=msg.template, params_json=msg.params_json, created_at=now))
    else:
        raise DeliveryError(f"unknown channel {msg.channel!r}")


def _hold_if_capped(session: Session, msg: OutboxMessage, cap: int, now: dt.datetime) -> bool:
    """Count an SMS against its phone's hourly cap in the database (shared by every worker and process); when
    the phone has had its share, move *all* its waiting SMS to the hour's end in one statement, so a flood to one
    phone leaves the due queue at once instead of being scanned again batch after batch. Sign-in codes are
    limited when they are asked for (accounts) and never wait here."""
    if msg.channel != "sms" or msg.priority <= URGENT:
        return False
    taken = take(session, "notify.sms:" + msg.recipient, cap, dt.timedelta(hours=1), now=now)
    if taken.allowed:
        return False
    waiting = (select(OutboxMessage.id)
               .where(OutboxMessage.channel == "sms", OutboxMessage.recipient == msg.recipient,
                      OutboxMessage.status == "pending", OutboxMessage.priority > URGENT,
                      OutboxMessage.next_attempt_at < taken.window_ends))
    if is_postgres(session):
        # Rows another worker holds are that worker's to hold back; waiting for them could deadlock on the cap row.
        waiting = waiting.with_for_update(skip_locked=True)
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(waiting.scalar_subquery()))
                    .values(next_attempt_at=taken.window_ends).execution_options(synchronize_session=False))
    log.info("outbox.deliver.capped", extra={"outbox_id": msg.id})
    return True


def deliver_due(session: Session, *, limit: int = 100, cap_per_hour: int = 5) -> int:
    """Deliver up to `limit` due messages in the caller's transaction, most urgent first; return how many were
    sent. A phone over its cap holds its messages back to the end of its hour (held, not dropped)."""
    now = utc_now()
    q = (select(OutboxMessage)
         .where(OutboxMessage.channel.in_(CHANNELS), OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now)
         .order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit))
    if is_postgres(session):
        q = q.with_for_update(skip_locked=True)
    sent = 0
    capped: set[str] = set()
    for msg in session.execute(q).scalars().all():
        if msg.channel == "sms" and msg.priority > URGENT and msg.recipient in capped:
            continue  # already moved to its hour's end with the rest of its phone's messages
        if _hold_if_capped(session, msg, cap_per_hour, now):
            capped.add(msg.recipient)
            continue
        try:
            with session.begin_nested():
                _send(session, msg)
        except Exception as exc:  # a channel failure must not lose the message
            msg.attempts += 1
            msg.last_error = str(exc)[:500]
            if msg.attempts >= MAX_ATTEMPTS:
                msg.status = "dead"
                log.warning("outbox.deliver.dead", extra={"outbox_id": msg.id})
            else:
                msg.next_attempt_at = now + dt.timedelta(seconds=30 * 2 ** msg.attempts)
                log.info("outbox.deliver.retry", extra={"outbox_id": msg.id})
            continue
        msg.status, msg.sent_at, msg.attempts = "sent", now, msg.attempts + 1
        sent += 1
    session.flush()
    return sent


def deliver_once(limit: int = 200) -> int:
    """The worker's pump: deliver what is due in a transaction of its own."""
    with unit_of_work() as session:
        return deliver_due(session, limit=limit, cap_per_hour=get_settings().sms_cap_per_hour)
