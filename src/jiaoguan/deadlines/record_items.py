"""From registry rows (plain values) to the deadlines the engine judges.

The API, the pages and the sweep all go through here, so a record read one way or swept the other gets
the same answer: the regulations' own rules (`licence_rules`, `vehicle_rules`) where the registry keeps
the inputs, the registry's stored dates where it keeps the deadline itself (review, medical certificate,
learner-permit and plate-hold expiry), and `engine.decide` for the measures.

Pure: plain values in, `Item`s and `Decision`s out.

The facts a measure's CertLogic condition sees (`record`) are those a sweep can key on:
- licence (renewal, cancellation, restoration, review, certificate): `classes`, `valid_until`;
- vehicle: the fields of `vehicle_rules.Vehicle`;
- learner permit: `issued`, `licence_class`; preselected plate: `selected_on`.

An item also carries when the record's validity began (`began`: a permit's issue, a number's
selection) and the consequence that ends a renewal or an inspection (`lapse`), which decide whether a
measure covers it (issue #8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from jiaoguan.deadlines.engine import Decision, Facts, decide
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.rules.intervals import VehicleType, VehicleUse
from jiaoguan.deadlines.rules.kinds import HEAVY_LICENCE_CLASSES, DeadlineKind, Lapse, VehicleClass
from jiaoguan.deadlines.rules.licence import Licence, licence_deadlines
from jiaoguan.deadlines.rules.records import BASE_RULES, facts_of
from jiaoguan.deadlines.rules.vehicle import (
    CYCLES_BEFORE_SCRAPPING,
    Vehicle,
    cycle_ends,
    insurance_deadline,
    vehicle_deadlines,
)

# The registry's vehicle codes (registry/vocab.py) in the terms of the interval table.
REGISTRY_VEHICLE_TYPES: dict[str, VehicleType] = {
    "small_car": VehicleType.SMALL_PASSENGER,
    "light_truck": VehicleType.LIGHT_TRUCK,
    "heavy_truck": VehicleType.HEAVY_TRUCK,
    "tractor_unit": VehicleType.HEAVY_TRUCK,   # 牵引车: a heavy goods vehicle, not an agricultural tractor
    "semi_trailer": VehicleType.TRAILER,
    "large_bus": VehicleType.LARGE_PASSENGER,
    "motorcycle": VehicleType.MOTORCYCLE,
    "tractor": VehicleType.TRACTOR,
}
REGISTRY_USES: dict[str, VehicleUse] = {
    "non_operating": VehicleUse.NON_OPERATING,
    "operating_passenger": VehicleUse.OPERATING,
    "freight": VehicleUse.OPERATING,
}
_LICENCE_KINDS = (DeadlineKind.LICENCE_RENEWAL, DeadlineKind.LICENCE_CANCELLATION, DeadlineKind.LICENCE_RESTORATION)


@dataclass(frozen=True)
class Item:
    """One deadline of one record, ready for the engine."""

    kind: DeadlineKind
    due: dt.date
    rules: tuple[str, ...]
    vehicle_class: VehicleClass | None
    facts: Facts = field(default_factory=dict, compare=False, hash=False)
    detail: str = ""
    began: dt.date | None = None
    lapse: Lapse | None = None

    def judge(self, on: dt.date, measures: Sequence[Measure], province: str | None) -> Decision:
        return decide(self.kind, self.due, on, measures, province, self.vehicle_class,
                      base_rules=self.rules, facts=self.facts, began=self.began, lapse=self.lapse)


def licence_class(classes: str | Iterable[str]) -> VehicleClass:
    codes = set(classes.split() if isinstance(classes, str) else classes)
    return VehicleClass.HEAVY if codes & HEAVY_LICENCE_CLASSES else VehicleClass.OTHER


def licence_items(*, classes: str, valid_to: dt.date | None, on: dt.date, review_due: dt.date | None = None,
                  medical_due: dt.date | None = None, period_years: int | None = None,
                  medical_rule: str | None = None) -> list[Item]:
    """Renewal (and, once expired, cancellation and restoration) by Decree 162; review and the medical
    certificate from the dates the registry keeps (it holds the current scoring cycle only)."""
    codes = frozenset(classes.split())
    cls = licence_class(codes)
    facts = {"classes": sorted(codes), "valid_until": valid_to.isoformat() if valid_to else None}
    items: list[Item] = []
    if valid_to is not None:
        lic = Licence(classes=codes, first_issued=valid_to, valid_from=valid_to, valid_until=valid_to,
                      period_years=period_years)
        items += [Item(d.kind, d.due, (d.rule,), cls, facts, lapse=d.lapse)
                  for d in licence_deadlines(lic, on) if d.kind in _LICENCE_KINDS]
    if review_due is not None:
        items.append(Item(DeadlineKind.LICENCE_REVIEW, review_due, BASE_RULES[DeadlineKind.LICENCE_REVIEW], cls,
                          facts))
    if medical_due is not None:
        # 容缺办: the registry says when the date is a 容缺 obligation's ("RONGQUE"), not art 74's.
        items.append(Item(DeadlineKind.MEDICAL_CERTIFICATE, medical_due,
                          (medical_rule,) if medical_rule else BASE_RULES[DeadlineKind.MEDICAL_CERTIFICATE], cls,
                          facts, "容缺" if medical_rule == "RONGQUE" else ""))
    return items


def pure_vehicle(*, vehicle_type: str, use_nature: str, seats: int, registration_date: dt.date,
                 inspection_valid_until: dt.date) -> Vehicle:
    return Vehicle(registered=registration_date,
                   vehicle_type=REGISTRY_VEHICLE_TYPES.get(vehicle_type, VehicleType.OTHER),
                   use=REGISTRY_USES.get(use_nature, VehicleUse.NON_OPERATING), seats=seats,
                   inspection_valid_until=inspection_valid_until)


def vehicle_items(vehicle: Vehicle, on: dt.date) -> list[Item]:
    """Inspection, and once overdue, compulsory scrapping (三个检验周期未取得检验合格标志)."""
    facts = partial(facts_of, vehicle)
    return [Item(d.kind, d.due, (d.rule,), vehicle.vehicle_class, facts, d.detail, lapse=d.lapse)
            for d in vehicle_deadlines(vehicle, on) if d.kind is not DeadlineKind.COMPULSORY_INSURANCE]


def insurance_item(valid_until: dt.date) -> Item:
    """交强险: the policy's end date as the registry keeps it (no measure has ever moved it)."""
    d = insurance_deadline(valid_until)
    return Item(d.kind, d.due, (d.rule,), None, {}, d.detail)


