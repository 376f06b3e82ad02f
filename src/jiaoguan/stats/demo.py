"""The stats room's demo part: figures for the demo data.

The demo loader writes most rows in bulk, without events, so the figures are recounted from the rooms' raw
data at the end (the stats room's part runs after every room it counts). Events the rooms' demo parts
emitted through their services are delivered first, so the recount and the maintained figures agree and
the worker finds nothing left to add.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.kit import events
from jiaoguan.stats.rebuild import rebuild


def load_demo_part(session: Session, world: Any) -> dict[str, int]:
    while events.dispatch_due(session, limit=500):
        pass
    report = rebuild(session)
    return {"figure_count": report.counts, "figure_person": report.persons}
