"""Periodic work of the pass room (declared in `passes/room.py`), run by `jiaoguan worker`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.passes.applications.sla import escalate_reviews


def review_sla(session: Session) -> object:
    return escalate_reviews(session)
