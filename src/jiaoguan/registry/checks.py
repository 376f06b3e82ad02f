"""Named eligibility checks against the register, for the business catalogue (issue 11.1, 11.3).

`CHECKS[name](session, subject, on) -> CheckResult`. A result says whether the check passed and, when it
did not, the rule (an English msgid with `params`), the article it comes from and what would satisfy it
(`remedy`, a msgid): one line of a 一次告知 notice. Checks that need the temporary measures (the renewal
window as measures move it, an inspection or review overdue after any grace) live in
`jiaoguan.deadlines.checks`, above the registry, with the same shape; `all_checks()` there merges both.

Names (stable keys for the catalogue data):
- `licence not detained`, `licence not cancelled`, `licence not deferred` (Decree 162 art 75: no driving),
- `no open violations` (the vehicle's, or the person's and their vehicles'), `points below 12`,
- `no overdue obligation` (容缺: new business blocked past the due date, when so configured),
- `insurance valid`, `inspection exempt` (免检), `vehicle not detained`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jiaoguan.kit.i18n import N_, translate
from jiaoguan.registry import rules
from jiaoguan.registry.changes.obligations import policy
from jiaoguan.registry.models import DrivingLicence, Obligation, Vehicle, Violation


@dataclass(frozen=True)
class Subject:
    """What a check is asked about: the applicant, and the licence or vehicle of the business."""

    person_id: int | None = None
    licence_id: int | None = None
    vehicle_id: int | None = None


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    rule: str = ""                 # English msgid of the rule that failed
    article: str = ""
    remedy: str = ""               # English msgid: what would satisfy it
    params: Mapping[str, Any] = field(default_factory=dict)

    def rule_text(self, locale: str | None = None) -> str:
        return translate(self.rule, locale, **self.params) if self.rule else ""

    def remedy_text(self, locale: str | None = None) -> str:
        return translate(self.remedy, locale, **self.params) if self.remedy else ""


Check = Callable[[Session, Subject, dt.date], CheckResult]


def passed(name: str) -> CheckResult:
    return CheckResult(name, True)


def _licence(session: Session, subject: Subject) -> DrivingLicence | None:
    if subject.licence_id is not None:
        return session.get(DrivingLicence, subject.licence_id)
    if subject.person_id is not None:
        return session.scalars(select(DrivingLicence).where(DrivingLicence.person_id == subject.person_id)
                               .order_by(DrivingLicence.valid_from.desc(), DrivingLicence.id.desc())).first()
    return None


NO_LICENCE = N_("There is no driving licence on record.")


def licence_not_detained(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "licence not detained"
    lic = _licence(session, subject)
    if lic is None:
        return CheckResult(name, False, NO_LICENCE, "Decree 162 art 63")
    if lic.status == "detained":
        return CheckResult(name, False, N_("The licence is detained."), "Decree 162 art 69",
                           N_("Collect the licence after the case is closed."))
    return passed(name)


def licence_not_cancelled(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "licence not cancelled"
    lic = _licence(session, subject)
    if lic is None:
        return CheckResult(name, False, NO_LICENCE, "Decree 162 art 79")
    if lic.status in ("cancelled", "revoked"):
        return CheckResult(name, False, N_("The licence is cancelled or revoked."), "Decree 162 art 79",
                           N_("Restore it by passing subject 1, or apply for a new licence."))
    return passed(name)


def licence_not_deferred(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "licence not deferred"
    lic = _licence(session, subject)
    if lic is not None and lic.status == "deferred":
        return CheckResult(name, False, N_("A deferral is active: the holder may not drive."), "Decree 162 art 75",
                           N_("Complete the deferred matter first."))
    return passed(name)


def open_violation_count(session: Session, subject: Subject) -> int:
    conditions = []
    if subject.vehicle_id is not None:
        conditions.append(Violation.vehicle_id == subject.vehicle_id)
    elif subject.person_id is not None:
        conditions.append(Violation.person_id == subject.person_id)
        conditions.append(Violation.vehicle_id.in_(
            select(Vehicle.id).where(Vehicle.owner_person_id == subject.person_id)))
    if not conditions:
        return 0
    return session.scalar(select(func.count()).select_from(Violation).where(
        or_(*conditions), Violation.status.in_(("recorded", "handled")))) or 0


def no_open_violations(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "no open violations"
    count = open_violation_count(session, subject)
    if count:
        return CheckResult(name, False, N_("%(count)s traffic violations are not closed."), "Decree 164 art 54",
                           N_("Handle the violations and pay the fines first."), {"count": count})
    return passed(name)


def points_below_12(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "points below 12"
    lic = _licence(session, subject)
    if lic is not None and lic.points >= rules.FULL_SCORE:
        return CheckResult(name, False, N_("The scoring cycle has reached %(points)s points."), "Decree 163 art 14",
                           N_("Attend full-score education (满分学习) first."), {"points": lic.points})
    return passed(name)


def no_overdue_obligation(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    """容缺: past its due date an unmet obligation blocks new business (when the policy says so)."""
    name = "no overdue obligation"
    if subject.person_id is None or not policy().blocks:
        return passed(name)
    due = session.scalar(select(func.min(Obligation.due)).where(
        Obligation.person_id == subject.person_id, Obligation.status.in_(("open", "overdue")), Obligation.due < on))
    if due is not None:
        return CheckResult(name, False, N_("The medical certificate owed since %(date)s has not been handed in."),
                           "容缺办 (MPS 2022-04-21, measure 4)", N_("Hand in the medical certificate first."),
                           {"date": due.isoformat()})
    return passed(name)


def _vehicle(session: Session, subject: Subject) -> Vehicle | None:
    return session.get(Vehicle, subject.vehicle_id) if subject.vehicle_id is not None else None


NO_VEHICLE = N_("There is no such vehicle on record.")


def insurance_valid(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "insurance valid"
    v = _vehicle(session, subject)
    if v is None:
        return CheckResult(name, False, NO_VEHICLE, "Decree 164 art 57")
    if v.insurance_valid_until < on:
        return CheckResult(name, False, N_("The compulsory insurance ended on %(date)s."), "Decree 164 art 57",
                           N_("Renew the compulsory insurance (交强险) first."),
                           {"date": v.insurance_valid_until.isoformat()})
    return passed(name)


def inspection_exempt(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "inspection exempt"
    v = _vehicle(session, subject)
    if v is None:
        return CheckResult(name, False, NO_VEHICLE, "Decree 164 art 54")
    if not rules.inspection_exempt(vehicle_type=v.vehicle_type, use_nature=v.use_nature, seats=v.seats,
                                   registered=v.registration_date, on=on):
        return CheckResult(name, False, N_("This vehicle is not exempt from on-site inspection."),
                           "Decree 164 art 54", N_("Book an inspection at a test station."))
    return passed(name)


def vehicle_not_detained(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "vehicle not detained"
    v = _vehicle(session, subject)
    if v is None:
        return CheckResult(name, False, NO_VEHICLE, "Decree 164")
    if v.status in ("detained", "scrapped", "cancelled"):
        return CheckResult(name, False, N_("The vehicle is detained, scrapped or deregistered."), "Decree 164",
                           N_("Settle the vehicle's case at a vehicle office first."))
    return passed(name)


CHECKS: dict[str, Check] = {
    "licence not detained": licence_not_detained,
    "licence not cancelled": licence_not_cancelled,
    "licence not deferred": licence_not_deferred,
    "no open violations": no_open_violations,
    "points below 12": points_below_12,
    "no overdue obligation": no_overdue_obligation,
    "insurance valid": insurance_valid,
    "inspection exempt": inspection_exempt,
    "vehicle not detained": vehicle_not_detained,
}


def run(session: Session, names: list[str], subject: Subject, on: dt.date,
        checks: Mapping[str, Check] | None = None) -> list[CheckResult]:
    """Every named check, all of them (a 一次告知 lists every failure at once)."""
    table = checks if checks is not None else CHECKS
    return [table[name](session, subject, on) for name in names]
