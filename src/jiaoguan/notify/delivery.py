"""Delivering outbox rows: claim, send through the channel, record; retries with back-off.

On PostgreSQL, rows are claimed with FOR UPDATE SKIP LOCKED so several workers share the queue
without sending a message twice; on SQLite there is a single writer anyway.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import is_postgres, unit_of_work
from jiaoguan.kit.outbox import OutboxMessage
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


def _over_cap(session: Session, msg: OutboxMessage, cap: int, now: dt.datetime) -> bool:
    if msg.channel != "sms":
        return False
    sent_last_hour = session.execute(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient == msg.recipient, OutboxMessage.channel == "sms",
            OutboxMessage.status == "sent", OutboxMessage.sent_at > now - dt.timedelta(hours=1))
    ).scalar_one()
    return sent_last_hour >= cap


def deliver_due(session: Session, *, limit: int = 100, cap_per_hour: int = 5) -> int:
    """Deliver up to `limit` due messages in the caller's transaction; return how many were sent."""
    now = utc_now()
    q = (select(OutboxMessage)
         .where(OutboxMessage.channel.in_(CHANNELS), OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now)
         .order_by(OutboxMessage.id).limit(limit))
    if is_postgres(session):
        q = q.with_for_update(skip_locked=True)
    sent = 0
    for msg in session.execute(q).scalars().all():
        if _over_cap(session, msg, cap_per_hour, now):
            # Held back, not dropped: a recipient gets at most `cap` SMS an hour.
            msg.next_attempt_at = now + dt.timedelta(minutes=10)
            log.info("outbox.deliver.capped", extra={"outbox_id": msg.id})
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
