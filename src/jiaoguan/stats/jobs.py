"""The stats room's periodic job: the level figures (deadlines' stored counts) of the last days, read again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.stats.rebuild import refresh_levels as _refresh


def refresh_levels(session: Session) -> int:
    return _refresh(session)
