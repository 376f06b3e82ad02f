"""The deadlines room's facts for the figures: the measures' reach as the sweep stored it (a level per day).

`Room.figures` names `recount`; the stats room's hourly job and `jiaoguan stats rebuild` read it. There is
no event: the counts are themselves an aggregate the sweep writes (`deadline_measure_count`). Each fact says
whether the measure's provision for that kind waives the penalty (`penalty_waived`): the records it covers then
owe no fine while the waiver holds, which the figures show as the penalties waived per measure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.sweep.counts import stored_reach


def waives_penalty(measure: Measure | None, kind: str) -> bool:
    """Whether a provision of `measure` for `kind` waives the penalty (unknown measure or kind: no)."""
    try:
        acting = measure.acting_on(DeadlineKind(kind)) if measure is not None else []
    except ValueError:
        return False
    return any(p.penalty_waiver for p in acting)


def recount(session: Session, start: dt.date | None = None, end: dt.date | None = None
            ) -> Iterator[tuple[str, dict[str, Any]]]:
    reach = stored_reach(session, start, end)
    measures = {m.ref: m for m in stored_measures(session)} if reach else {}
    for day, r in reach:
        yield "deadlines.covered", {"province": r.province, "day": day.isoformat(), "measure": r.measure_ref,
                                    "kind": r.kind, "records": r.records,
                                    "penalty_waived": waives_penalty(measures.get(r.measure_ref), r.kind)}
