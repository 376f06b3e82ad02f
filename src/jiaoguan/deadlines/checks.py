"""Eligibility checks that need the temporary measures, in the shape of `registry.checks` (issue 11.1).

The registry sits below this room, so its own checks (`registry.checks.CHECKS`) cannot ask the engine;
these can: each reads the record's decisions as "My deadlines" shows them (`service.record_deadlines`,
the measures published in the database). `all_checks()` is the one table a business catalogue reads.

Names: `inside the renewal window` (90 days before expiry up to cancellation, a measure's grace included,
Decree 162 arts 63 and 79), `review not overdue` and `no vehicle overdue for inspection` (exclusions of
学法减分, Decree 163 art 26).

It also provides the registry's seam `registry.obligation_due` (`obligation_due`): the date a temporary
measure in force sets for 容缺 medical certificates (a provision on `medical-certificate` with an end date).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.model import measures_in_force
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.service import measures_in_db, record_deadlines
from jiaoguan.kit.i18n import N_
from jiaoguan.registry import queries as registry
from jiaoguan.registry.checks import CHECKS as REGISTRY_CHECKS
from jiaoguan.registry.checks import Check, CheckResult, Subject, passed
from jiaoguan.registry.records import LicenceRecord, VehicleRecord
from jiaoguan.registry.rules import RENEWAL_WINDOW_DAYS


def _licence(session: Session, subject: Subject) -> LicenceRecord | None:
    if subject.licence_id is not None:
        row = registry.record(session, LicenceRecord.record_type, subject.licence_id)
        return row if isinstance(row, LicenceRecord) else None
    if subject.person_id is not None:
        found = [r for r in registry.records_of_person(session, subject.person_id) if isinstance(r, LicenceRecord)]
        return found[0] if found else None
    return None


def inside_renewal_window(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "inside the renewal window"
    lic = _licence(session, subject)
    if lic is None:
        return CheckResult(name, False, N_("There is no driving licence on record."), "Decree 162 art 63")
    if lic.valid_to is None:
        return CheckResult(name, False, N_("A long-term licence is not renewed at expiry."), "Decree 162 art 62",
                           N_("Apply for a replacement instead, if the document is lost or damaged."))
    opens = lic.valid_to - dt.timedelta(days=RENEWAL_WINDOW_DAYS)
    if on < opens:
        return CheckResult(name, False, N_("Renewal opens on %(date)s, 90 days before expiry."), "Decree 162 art 63",
                           N_("Apply on or after %(date)s."), {"date": opens.isoformat()})
    found = record_deadlines(lic, on, measures_in_db(session))
    if lic.status == "cancelled" or any(d.kind is DeadlineKind.LICENCE_CANCELLATION and d.overdue
                                        for d in found.decisions):
        return CheckResult(name, False, N_("The licence expired more than a year ago (on %(date)s) and is cancelled."),
                           "Decree 162 art 79", N_("Restore it by passing subject 1, or apply for a new licence."),
                           {"date": lic.valid_to.isoformat()})
    return passed(name)


def review_not_overdue(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "review not overdue"
    lic = _licence(session, subject)
    if lic is None:
        return passed(name)
    for d in record_deadlines(lic, on, measures_in_db(session)).decisions:
        if d.kind is DeadlineKind.LICENCE_REVIEW and d.overdue:
            return CheckResult(name, False, N_("The licence review (审验) was due by %(date)s."), "Decree 163 art 26",
                               N_("Complete the review first."), {"date": d.effective_due.isoformat()})
    return passed(name)


def no_vehicle_overdue_for_inspection(session: Session, subject: Subject, on: dt.date) -> CheckResult:
    name = "no vehicle overdue for inspection"
    if subject.person_id is None:
        return passed(name)
    measures = measures_in_db(session)
    for row in registry.records_of_person(session, subject.person_id):
        if not isinstance(row, VehicleRecord):
            continue
        for d in record_deadlines(row, on, measures).decisions:
            if d.kind is DeadlineKind.INSPECTION and d.overdue:
                return CheckResult(name, False, N_("A vehicle in your name (%(plate)s) is overdue for inspection."),
                                   "Decree 163 art 26", N_("Have the vehicle inspected first."),
                                   {"plate": row.plate_no})
    return passed(name)


CHECKS: dict[str, Check] = {
    "inside the renewal window": inside_renewal_window,
    "review not overdue": review_not_overdue,
    "no vehicle overdue for inspection": no_vehicle_overdue_for_inspection,
}


def all_checks() -> dict[str, Check]:
    """The registry's checks and these, by name: what a catalogue's `checks` column may name."""
    return {**REGISTRY_CHECKS, **CHECKS}


def obligation_due(session: Session, province: str, on: dt.date) -> tuple[dt.date, str] | None:
    """The 容缺 certificate's due date set by a measure in force on `on` in `province`, with its reference."""
    best: tuple[dt.date, str] | None = None
    for measure in measures_in_force(measures_in_db(session), on, province):
        for provision in measure.acting_on(DeadlineKind.MEDICAL_CERTIFICATE):
            end = provision.end_date
            if end is not None and end >= on and (best is None or end > best[0]):
                best = (end, f"measure:{measure.ref}")
    return best
