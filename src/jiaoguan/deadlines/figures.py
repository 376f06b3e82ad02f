"""The deadlines room's facts for the figures: the measures' reach as the sweep stored it (a level per day).

`Room.figures` names `recount`; the stats room's hourly job and `jiaoguan stats rebuild` read it. There is
no event: the counts are themselves an aggregate the sweep writes (`deadline_measure_count`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.deadlines.sweep.counts import stored_reach


def recount(session: Session, start: dt.date | None = None, end: dt.date | None = None
            ) -> Iterator[tuple[str, dict[str, Any]]]:
    for day, reach in stored_reach(session, start, end):
        yield "deadlines.covered", {"province": reach.province, "day": day.isoformat(),
                                    "measure": reach.measure_ref, "kind": reach.kind, "records": reach.records}
