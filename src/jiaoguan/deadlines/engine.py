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
- `waived_by`: the measures (ID@VERSION) that waive a penalty the regulations alone would impose on
  `on`: the kind is an offence when overdue, `on` is past the regulation's own deadline
  (`original_due`), and a provision of the measure that applies to the record waives the penalty on
  `on`. A record whose regulation deadline has not passed owes no penalty to waive, whatever a
  provision that moves its deadline and waives penalties says (the figures count penalties waived
  from this).
- `open_ended`: a measure carries the record until further notice (no end announced yet, as in
  February 2020); `effective_due` is then `on` itself — known to run at least that far — and the
  record is not overdue.
- `lapsed`: the consequence that ends a renewal or an inspection (cancellation one year after expiry,
  Decree 162 art 79; compulsory scrapping) has taken effect: the matter can no longer be handled.

Who a measure covers (issue #8): a provision with `issued_by` covers a record only if its validity had
begun by then (the record's own date, else the bound its expiry gives); a handling deadline whose
consequence took effect before the measure began is not covered, and no measure carries one past
the day its consequence takes effect (both judged with the consequence as the measures leave it, so a
measure that holds cancellations keeps its records renewable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from jiaoguan.deadlines.measures.model import Measure, Mode, Provision, measures_in_force
from jiaoguan.deadlines.rules import reasons
from jiaoguan.deadlines.rules.kinds import Deadline, DeadlineKind, Lapse, Nature, VehicleClass
from jiaoguan.deadlines.rules.permits import could_have_begun_by
from jiaoguan.deadlines.rules.records import (
    BASE_RULES,
    Record,
    began_on,
    deadlines_for,
    facts_of,
    lapse_for,
    vehicle_class_of,
)
from jiaoguan.kit.calendar import WorkingDayCalendar, add_months
from jiaoguan.kit.certlogic import evaluate_condition
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_

# What a measure's CertLogic condition sees of a record (`record` in its data), or how to build it: most deadlines
# meet no measure with a condition, and building it for each of them was a tenth of the engine's time on a page.
Facts = dict[str, Any] | Callable[[], dict[str, Any]]


class NoSuchDeadline(InvalidInput):
    code = "deadlines.no_such_deadline"
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
    open_ended: bool
    lapsed: bool
    measures: tuple[str, ...]       # ids of the measures that changed the answer
    measure_refs: tuple[str, ...]   # the same as "ID@VERSION"
    rules: tuple[str, ...]          # base rule codes, then "ID@VERSION#provision:mode"
    reason: str                     # the msgid of the explanation (see `reasons.py`)
    province: str | None = None
    vehicle_class: VehicleClass | None = None
    applied: tuple[Measure, ...] = field(default=(), compare=False, repr=False)
    consequence: DeadlineKind | None = field(default=None, compare=False, repr=False)
    consequence_due: dt.date | None = field(default=None, compare=False, repr=False)   # when `lapsed`
    waived_by: tuple[str, ...] = ()

    # The sentences are written when first read: a bulk run that only needs the dates pays nothing.
    @cached_property
    def _sentences(self) -> tuple[str, str]:
        return reasons.sentences(self.reason, self.kind, [m.title for m in self.applied], original=self.original_due,
                                 due=self.deadline, until=self.effective_due, on=self.on,
                                 consequence=self.consequence, after=self.consequence_due)

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
            "open_ended": self.open_ended, "lapsed": self.lapsed,
            "measures": list(self.measures), "measure_refs": list(self.measure_refs), "rules": list(self.rules),
            "reason_zh": self.reason_zh, "reason_en": self.reason_en, "province": self.province,
            "vehicle_class": self.vehicle_class.value if self.vehicle_class else None,
        }


@dataclass
class _Walk:
    deadline: dt.date
    until: dt.date
    waivers: list[tuple[dt.date, dt.date, str]]   # (first day, last day, the measure's ref)
    applied: list[tuple[Measure, Provision]]
    open: bool = False


def evaluate(kind: DeadlineKind | str, record_or_due: Record | dt.date, on: dt.date,
             measures: Sequence[Measure], province: str | None = None,
             vehicle_class: VehicleClass | str | None = None, *,
             calendar: WorkingDayCalendar | None = None, issued: dt.date | None = None) -> Decision:
    """`issued`: when only a date is given, the day the record's validity began, if known (a learner
    permit's issue, a plate number's selection)."""
    kind = DeadlineKind(kind)
    cls = VehicleClass(vehicle_class) if vehicle_class else None
    if isinstance(record_or_due, dt.date):
        return decide(kind, record_or_due, on, measures, province, cls, base_rules=BASE_RULES[kind], began=issued,
                      calendar=calendar)
    found = [d for d in deadlines_for(record_or_due, on, calendar) if d.kind is kind]
    if not found:
        raise NoSuchDeadline(kind=kind.value, on=on.isoformat())
    deadline = min(found, key=lambda d: d.due)
    return _decide_deadline(deadline, record_or_due, on, measures, province, cls, calendar)


def evaluate_record(record: Record, on: dt.date, measures: Sequence[Measure], province: str | None = None,
                    *, calendar: WorkingDayCalendar | None = None) -> list[Decision]:
    """A decision for every deadline of the record (`rules.records.deadlines_for`)."""
    return [_decide_deadline(d, record, on, measures, province, None, calendar)
            for d in deadlines_for(record, on, calendar)]


def _decide_deadline(deadline: Deadline, record: Record, on: dt.date, measures: Sequence[Measure],
                     province: str | None, cls: VehicleClass | None,
                     calendar: WorkingDayCalendar | None) -> Decision:
    return decide(deadline.kind, deadline.due, on, measures, province, cls or vehicle_class_of(record),
                  base_rules=(deadline.rule,), facts=partial(facts_of, record), began=began_on(record),
                  lapse=deadline.lapse, calendar=calendar)


class _Case:
    """One deadline under judgement and what the qualifying checks need, each worked out when first
    asked: most deadlines never meet a measure that needs them."""

    def __init__(self, kind: DeadlineKind, due: dt.date, on: dt.date, measures: Sequence[Measure],
                 province: str | None, cls: VehicleClass | None, facts: Facts | None, began: dt.date | None,
                 lapse: Lapse | None, calendar: WorkingDayCalendar | None) -> None:
        self.kind, self.due, self.on, self.measures, self.province, self.cls = kind, due, on, measures, province, cls
        self._facts, self.began, self.calendar = facts, began, calendar
        # Worked out here, not in a cached_property: Python 3.11's takes a lock on every first read, and every
        # decision reads it.
        self.lapse = lapse if lapse is not None or kind.nature is not Nature.HANDLING else lapse_for(kind, due)
        self._held: tuple[dt.date | None] | None = None

    @cached_property
    def facts(self) -> dict[str, Any]:
        """The record as a condition sees it, built only when a measure with a condition asks."""
        return self._facts() if callable(self._facts) else (self._facts or {})

    def began_by(self, day: dt.date) -> bool:
        """Could the record's validity have begun on or before `day`?"""
        if self.began is not None:
            return self.began <= day
        return could_have_begun_by(self.kind, self.due, day, self.calendar)

    def consequence_until(self) -> dt.date | None:
        """The last day before the consequence takes effect, as the measures leave it (None: held until
        further notice)."""
        if self._held is None:
            assert self.lapse is not None
            d = decide(self.lapse.kind, self.lapse.due, self.on, self.measures, self.province, self.cls,
                       facts=self._facts)
            self._held = (None if d.open_ended else d.effective_due,)
        return self._held[0]

    def lapsed_before(self, day: dt.date) -> bool:
        """Had the consequence taken effect before `day`? (Measures only ever move it later.)"""
        if self.lapse is None or self.lapse.due >= day:
            return False
        until = self.consequence_until()
        return until is not None and until < day


def decide(kind: DeadlineKind, due: dt.date, on: dt.date, measures: Sequence[Measure],
           province: str | None, vehicle_class: VehicleClass | None, *,
           base_rules: Sequence[str] = (), facts: Facts | None = None, began: dt.date | None = None,
           lapse: Lapse | None = None, calendar: WorkingDayCalendar | None = None) -> Decision:
    """The core: one deadline of one kind, judged on `on` under the measures then in force.

    `began`: when the record's validity began (if known); `lapse`: the consequence that ends a handling
    deadline (derived from the rules when not given: see `rules.records.lapse_for`); `facts`: what a measure's
    condition sees of the record, or how to build it (built only if a measure with a condition applies)."""
    case = _Case(kind, due, on, measures, province, vehicle_class, facts, began, lapse, calendar)
    walk = _Walk(due, due, [], [])
    for measure in _in_force(measures, on, province):
        for provision in measure.acting_on(kind):
            _apply(walk, measure, provision, case)
    lapsed_after = _end_at_consequence(walk, case)
    lapsed = lapsed_after is not None
    handling = kind.nature is Nature.HANDLING
    if walk.open:
        effective = max(walk.deadline, walk.until, on)
        if not handling:
            walk.deadline = effective
    else:
        effective = max(walk.deadline, walk.until)
    overdue = on > effective
    past_deadline = on > walk.deadline if handling else overdue
    in_grace = past_deadline and not overdue
    # Most deadlines meet no measure: nothing to collect then (the engine judges millions of them in a sweep).
    waiving = _unique_refs(ref for start, end, ref in walk.waivers if start <= on <= end) if walk.waivers else ()
    waived = bool(waiving)
    penalisable = kind.penalisable
    penalty_allowed = penalisable and past_deadline and not waived
    # Who could have been fined on `on` without the measures: only a record past the regulation's deadline.
    waived_by = waiving if penalisable and on > due else ()
    applied = _unique([m for m, _ in walk.applied]) if walk.applied else []
    msgid = reasons.choose(kind, moved=walk.deadline != due, graced=effective > walk.deadline,
                           measured=bool(applied), overdue=past_deadline, in_grace=in_grace, waived=waived,
                           penalty_allowed=penalty_allowed, open_ended=walk.open, lapsed=lapsed)
    rules = tuple(base_rules)
    if walk.applied:
        rules += tuple(f"{m.ref}#{p.index}:{p.mode.value}" for m, p in walk.applied)
    return Decision(kind=kind, on=on, original_due=due, deadline=walk.deadline, effective_due=effective,
                    overdue=overdue, past_deadline=past_deadline, in_grace=in_grace,
                    penalty_allowed=penalty_allowed, open_ended=walk.open, lapsed=lapsed,
                    measures=tuple(m.id for m in applied), measure_refs=tuple(m.ref for m in applied),
                    rules=rules, reason=msgid, province=province, vehicle_class=vehicle_class,
                    applied=tuple(applied), consequence=case.lapse.kind if lapsed and case.lapse else None,
                    consequence_due=lapsed_after, waived_by=waived_by)


def _apply(walk: _Walk, measure: Measure, provision: Provision, case: _Case) -> None:
    cls = case.cls
    if not provision.covers(walk.deadline, cls):
        return
    if provision.issued_by is not None and not case.began_by(provision.issued_by):
        return      # the record's validity began after the measure: it was not "valid when it took effect"
    if case.lapsed_before(measure.effective_from):
        return      # cancelled or scrapped before the measure began, and no measure holds it
    if provision.condition is not None:
        data = condition_data(case.kind, walk.deadline, case.due, case.on, case.province, cls, case.facts)
        if not evaluate_condition(provision.condition, data):
            return
    if provision.open_ended:
        walk.open = True
    elif provision.mode is Mode.GRACE_WINDOW:
        end = provision.end_for(cls)
        if end is not None:
            walk.until = max(walk.until, end)
    else:
        walk.deadline = max(walk.deadline, shifted(provision, walk.deadline, cls))
        walk.until = max(walk.until, walk.deadline)
    if (free := provision.penalty_free(cls)) is not None:
        walk.waivers.append((*free, measure.ref))
    walk.applied.append((measure, provision))


def _end_at_consequence(walk: _Walk, case: _Case) -> dt.date | None:
    """No measure carries a renewal or an inspection past the day its consequence takes effect. Returns
    that day's eve when it has passed on `on` (the matter can no longer be handled), else None."""
    lapse = case.lapse
    if lapse is None or not (walk.open or max(walk.deadline, walk.until) > lapse.due or case.on > lapse.due):
        return None
    until = case.consequence_until()
    if until is None:
        return None
    last = max(case.due, until)
    walk.until = last if walk.open else min(walk.until, last)
    walk.deadline, walk.open = min(walk.deadline, last), False
    return last if case.on > last else None


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


def _unique_refs(refs: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(refs))


def _unique(measures: list[Measure]) -> list[Measure]:
    seen: dict[str, Measure] = {}
    for m in measures:
        seen.setdefault(m.ref, m)
    return list(seen.values())