def missed_cycles(vehicle: Vehicle, on: dt.date, scrapping_in_effect: bool) -> int:
    """Inspection cycles that ended without a sticker as the scrapping rule counts them: the registry's
    `missed_cycles`. It reaches 3 exactly when compulsory scrapping takes effect, so a measure that holds
    scrapping also holds the count at 2."""
    if scrapping_in_effect:
        return CYCLES_BEFORE_SCRAPPING
    ends = cycle_ends(vehicle, CYCLES_BEFORE_SCRAPPING - 1)
    return sum(1 for end in ends if end < on)


def permit_item(*, issued_on: dt.date, classes: str, valid_until: dt.date) -> Item:
    """学习驾驶证明: the stored expiry (issue + 3 years, capped by age, Decree 162 art 41)."""
    first = classes.split()[0] if classes.split() else ""
    cls = VehicleClass.HEAVY if first in HEAVY_LICENCE_CLASSES else VehicleClass.OTHER
    facts = {"issued": issued_on.isoformat(), "licence_class": first}
    return Item(DeadlineKind.LEARNER_PERMIT, valid_until, BASE_RULES[DeadlineKind.LEARNER_PERMIT], cls, facts,
                began=issued_on)


def plate_item(*, selected_on: dt.date, valid_until: dt.date) -> Item:
    """预选号牌号码: the stored end of the hold (the office's working-day retention)."""
    return Item(DeadlineKind.PRESELECTED_PLATE, valid_until, BASE_RULES[DeadlineKind.PRESELECTED_PLATE], None,
                {"selected_on": selected_on.isoformat()}, began=selected_on)
