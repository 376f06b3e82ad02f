"""The seam for a set-based sweep: the measures in force on a date as plain terms SQL can apply.

    bulk_terms(measures, on, kinds=None) -> list[BulkTerm]

The engine judges one deadline at a time; a sweep over millions of rows must not. `bulk_terms`
flattens what the engine would do into terms, in the order the engine applies them (measures by
announcement, provisions in file order). A sweep keeps per row `deadline` and `until` (both start at
the regulation's `due`) and applies each term as one UPDATE over the rows it matches:

    match:  kind = :kind
            AND deadline BETWEEN :due_from AND :due_to           -- either bound may be open (None)
            AND province IN (:region)                            -- only when region is not None
            AND vehicle_class IN (:classes)                      -- None in `classes` = class unknown
    shift (incl. suspensions):
            new := deadline + :months months                     -- or :end_date
            SET deadline = GREATEST(deadline, new), until = GREATEST(until, deadline, new)
    grace_window:
            SET until = GREATEST(until, :end_date)
    penalty_free = (from, to): a matched row may not be penalised on days in [from, to].

Afterwards effective_due = GREATEST(deadline, until); overdue and penalty follow `engine.Decision`.
Month arithmetic must be Civil Code art 202: PostgreSQL's `date + interval 'N months'` clamps to the
month's last day as required; SQLite's `date(x, '+N months')` overflows into the next month and
needs a correction. A term with a CertLogic `condition` cannot be expressed in SQL: the sweep narrows
the rows with the match above, then asks `engine.decide` for each of them. The property test in
tests/deadlines/test_deadlines_plan.py replays these terms and checks they agree with the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jiaoguan.deadlines.kinds import DeadlineKind, VehicleClass
from jiaoguan.deadlines.measures import Measure, Mode, Provision, announced_by

ALL_CLASSES: frozenset[VehicleClass | None] = frozenset({*VehicleClass, None})


@dataclass(frozen=True)
class BulkTerm:
    measure_id: str
    measure_ref: str
    provision: int
    kind: DeadlineKind
    mode: Mode
    region: frozenset[str] | None               # None: every province
    classes: frozenset[VehicleClass | None]     # the row classes it applies to (None = unknown)
    due_from: dt.date | None
    due_to: dt.date | None
    months: int | None
    end_date: dt.date | None
    penalty_free: tuple[dt.date, dt.date] | None
    condition: Any = None
    suspension: bool = False

    @property
    def sql_only(self) -> bool:
        return self.condition is None


def bulk_terms(measures: Sequence[Measure], on: dt.date,
               kinds: Iterable[DeadlineKind] | None = None) -> list[BulkTerm]:
    wanted = set(kinds) if kinds is not None else set(DeadlineKind)
    terms: list[BulkTerm] = []
    for measure in announced_by(measures, on):
        for provision in measure.provisions:
            for kind in sorted(provision.classes & wanted):
                terms.extend(_terms(measure, provision, kind))
    return terms


def _terms(measure: Measure, provision: Provision, kind: DeadlineKind) -> list[BulkTerm]:
    staged = {cls for cls, _ in provision.staged_end}
    groups: list[frozenset[VehicleClass | None]] = [frozenset({cls}) for cls in sorted(staged)]
    groups.append(ALL_CLASSES - staged)
    out = []
    for group in groups:
        cls = next(iter(group)) if len(group) == 1 else None   # the default group uses end_date
        low, high = provision.qualifying(cls)
        out.append(BulkTerm(
            measure_id=measure.id, measure_ref=measure.ref, provision=provision.index, kind=kind,
            mode=provision.mode, region=measure.region, classes=group, due_from=low, due_to=high,
            months=provision.months if provision.mode is not Mode.GRACE_WINDOW else None,
            end_date=provision.end_for(cls), penalty_free=provision.penalty_free(cls),
            condition=provision.condition, suspension=provision.suspension,
        ))
    return out
