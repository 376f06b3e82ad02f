"""Event handlers that keep the figures; each is idempotent by the event receipt the dispatcher writes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.events import Event
from jiaoguan.stats.counters import add


def count_pass_revoked(session: Session, event: Event) -> None:
    """特事特办 figures: passes revoked per province and day (the day it happened, in Beijing)."""
    day = event.occurred_at.astimezone(CHINA_TZ).date()
    add(session, "passes.revoked", str(event.payload.get("province_code") or "00"), day)
