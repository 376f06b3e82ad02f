"""The event handler that keeps the figures; idempotent by the receipt the dispatcher writes with it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.events import Event
from jiaoguan.stats.catalog import tally
from jiaoguan.stats.counters import apply


def count(session: Session, event: Event) -> None:
    """Add one fact (a domain event of the stats contract) to the figures; its day defaults to when it
    happened, in Beijing."""
    apply(session, tally(event.name, event.payload, event.occurred_at.astimezone(CHINA_TZ).date()))
