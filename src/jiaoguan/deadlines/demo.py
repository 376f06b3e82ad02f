"""Demo part: the shipped temporary measures are published (MPS 2022-04-21 acts on today's records)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.store import preload_shipped


def load_demo_part(session: Session, world: Any) -> dict[str, int]:
    return {"measure_version": preload_shipped(session)}
