"""What the channels delivered, as the shell's pages read it: the development SMS log and a user's in-app
messages, shown in the reader's language."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.notify.models import DevSms, InAppMessage
from jiaoguan.notify.templates import render


@dataclass(frozen=True, slots=True)
class SentSms:
    sent_at: dt.datetime
    phone: str
    body: str


@dataclass(frozen=True, slots=True)
class InboxMessage:
    id: int
    created_at: dt.datetime
    title: str
    body: str
    read: bool


def recent_dev_sms(session: Session, limit: int = 100) -> list[SentSms]:
    rows = session.execute(select(DevSms).order_by(DevSms.id.desc()).limit(limit)).scalars()
    return [SentSms(r.sent_at, r.phone, r.body) for r in rows]


def inbox(session: Session, user_id: int, locale: str, limit: int = 100) -> list[InboxMessage]:
    """A user's in-app messages, newest first, each rendered again in `locale` when its template is known."""
    rows = session.execute(select(InAppMessage).where(InAppMessage.user_id == user_id)
                           .order_by(InAppMessage.id.desc()).limit(limit)).scalars()
    found = []
    for r in rows:
        title, body = r.title, r.body
        if r.template:
            # A template no installed room declares any more: show what was delivered.
            with contextlib.suppress(KeyError):
                title, body = render(r.template, json.loads(r.params_json or "{}"), locale)
        found.append(InboxMessage(r.id, r.created_at, title, body, r.read_at is not None))
    return found


def mark_read(session: Session, user_id: int, now: dt.datetime) -> int:
    """Mark every unread message of the user as read; return how many."""
    rows = session.execute(select(InAppMessage).where(InAppMessage.user_id == user_id,
                                                      InAppMessage.read_at.is_(None))).scalars().all()
    for r in rows:
        r.read_at = now
    session.flush()
    return len(rows)
