"""The registry's state tags, stated from the engine's decisions: "my records" and "my deadlines" agree.

The registry (a room below) shows each record with tags such as "Renewal window open: expires on …". Its
own tags read the stored dates with the base rules only; this module provides the date-based ones from
the same decisions the deadlines page shows (`service.record_deadlines`, the measures published in the
database), through the seam `registry.deadline_states` (declared in `room.py`). Where no measure acted, the
tag is the registry's own (same code, same words); where one did, the tag says so and gives the date in
force. Codes are stable: pages and tests select on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.deadlines.engine import Decision
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.rules.vehicle import CYCLES_BEFORE_SCRAPPING
from jiaoguan.deadlines.service import measures_in_db, record_deadlines
from jiaoguan.kit.calendar import add_months
from jiaoguan.kit.i18n import N_
from jiaoguan.registry.records import LicenceRecord, PermitRecord, PlateRecord, VehicleRecord
from jiaoguan.registry.states import (
    INSPECTION_WINDOW_MONTHS,
    INSURANCE_WARN_DAYS,
    OBLIGATION_WARN_DAYS,
    PERMIT_WARN_DAYS,
    PLATE_HOLD_WARN_DAYS,
    RENEWAL_WINDOW_DAYS,
    StateTag,
    Tone,
)

# (in a grace window, the same without penalty, deferred until further notice), per kind.
CARRIED = {
    DeadlineKind.LICENCE_RENEWAL: (
        N_("Expired on %(date)s; a temporary measure allows renewal until %(until)s"),
        N_("Expired on %(date)s; a temporary measure allows renewal until %(until)s, without penalty"),
        N_("Expired on %(date)s; a temporary measure defers renewal until further notice")),
    DeadlineKind.LICENCE_REVIEW: (
        N_("Review (审验) was due by %(date)s; a temporary measure allows it until %(until)s"),
        N_("Review (审验) was due by %(date)s; a temporary measure allows it until %(until)s, without penalty"),
        N_("Review (审验) was due by %(date)s; a temporary measure defers it until further notice")),
    DeadlineKind.MEDICAL_CERTIFICATE: (
        N_("Medical certificate was due by %(date)s; a temporary measure allows it until %(until)s"),
        N_("Medical certificate was due by %(date)s; a temporary measure allows it until %(until)s"),
        N_("Medical certificate was due by %(date)s; a temporary measure defers it until further notice")),
    DeadlineKind.INSPECTION: (
        N_("Inspection was due by %(date)s; a temporary measure allows it until %(until)s"),
        N_("Inspection was due by %(date)s; a temporary measure allows it until %(until)s, without penalty"),
        N_("Inspection was due by %(date)s; a temporary measure defers it until further notice")),
}
RENEW_BY = N_("Expired on %(date)s: renew by %(until)s, or the licence is cancelled")
EXTENDED = N_("Extended by a temporary measure: valid until %(date)s (%(days)s days left)")
EXTENDED_OPEN = N_("Extended by a temporary measure until further notice")
RESTORABLE = N_("Cancelled; restorable by passing subject 1 (科目一) until %(date)s")
NOT_RESTORABLE = N_("Cancelled; no longer restorable since %(date)s: apply for a new licence")


def _tag(code: str, tone: Tone, msgid: str, **params: Any) -> StateTag:
    return StateTag(code, tone, msgid, MappingProxyType(params))


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _carried(d: Decision, code: str) -> StateTag | None:
    """A matter past its deadline that a measure still carries (a grace window, or until further notice)."""
    grace, grace_free, deferred = CARRIED[d.kind]
    if d.open_ended and d.past_deadline:
        return _tag(code, Tone.WARN, deferred, date=_iso(d.deadline))
    if d.in_grace:
        return _tag(code, Tone.WARN, grace if d.penalty_allowed else grace_free, date=_iso(d.deadline),
                    until=_iso(d.effective_due))
    return None


def _obligation(d: Decision, prefix: str, overdue_msg: str, due_msg: str) -> StateTag:
    carried = _carried(d, prefix + "_grace")
    if carried is not None:
        return carried
    if d.past_deadline:
        return _tag(prefix + "_overdue", Tone.BAD, overdue_msg, date=_iso(d.deadline))
    tone = Tone.WARN if (d.effective_due - d.on).days <= OBLIGATION_WARN_DAYS else Tone.GREY
    return _tag(prefix + "_due", tone, due_msg, date=_iso(d.effective_due))


def licence_tags(decisions: Sequence[Decision], status: str, long_term: bool) -> list[StateTag]:
    found = {d.kind: d for d in decisions}
    tags: list[StateTag] = []
    renewal = found.get(DeadlineKind.LICENCE_RENEWAL)
    cancellation = found.get(DeadlineKind.LICENCE_CANCELLATION)
    restoration = found.get(DeadlineKind.LICENCE_RESTORATION)
    if status == "cancelled" and restoration is not None:
        msg = NOT_RESTORABLE if restoration.overdue else RESTORABLE
        tags.append(_tag("licence.restoration", Tone.GREY if restoration.overdue else Tone.WARN, msg,
                         date=_iso(restoration.effective_due)))
    elif long_term:
        tags.append(_tag("licence.long_term", Tone.OK, N_("Valid long-term")))
    elif renewal is not None:
        tags.append(_renewal(renewal, cancellation))
    for d in decisions:
        if d.kind is DeadlineKind.LICENCE_REVIEW:
            tags.append(_obligation(d, "licence.review", N_("Review (审验) overdue since %(date)s"),
                                    N_("Review (审验) due by %(date)s")))
        elif d.kind is DeadlineKind.MEDICAL_CERTIFICATE:
            tags.append(_obligation(d, "licence.medical", N_("Medical certificate overdue since %(date)s"),
                                    N_("Medical certificate due by %(date)s")))
    return tags


def _renewal(d: Decision, cancellation: Decision | None) -> StateTag:
    if d.lapsed or (cancellation is not None and cancellation.overdue):
        return _tag("licence.cancel_eligible", Tone.BAD,
                    N_("Expired on %(date)s, more than a year ago: liable to cancellation"), date=_iso(d.deadline))
    carried = _carried(d, "licence.renewal_grace")
    if carried is not None:
        return carried
    if d.past_deadline:
        if cancellation is not None and cancellation.measures:
            return _tag("licence.overdue", Tone.BAD, RENEW_BY, date=_iso(d.deadline),
                        until=_iso(cancellation.effective_due))
        return _tag("licence.overdue", Tone.BAD, N_("Expired on %(date)s: renew within one year of expiry"),
                    date=_iso(d.deadline))
    days = (d.effective_due - d.on).days
    if days <= RENEWAL_WINDOW_DAYS:
        return _tag("licence.renewal_window", Tone.WARN,
                    N_("Renewal window open: expires on %(date)s (%(days)s days left)"),
                    date=_iso(d.effective_due), days=days)
    return _tag("licence.valid", Tone.OK, N_("Valid until %(date)s"), date=_iso(d.effective_due))


def vehicle_tags(decisions: Sequence[Decision]) -> list[StateTag]:
    tags: list[StateTag] = []
    for d in decisions:
        if d.kind is DeadlineKind.INSPECTION:
            tags.append(_inspection(d))
        elif d.kind is DeadlineKind.COMPULSORY_INSURANCE:
            if d.overdue:
                tags.append(_tag("vehicle.insurance_lapsed", Tone.BAD, N_("Compulsory insurance expired on %(date)s"),
                                 date=_iso(d.effective_due)))
            elif (d.effective_due - d.on).days <= INSURANCE_WARN_DAYS:
                tags.append(_tag("vehicle.insurance_due", Tone.WARN, N_("Compulsory insurance ends on %(date)s"),
                                 date=_iso(d.effective_due)))
    return tags


def _inspection(d: Decision) -> StateTag:
    if d.lapsed:
        return _tag("vehicle.scrap_due", Tone.BAD, N_("Missed %(cycles)s inspection cycles: must be scrapped"),
                    cycles=CYCLES_BEFORE_SCRAPPING)
    carried = _carried(d, "vehicle.inspection_grace")
    if carried is not None:
        return carried
    if d.past_deadline:
        return _tag("vehicle.inspection_overdue", Tone.BAD, N_("Inspection overdue since %(date)s"),
                    date=_iso(d.deadline))
    if d.effective_due <= add_months(d.on, INSPECTION_WINDOW_MONTHS):
        return _tag("vehicle.inspection_due", Tone.WARN, N_("Inspection due by %(date)s"), date=_iso(d.effective_due))
    return _tag("vehicle.inspection_valid", Tone.OK, N_("Inspected, valid until %(date)s"), date=_iso(d.effective_due))


def _extended(d: Decision, code: str, warn_days: int) -> StateTag | None:
    """A validity a measure moved: say so, with the date in force."""
    if d.open_ended:
        return _tag(code, Tone.OK, EXTENDED_OPEN)
    if not d.measures or d.overdue:
        return None
    days = (d.effective_due - d.on).days
    return _tag(code, Tone.WARN if days <= warn_days else Tone.OK, EXTENDED, date=_iso(d.effective_due), days=days)


def permit_tags(decisions: Sequence[Decision]) -> list[StateTag]:
    tags = []
    for d in decisions:
        days = (d.effective_due - d.on).days
        code = "permit.expiring" if days <= PERMIT_WARN_DAYS else "permit.valid"
        if (moved := _extended(d, code, PERMIT_WARN_DAYS)) is not None:
            tags.append(moved)
        elif d.overdue:
            tags.append(_tag("permit.expired", Tone.BAD, N_("Expired on %(date)s: passed subjects are void"),
                             date=_iso(d.effective_due)))
        elif days <= PERMIT_WARN_DAYS:
            tags.append(_tag(code, Tone.WARN, N_("Expires on %(date)s (%(days)s days left)"),
                             date=_iso(d.effective_due), days=days))
        else:
            tags.append(_tag(code, Tone.OK, N_("Valid until %(date)s"), date=_iso(d.effective_due)))
    return tags


def plate_tags(decisions: Sequence[Decision]) -> list[StateTag]:
    tags = []
    for d in decisions:
        days = (d.effective_due - d.on).days
        code = "plate.hold_ending" if days <= PLATE_HOLD_WARN_DAYS else "plate.held"
        if (moved := _extended(d, code, PLATE_HOLD_WARN_DAYS)) is not None:
            tags.append(moved)
        elif d.overdue:
            tags.append(_tag("plate.lapsed", Tone.GREY, N_("Hold ended on %(date)s"), date=_iso(d.effective_due)))
        elif days <= PLATE_HOLD_WARN_DAYS:
            tags.append(_tag(code, Tone.WARN, N_("Held until %(date)s: register the vehicle soon"),
                             date=_iso(d.effective_due)))
        else:
            tags.append(_tag(code, Tone.OK, N_("Held until %(date)s"), date=_iso(d.effective_due)))
    return tags


class DecisionStates:
    """`registry.deadline_states.DeadlineStates` from the engine, with the measures published in the database."""

    def __init__(self, session: Session, on: dt.date) -> None:
        self.on = on
        self.measures: tuple[Measure, ...] = measures_in_db(session)

    def licence(self, row: LicenceRecord) -> list[StateTag]:
        decisions = record_deadlines(row, self.on, self.measures).decisions
        return licence_tags(decisions, row.status, row.valid_to is None)

    def vehicle(self, row: VehicleRecord) -> list[StateTag]:
        return vehicle_tags(record_deadlines(row, self.on, self.measures).decisions)

    def permit(self, row: PermitRecord) -> list[StateTag]:
        return permit_tags(record_deadlines(row, self.on, self.measures).decisions)

    def plate(self, row: PlateRecord) -> list[StateTag]:
        return plate_tags(record_deadlines(row, self.on, self.measures).decisions)


def states_for(session: Session, on: dt.date) -> DecisionStates:
    return DecisionStates(session, on)
