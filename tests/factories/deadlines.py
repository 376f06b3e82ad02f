"""Deadline measures: the shipped temporary measures, published as an administrator would."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.loader import shipped_measures
from jiaoguan.deadlines.measures.store import publish


def publish_shipped(db: Session, *ids: str) -> None:
    """Publish shipped measures by id (all three when none is named)."""
    for m in shipped_measures():
        if not ids or m.id in ids:
            publish(db, m.source)
    db.flush()
