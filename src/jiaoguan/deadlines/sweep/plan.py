"""What a sweep writes into its scratch table: the engine's answer for each distinct key (pure).

A sweep over millions of records asks the engine only once per distinct *key*: the registry's due date
plus the few facts the answer depends on (see `key_spec`), in each group of provinces under the same
measures. SQL then applies the answers to every record with that key. No rule is written twice: each
answer is `record_items` + `engine.decide`, exactly what the API shows for a single record.

Subjects (one per registry date column):

| subject | table.column | what the sweep does with the answer |
|---|---|---|
| licence | driving_licence.valid_to | valid -> expired; -> cancelled once cancellation is in effect; reminders |
| review | driving_licence.review_due | review reminders |
| medical | driving_licence.medical_due | certificate (open obligation) reminders |
| vehicle | vehicle.inspection_valid_until | missed_cycles (3 = compulsory scrapping in effect); inspection reminders |
| permit | learner_permit.valid_until | valid -> expired; expiry reminders |
| plate | preselected_plate.valid_until | held -> expired; reminders |
| insurance | vehicle.insurance_valid_until | 交强险 reminders (the registry keeps no insurance status) |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from jiaoguan.deadlines.engine import Decision
from jiaoguan.deadlines.measures.model import Measure, announced_by
from jiaoguan.deadlines.record_items import (
    Item,
    insurance_item,
    licence_items,
    missed_cycles,
    permit_item,
    plate_item,
    pure_vehicle,
    vehicle_items,
)
from jiaoguan.deadlines.rules.kinds import DeadlineKind, VehicleClass
from jiaoguan.deadlines.rules.vehicle import Vehicle
from jiaoguan.deadlines.sweep.models import NO_DATE
from jiaoguan.kit.ids.divisions import PROVINCES

DEFAULT_OFFSETS = (30, 7, 1)
SUBJECTS = ("licence", "review", "medical", "vehicle", "insurance", "permit", "plate")
PHASES: dict[str, tuple[str, ...]] = {
    "licences": ("licence", "review", "medical"),
    "vehicles": ("vehicle", "insurance"),
    "permits": ("permit",),
    "plates": ("plate",),
}
SUBJECT_KINDS: dict[str, tuple[DeadlineKind, ...]] = {
    "licence": (DeadlineKind.LICENCE_RENEWAL, DeadlineKind.LICENCE_CANCELLATION),
    "review": (DeadlineKind.LICENCE_REVIEW,),
    "medical": (DeadlineKind.MEDICAL_CERTIFICATE,),
    "vehicle": (DeadlineKind.INSPECTION, DeadlineKind.COMPULSORY_SCRAPPING),
    "insurance": (DeadlineKind.COMPULSORY_INSURANCE,),
    "permit": (DeadlineKind.LEARNER_PERMIT,),
    "plate": (DeadlineKind.PRESELECTED_PLATE,),
}
# A licence key without a CertLogic condition to feed only needs the class (staged exits).
_CLASS_STAND_IN = {VehicleClass.HEAVY.value: "A1", VehicleClass.OTHER.value: "C1"}


@dataclass(frozen=True)
class Key:
    due: dt.date
    k_text: str = ""
    k_date: dt.date = NO_DATE


@dataclass(frozen=True)
class KeySpec:
    """How finely a subject's records are keyed on the run's date: `fine` keeps every fact a measure's
    condition may read (licence classes, the full registration date); otherwise only what the base
    rules need (the licence's class, the registration month)."""

    subject: str
    fine: bool


@dataclass(frozen=True)
class Term:
    subject: str
    grp: int
    key: Key
    effective_due: dt.date
    overdue: bool = False          # past the deadline (逾期): a licence expired, a permit or plate hold lapsed
    consequence: bool = False
    missed: int = 0
    remind_offset: int | None = None
    days_left: int | None = None
    measures: str = ""
    waived: bool = False           # counting: the measure waives a penalty the regulations alone would impose

    @property
    def has_work(self) -> bool:
        return self.overdue or self.consequence or self.missed > 0 or self.remind_offset is not None

    def row(self, run_id: int) -> dict[str, object]:
        return {"run_id": run_id, "subject": self.subject, "grp": self.grp, "due": self.key.due,
                "k_text": self.key.k_text, "k_date": self.key.k_date, "effective_due": self.effective_due,
                "overdue": self.overdue, "consequence": self.consequence, "missed": self.missed,
                "remind_offset": self.remind_offset, "days_left": self.days_left, "measures": self.measures,
                "waived": self.waived}


def key_spec(subject: str, measures: Sequence[Measure], on: dt.date) -> KeySpec:
    kinds = SUBJECT_KINDS[subject]
    conditional = any(p.condition is not None for m in announced_by(measures, on) for k in kinds
                      for p in m.acting_on(k))
    return KeySpec(subject, fine=conditional)


def province_groups(measures: Sequence[Measure], on: dt.date) -> dict[str, int]:
    """Province code -> group; provinces in one group are under the same measures on `on`."""
    in_force = announced_by(measures, on)
    signatures: dict[tuple[str, ...], int] = {}
    groups = {}
    for code in sorted(PROVINCES):
        signature = tuple(m.ref for m in in_force if m.covers_region(code))
        groups[code] = signatures.setdefault(signature, len(signatures))
    return groups


def representatives(groups: dict[str, int]) -> dict[int, str]:
    """One province per group: the engine's answer for it holds for the whole group."""
    out: dict[int, str] = {}
    for code, grp in sorted(groups.items()):
        out.setdefault(grp, code)
    return out


def reminder(decision: Decision, on: dt.date, offsets: Sequence[int]) -> tuple[int | None, int | None]:
    """(offset, days left): the smallest offset not below the days left to the effective deadline, so a
    daily run sends each offset once and a run that missed days still sends the nearest one."""
    days = (decision.effective_due - on).days
    if not offsets or days < 0 or days > max(offsets):
        return None, None
    return min(o for o in offsets if o >= days), days


def items_for(subject: str, key: Key, on: dt.date, spec: KeySpec) -> list[Item]:
    if subject in ("licence", "review", "medical"):
        classes = key.k_text if spec.fine else _CLASS_STAND_IN[key.k_text]
        if subject == "licence":
            return licence_items(classes=classes, valid_to=key.due, on=on)
        if subject == "review":
            return licence_items(classes=classes, valid_to=None, review_due=key.due, on=on)
        return licence_items(classes=classes, valid_to=None, medical_due=key.due, on=on)
    if subject == "vehicle":
        return vehicle_items(_vehicle(key), on)
    if subject == "insurance":
        return [insurance_item(key.due)]
    if subject == "permit":
        return [permit_item(issued_on=key.k_date, classes=key.k_text, valid_until=key.due)]
    return [plate_item(selected_on=key.k_date, valid_until=key.due)]


def _vehicle(key: Key) -> Vehicle:
    vehicle_type, use, seats = key.k_text.split("|")
    return pure_vehicle(vehicle_type=vehicle_type, use_nature=use, seats=int(seats), registration_date=key.k_date,
                        inspection_valid_until=key.due)


def term_for(subject: str, key: Key, grp: int, province: str, on: dt.date, measures: Sequence[Measure],
             spec: KeySpec, offsets: Sequence[int]) -> Term:
    decisions = {d.kind: d for d in (item.judge(on, measures, province) for item in items_for(subject, key, on, spec))}
    main = decisions[SUBJECT_KINDS[subject][0]]
    after = decisions.get(SUBJECT_KINDS[subject][1]) if len(SUBJECT_KINDS[subject]) > 1 else None
    refs = ",".join(sorted({r for d in decisions.values() if d.kind in SUBJECT_KINDS[subject]
                            for r in d.measure_refs}))
    in_effect = bool(after and after.overdue)   # cancellation / compulsory scrapping
    # Carried until further notice: no date to count down to, so nothing to remind of.
    offset, days = (None, None) if in_effect or main.open_ended else reminder(main, on, offsets)
    # For vehicles the consequence is carried by the registry's missed_cycles reaching 3.
    missed = missed_cycles(_vehicle(key), on, in_effect) if subject == "vehicle" and main.past_deadline else 0
    return Term(subject, grp, key, main.effective_due, overdue=main.past_deadline,
                consequence=in_effect and subject == "licence", missed=missed, remind_offset=offset,
                days_left=days, measures=refs)


def plan_terms(subject: str, keys: Iterable[Key], on: dt.date, measures: Sequence[Measure],
               groups: dict[str, int], offsets: Sequence[int] = DEFAULT_OFFSETS) -> Iterator[Term]:
    """Every term of `subject` with something to do on `on`, for every key in every province group."""
    spec = key_spec(subject, measures, on)
    reps = representatives(groups)
    for key in keys:
        for grp, province in reps.items():
            term = term_for(subject, key, grp, province, on, measures, spec, offsets)
            if term.has_work:
                yield term


def affecting_terms(subject: str, keys: Iterable[Key], on: dt.date, measures: Sequence[Measure],
                    groups: dict[str, int]) -> Iterator[Term]:
    """For counting: one term per key, group, kind and measure that changed the answer on `on`; its
    `measures` reads "ID@VERSION|kind" (the kind whose answer the measure changed), and `waived` says whether
    that measure waives a penalty the regulations alone would impose (`Decision.waived_by`)."""
    spec = key_spec(subject, measures, on)
    kinds = SUBJECT_KINDS[subject]
    for key in keys:
        for grp, province in representatives(groups).items():
            for item in items_for(subject, key, on, spec):
                if item.kind not in kinds:
                    continue
                decision = item.judge(on, measures, province)
                for ref in decision.measure_refs:
                    yield Term(subject, grp, key, decision.effective_due, measures=f"{ref}|{decision.kind.value}",
                               waived=ref in decision.waived_by)
