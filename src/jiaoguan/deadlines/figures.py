"""The deadlines room's facts for the figures: the measures' reach as the sweep stored it (a level per day).

`Room.figures` names `recount`; the stats room's job and `jiaoguan stats rebuild` read it. There is no event:
the counts are themselves an aggregate the sweep writes (`deadline_measure_count`). Two facts per stored day:

- `deadlines.covered`: per measure, kind and province, the records whose answer the measure changes;
- `deadlines.waived`: per measure and province, the records whose penalty the measure waives on that day, summed
  over the kinds. A penalty is waived only for a record that would be fined without the measures: its deadline
  under the regulations alone has passed, and a provision of the measure that waives the penalty covers it
  (`engine.Decision.waived_by`, counted by the sweep). A provision that moves deadlines and also waives penalties
  thus counts as waived only the records already past their regulation deadline, not every record it moves.
  A day counted before these were counted (migration 0211: `waived` is NULL) tells no waived figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.deadlines.sweep.counts import stored_reach


def recount(session: Session, start: dt.date | None = None, end: dt.date | None = None
            ) -> Iterator[tuple[str, dict[str, Any]]]:
    waived: dict[tuple[dt.date, str, str], int | None] = {}
    for day, r in stored_reach(session, start, end):
        yield "deadlines.covered", {"province": r.province, "day": day.isoformat(), "measure": r.measure_ref,
                                    "kind": r.kind, "records": r.records}
        key = (day, r.province, r.measure_ref)
        before = waived.get(key, 0)
        waived[key] = None if before is None or r.waived is None else before + r.waived
    for (day, province, ref), n in waived.items():
        if n is not None:
            yield "deadlines.waived", {"province": province, "day": day.isoformat(), "measure": ref, "records": n}
