"""Periodic work of the business room (declared in `business/room.py`), run by `jiaoguan worker`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.business.deferral_reminders import remind_deferrals
from jiaoguan.business.inbox import compact_counts, escalate


def sla_escalation(session: Session) -> object:
    return escalate(session)


def deferral_reminders(session: Session) -> object:
    return remind_deferrals(session)


def fold_inbox_counts(session: Session) -> object:
    return compact_counts(session)
