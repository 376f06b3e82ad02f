"""As-of evaluation: a deadline, a date and the measures announced by that date -> a `Decision`.

    evaluate(kind, record_or_due, on, measures, province=None, vehicle_class=None) -> Decision
    evaluate_record(record, on, measures, province=None) -> list[Decision]

The answer depends only on its inputs: measures announced after `on` are ignored, so any past
decision replays exactly. Measures apply in announcement order, each to the deadline as the earlier
ones left it; a shift never moves a deadline earlier.

What the fields mean:
- `deadline`: the deadline in force; shifts and suspensions move it, a grace window does not (a
  record in a grace window is still 逾期 — the measure lets it be handled late, REFERENCE C.2).
- `effective_due`: the last day the matter may be handled (or stays valid, or before the consequence
  takes effect) given the measures: max(deadline, end of any grace window that applies).
- `overdue`: past `effective_due` on `on` (issue #3's definition: for handling kinds, too late even
  for any grace window; validity kinds — expired; consequences — in effect).
- `past_deadline`: past `deadline` on `on`: the record is 逾期 (a licence is expired, an inspection
  lapsed) even while a grace window still lets it be handled. Statuses follow this.
- `in_grace`: past the deadline but not overdue: a grace window is carrying it.
- `penalty_allowed`: past the deadline, the kind is an offence when overdue (inspection, renewal,
  review), and no applied measure waives the penalty on `on`. (A grace window without a waiver
  lets a matter be handled late but does not by itself stop the penalty.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jiaoguan.deadlines.measures.model import Measure, Mode, Provision, measures_in_force
from jiaoguan.deadlines.rules import reasons
from jiaoguan.deadlines.rules.kinds import Deadline, DeadlineKind, Nature, VehicleClass
from jiaoguan.deadlines.rules.records import BASE_RULES, Record, deadlines_for, facts_of, vehicle_class_of
from jiaoguan.kit.calendar import WorkingDayCalendar, add_months
from jiaoguan.kit.certlogic import evaluate_condition
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_


class NoSuchDeadline(InvalidInput):
    code = "no_such_deadline"
    message = N_("The record has no %(kind)s deadline on %(on)s.")


@dataclass(frozen=True)
class Decision:
    kind: DeadlineKind
    on: dt.date
    original_due: dt.date
    deadline: dt.date
    effective_due: dt.date
    overdue: bool
    past_deadline: bool
    in_grace: bool
    penalty_allowed: bool
    measures: tuple[str, ...]       # ids of the measures that changed the answer
    measure_refs: tuple[str, ...]   # the same as "ID@VERSION"
    rules: tuple[str, ...]          # base rule codes, then "ID@VERSION#provision:mode"
    reason: str                     # the msgid of the explanation (see `reasons.py`)
    province: str | None = None
    vehicle_class: VehicleClass | None = None
    applied: tuple[Measure, ...] = field(default=(), compare=False, repr=False)

    # The sentences are written when first read: a bulk run that only needs the dates pays nothing.
    @cached_property
    def _sentences(self) -> tuple[str, str]:
        return reasons.sentences(self.reason, self.kind, [m.title for m in self.applied], original=self.original_due,
                                 due=self.deadline, until=self.effective_due, on=self.on)

    @property
    def reason_zh(self) -> str:
        return self._sentences[0]

    @property
    def reason_en(self) -> str:
        return self._sentences[1]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "on": self.on.isoformat(),
            "original_due": self.original_due.isoformat(), "deadline": self.deadline.isoformat(),
            "effective_due": self.effective_due.isoformat(), "overdue": self.overdue,
            "past_deadline": self.past_deadline, "in_grace": self.in_grace, "penalty_allowed": self.penalty_allowed,
            "measures": list(self.measures), "measure_refs": list(self.measure_refs), "rules": list(self.rules),
            "reason_zh": self.reason_zh, "reason_en": self.reason_en, "province": self.province,
            "vehicle_class": self.vehicle_class.value if self.vehicle_class else None,
        }


@dataclass
class _Walk:
    deadline: dt.date
    until: dt.date
    waivers: list[tuple[dt.date, dt.date]]
    applied: list[tuple[Measure, Provision]]


def evaluate(kind: DeadlineKind | str, record_or_due: Record | dt.date, on: dt.date,
             measures: Sequence[Measure], province: str | None = None,
             vehicle_class: VehicleClass | str | None = None, *,
             calendar: WorkingDayCalendar | None = None) -> Decision:
    kind = DeadlineKind(kind)
    cls = VehicleClass(vehicle_class) if vehicle_class else None
    if isinstance(record_or_due, dt.date):
        return decide(kind, record_or_due, on, measures, province, cls, base_rules=BASE_RULES[kind])
    found = [d for d in deadlines_for(record_or_due, on, calendar) if d.kind is kind]
    if not found:
        raise NoSuchDeadline(kind=kind.value, on=on.isoformat())
    deadline = min(found, key=lambda d: d.due)
    return _decide_deadline(deadline, record_or_due, on, measures, province, cls)


def evaluate_record(record: Record, on: dt.date, measures: Sequence[Measure], province: str | None = None,
                    *, calendar: WorkingDayCalendar | None = None) -> list[Decision]:
    """A decision for every deadline of the record (`rules.deadlines_for`)."""
    return [_decide_deadline(d, record, on, measures, province, None)
            for d in deadlines_for(record, on, calendar)]


def _decide_deadline(deadline: Deadline, record: Record, on: dt.date, measures: Sequence[Measure],
                     province: str | None, cls: VehicleClass | None) -> Decision:
    return decide(deadline.kind, deadline.due, on, measures, province, cls or vehicle_class_of(record),
                  base_rules=(deadline.rule,), facts=facts_of(record))


def decide(kind: DeadlineKind, due: dt.date, on: dt.date, measures: Sequence[Measure],
           province: str | None, vehicle_class: VehicleClass | None, *,
           base_rules: Sequence[str] = (), facts: dict[str, Any] | None = None) -> Decision:
    """The core: one deadline of one kind, judged on `on` under the measures then in force."""
    walk = _Walk(due, due, [], [])
    for measure in _in_force(measures, on, province):
        for provision in measure.acting_on(kind):
            _apply(walk, measure, provision, kind, due, on, province, vehicle_class, facts or {})
    effective = max(walk.deadline, walk.until)
    overdue = on > effective
    past_deadline = on > walk.deadline if kind.nature is Nature.HANDLING else overdue
    in_grace = past_deadline and not overdue
    waived = any(start <= on <= end for start, end in walk.waivers)
    penalty_allowed = kind.penalisable and past_deadline and not waived
    applied = _unique([m for m, _ in walk.applied])
    msgid = reasons.choose(kind, moved=walk.deadline != due, graced=effective > walk.deadline,
                           measured=bool(applied), overdue=past_deadline,
                           in_grace=in_grace, waived=waived, penalty_allowed=penalty_allowed)
    rules = tuple(base_rules) + tuple(f"{m.ref}#{p.index}:{p.mode.value}" for m, p in walk.applied)
    return Decision(kind=kind, on=on, original_due=due, deadline=walk.deadline, effective_due=effective,
                    overdue=overdue, past_deadline=past_deadline, in_grace=in_grace,
                    penalty_allowed=penalty_allowed,
                    measures=tuple(m.id for m in applied), measure_refs=tuple(m.ref for m in applied),
                    rules=rules, reason=msgid, province=province, vehicle_class=vehicle_class,
                    applied=tuple(applied))


def _apply(walk: _Walk, measure: Measure, provision: Provision, kind: DeadlineKind, original: dt.date,
           on: dt.date, province: str | None, cls: VehicleClass | None, facts: dict[str, Any]) -> None:
    if not provision.covers(walk.deadline, cls):
        return
    if provision.condition is not None:
        data = condition_data(kind, walk.deadline, original, on, province, cls, facts)
        if not evaluate_condition(provision.condition, data):
            return
    if provision.mode is Mode.GRACE_WINDOW:
        end = provision.end_for(cls)
        if end is not None:
            walk.until = max(walk.until, end)
    else:
        walk.deadline = max(walk.deadline, shifted(provision, walk.deadline, cls))
        walk.until = max(walk.until, walk.deadline)
    if (free := provision.penalty_free(cls)) is not None:
        walk.waivers.append(free)
    walk.applied.append((measure, provision))


# Measures in force per (measures, day, province), for tuples only: a tuple cannot change under us,
# and the entry keeps it alive so its id is not reused. Bulk runs judge many rows on one day.
_IN_FORCE: dict[tuple[int, dt.date, str | None], tuple[tuple[Measure, ...], list[Measure]]] = {}
_IN_FORCE_LIMIT = 4096


def _in_force(measures: Sequence[Measure], on: dt.date, province: str | None) -> list[Measure]:
    if not isinstance(measures, tuple):
        return measures_in_force(measures, on, province)
    key = (id(measures), on, province)
    hit = _IN_FORCE.get(key)
    if hit is not None and hit[0] is measures:
        return hit[1]
    found = measures_in_force(measures, on, province)
    if len(_IN_FORCE) >= _IN_FORCE_LIMIT:
        _IN_FORCE.clear()
    _IN_FORCE[key] = (measures, found)
    return found


def condition_data(kind: DeadlineKind, due: dt.date, original: dt.date, on: dt.date, province: str | None,
                   cls: VehicleClass | None, facts: dict[str, Any]) -> dict[str, Any]:
    """The data object a measure's CertLogic condition sees (documented in `measures/model.py`)."""
    return {"kind": kind.value, "due": due.isoformat(), "original_due": original.isoformat(),
            "on": on.isoformat(), "province": province, "vehicle_class": cls.value if cls else None,
            "record": facts}


def shifted(provision: Provision, due: dt.date, cls: VehicleClass | None) -> dt.date:
    """Where a shift provision puts `due`: + months (Civil Code art 202), or its end date."""
    if provision.months is not None:
        return add_months(due, provision.months)
    end = provision.end_for(cls)
    return due if end is None else end


def _unique(measures: list[Measure]) -> list[Measure]:
    seen: dict[str, Measure] = {}
    for m in measures:
        seen.setdefault(m.ref, m)
    return list(seen.values())
