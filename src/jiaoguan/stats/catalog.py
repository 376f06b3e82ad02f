"""What the dashboard counts, as data: which fact (domain event) adds what to which figure.

Pure: no database, no web. A fact is `(event name, payload)` as the rooms emit it (the shared event
contract: `province`, `day`, and where known `office` and `person`); `tally(name, payload)` says what it adds:
to counters keyed (day, province, office, measure, metric, dimension), and which person it serves for a
measure. The live handler and the rebuild both go through it, so they cannot count differently.

A *level* figure (the deadlines measures' reach) is a state on a day, not a flow: a newer count for the
same key replaces the older, and over a date range the dashboard shows its last day, never a sum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jiaoguan.halls.vocab import GROUPS, LANES
from jiaoguan.hotline.vocab import TICKET_TYPES
from jiaoguan.kit.i18n import N_

Payload = Mapping[str, Any]

# The six measures of 2022-04-21 (ARCHITECTURE.md), in order.
MEASURES: tuple[tuple[str, str], ...] = (
    ("1", N_("Special handling of key-material transport (特事特办)")),
    ("2", N_("Urgent matters handled urgently (急事急办)")),
    ("3", N_("Deferred deadlines (延期办)")),
    ("4", N_("Tolerated missing items (容缺办)")),
    ("5", N_("Convenient hall service (便捷办)")),
    ("6", N_("Online business (网上办)")),
)
MEASURE_NAMES = dict(MEASURES)
# The rooms' own words for the codes a figure is split by (their vocabularies are pure data).
HALL_GROUPS = {code: label for code, (label, _) in GROUPS.items()}
HALL_LANES = {str(code): label for code, label in LANES.items()}
# On the figures the kind of call reads as a call ("Appointment call"), not as the hotline's ticket type.
CALL_TYPES = {**TICKET_TYPES, "appointment": N_("Appointment call")}
PEOPLE_HOW = N_("Distinct people (or enterprises) served: each counted once per measure in the period and "
                "region shown, however many transactions they made.")

# Check-time histogram: upper bounds in ms of the buckets the median is read from (the last is open).
CHECK_MS_BOUNDS = (250, 500, 1000, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 60000)


def check_ms_bucket(ms: Any) -> str:
    """The bucket of a check time as its upper bound in ms ("le_2000"), or "over" past the last."""
    try:
        value = int(ms)
    except (TypeError, ValueError):
        return "unknown"
    for bound in CHECK_MS_BOUNDS:
        if value <= bound:
            return f"le_{bound}"
    return "over"


def _flag(name: str) -> Callable[[Payload], bool]:
    return lambda p: bool(p.get(name))


def _text(name: str) -> Callable[[Payload], str]:
    return lambda p: str(p.get(name) if p.get(name) is not None else "")


def _yes_no(name: str) -> Callable[[Payload], str]:
    return lambda p: "yes" if p.get(name) else "no"


def _number(name: str, scale: float = 1.0) -> Callable[[Payload], int]:
    def read(p: Payload) -> int:
        try:
            return round(float(p.get(name) or 0) * scale)
        except (TypeError, ValueError):
            return 0
    return read


@dataclass(frozen=True)
class Figure:
    """One figure: `metric` of `measure`, counted from `event` (label and "how counted" are msgids)."""

    metric: str
    measure: str
    event: str
    label: str
    how: str
    by: Callable[[Payload], str] | None = None     # the dimension (a reason, a lane, yes/no)
    by_label: str = ""                               # msgid naming the dimension in tables
    when: Callable[[Payload], bool] | None = None   # only facts for which this holds
    add: Callable[[Payload], int] | None = None     # what it adds (default 1)
    unit: str = ""                                   # msgid of the unit when it is not a count
    level: bool = False                              # a state per day (replaced), not a flow (summed)
    shown: str = "total"                             # total | median (of the buckets) | average | share
    over: str = ""                                   # the metric an average or share divides by
    dims: Mapping[str, str] | None = None            # dimension code -> msgid shown in tables (else the code)

    def dim_label(self, code: str) -> str:
        return (self.dims or {}).get(code, code) or "—"

    @property
    def room(self) -> str:
        """The room whose facts count it (the event's prefix; `pass.*` is the passes room's)."""
        prefix = self.event.partition(".")[0]
        return "passes" if prefix == "pass" else prefix


FIGURES: tuple[Figure, ...] = (
    # 1 特事特办: key-material transport passes.
    Figure("passes.applied", "1", "pass.applied", N_("Pass applications"),
           N_("Applications submitted, on the day they were submitted.")),
    Figure("passes.issued", "1", "pass.issued", N_("Passes issued"),
           N_("Passes issued (approved by an issuer or an auto-approval rule), on the day of issue.")),
    Figure("passes.refused", "1", "pass.refused", N_("Applications refused"),
           N_("Applications refused, by the reason the issuer chose."), by=_text("reason"), by_label=N_("Reason")),
    Figure("passes.revoked", "1", "pass.revoked", N_("Passes revoked"),
           N_("Passes revoked by an issuer, on the day of the revocation.")),
    Figure("passes.verified", "1", "pass.verified", N_("Checks at checkpoints"),
           N_("Every scan at a checkpoint, online or synced from an offline device, on the day it was made; "
              "by verdict."), by=_text("verdict"), by_label=N_("Verdict")),
    Figure("passes.denied", "1", "pass.verified", N_("Vehicles denied at checkpoints"),
           N_("Scans that did not release the vehicle, by the reason shown to the officer."),
           by=_text("reason"), by_label=N_("Reason"), when=lambda p: p.get("verdict") == "denied"),
    Figure("passes.check_ms", "1", "pass.verified", N_("Check time"),
           N_("Median time from scan to verdict, read from a histogram of check times (the bucket holding "
              "the middle check)."), by=lambda p: check_ms_bucket(p.get("ms")), by_label=N_("At most (ms)"),
           shown="median", unit=N_("ms")),
    # 2 急事急办: emergency cases and the hotline desk.
    Figure("emergency.opened", "2", "hotline.emergency_opened", N_("Emergency cases opened"),
           N_("Emergency cases (epidemic-response vehicles and staff) opened, one dedicated handler each.")),
    Figure("emergency.closed", "2", "hotline.emergency_closed", N_("Emergency cases closed"),
           N_("Emergency cases closed, on the day they were closed.")),
    Figure("emergency.minutes", "2", "hotline.emergency_closed", N_("Emergency handling time"),
           N_("Total handling time of the closed cases; the average is this over the cases closed."),
           add=_number("hours", 60), unit=N_("minutes"), shown="average", over="emergency.closed"),
    Figure("hotline.opened", "2", "hotline.ticket_opened", N_("Hotline tickets"),
           N_("Hotline tickets opened, by type (consultation, help, appointment)."), by=_text("type"),
           by_label=N_("Type"), dims=CALL_TYPES),
    Figure("hotline.closed", "2", "hotline.ticket_closed", N_("Hotline tickets closed"),
           N_("Tickets closed, by type."), by=_text("type"), by_label=N_("Type"), dims=CALL_TYPES),
    Figure("hotline.sla_kept", "2", "hotline.ticket_closed", N_("Hotline tickets closed within the SLA"),
           N_("Closed tickets answered within their service level, by type."), by=_text("type"),
           by_label=N_("Type"), when=_flag("sla_kept"), shown="share", over="hotline.closed", dims=CALL_TYPES),
    # 3 延期办: the measures' reach, as the deadlines sweep counted it.
    Figure("deadlines.covered", "3", "deadlines.covered", N_("Records covered by temporary measures"),
           N_("Deadlines whose answer a temporary measure changes (extended, in grace, penalty waived), per "
              "measure and kind, as the nightly sweep counted them on the last day of the period."),
           by=lambda p: f"{p.get('measure', '')}|{p.get('kind', '')}", by_label=N_("Measure and kind"),
           add=_number("records"), level=True),
    Figure("deadlines.waived", "3", "deadlines.waived", N_("Penalties waived"),
           N_("Deadlines past their due date under the regulations alone (a fine would be due) whose penalty a "
              "provision of the measure covering them waives that day, per measure, as the nightly sweep counted "
              "them on the last day of the period."),
           by=_text("measure"), by_label=N_("Measure"), add=_number("records"), level=True),
    # 4 容缺办: obligations left open at a renewal.
    Figure("obligations.opened", "4", "business.obligation_opened", N_("Obligations opened"),
           N_("Missing items tolerated at a transaction (to be handed in later), on the day opened.")),
    Figure("obligations.closed", "4", "business.obligation_closed", N_("Obligations closed"),
           N_("Tolerated items handed in, on the day they were closed.")),
    Figure("obligations.overdue", "4", "business.obligation_overdue", N_("Obligations overdue"),
           N_("Tolerated items not handed in by their due date, on the day the daily reminder job found them "
              "overdue (the day after the due date).")),
    # 5 便捷办: halls.
    Figure("halls.booked", "5", "halls.booked", N_("Hall bookings"),
           N_("Slots booked (confirmed), on the day the booking was made, by business group."),
           by=_text("business_group"), by_label=N_("Business group"), dims=HALL_GROUPS),
    Figure("halls.weekend", "5", "halls.booked", N_("Weekend bookings"),
           N_("Bookings made for weekend service days, on the day they were made."), when=_flag("weekend")),
    Figure("halls.extended", "5", "halls.booked", N_("Extended-hours bookings"),
           N_("Bookings made for extended opening hours, on the day they were made."), when=_flag("extended_hours")),
    Figure("halls.no_show", "5", "halls.no_show", N_("No-shows"),
           N_("Booked slots nobody came to, on the slot's day.")),
    Figure("halls.served", "5", "halls.served", N_("Served at a window"),
           N_("Tickets served at a window, by lane."), by=_text("lane"), by_label=N_("Lane"), dims=HALL_LANES),
    Figure("halls.wait_seconds", "5", "halls.served", N_("Waiting time"),
           N_("Total wait from ticket to call, by lane; the average is this over those served."),
           by=_text("lane"), by_label=N_("Lane"), add=_number("wait_seconds"), unit=N_("seconds"),
           shown="average", over="halls.served", dims=HALL_LANES),
    # 6 网上办: online business.
    Figure("business.submitted", "6", "business.submitted", N_("Applications submitted"),
           N_("Business applications submitted, by channel."), by=_text("channel"), by_label=N_("Channel")),
    Figure("business.proxy", "6", "business.submitted", N_("Submitted by a proxy"),
           N_("Applications a proxy submitted for someone (委托代办)."), when=_flag("proxy")),
    Figure("business.accepted", "6", "business.accepted", N_("Applications accepted"),
           N_("Applications accepted by a seat, on the day accepted.")),
    Figure("business.completed", "6", "business.completed", N_("Applications completed"),
           N_("Applications completed, by business."), by=_text("business"), by_label=N_("Business")),
    Figure("business.online", "6", "business.completed", N_("Completed online"),
           N_("Completed applications done entirely online; the share is this over all completed."),
           when=_flag("online"), shown="share", over="business.completed"),
    Figure("business.sla_kept", "6", "business.completed", N_("Completed within the SLA"),
           N_("Completed applications finished within their service level (working days)."),
           when=_flag("sla_kept"), shown="share", over="business.completed"),
    Figure("business.rejected", "6", "business.rejected", N_("Applications rejected"),
           N_("Applications rejected, on the day rejected.")),
    Figure("business.bookings", "6", "business.booking_requested", N_("Inspection and exam bookings requested"),
           N_("Bookings requested through an online application, by kind."), by=_text("kind"),
           by_label=N_("Kind")),
)
BY_METRIC = {f.metric: f for f in FIGURES}
# Facts that restate an earlier fact of one thing whose counted details changed: the payload carries the earlier
# fact's payload as it was counted (`was`) and as it stands now (`now`), and the figures move from the one to the
# other. A blackout moves a confirmed booking to another slot (halls/slots.py): it was counted as booked on the day
# it was made, with its old slot's weekend and extended-hours flags; it stays counted that day, with the new
# slot's. Nobody new is served, so a restatement adds no person.
RESTATES: dict[str, str] = {"halls.booking_moved": "halls.booked"}
EVENTS: tuple[str, ...] = tuple(dict.fromkeys([*(f.event for f in FIGURES), *RESTATES]))
MEASURE_OF_EVENT = {f.event: f.measure for f in FIGURES}

# The funnels drawn per measure: metrics in order (the dimension summed away).
FUNNELS: dict[str, tuple[str, ...]] = {
    "1": ("passes.applied", "passes.issued"),
    "6": ("business.submitted", "business.accepted", "business.completed"),
}

Key = tuple[dt.date, str, str, str, str, str]   # day, province, office, measure, metric, dimension
PersonKey = tuple[str, dt.date, str, str, str]  # measure, day, province, office, person


@dataclass(frozen=True)
class Tally:
    counts: list[tuple[Key, int]]
    levels: list[tuple[Key, int]]
    person: PersonKey | None


def fact_day(payload: Payload, fallback: dt.date) -> dt.date:
    raw = payload.get("day")
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    return fallback


def tally(name: str, payload: Payload, fallback_day: dt.date) -> Tally:
    """What one fact adds to the figures (nothing for a fact no figure counts)."""
    if name in RESTATES:
        return _restated(RESTATES[name], payload, fallback_day)
    day = fact_day(payload, fallback_day)
    province = str(payload.get("province") or payload.get("province_code") or "00")[:2]
    office = str(payload.get("office") or "")[:20]
    counts: list[tuple[Key, int]] = []
    levels: list[tuple[Key, int]] = []
    for f in FIGURES:
        if f.event != name or (f.when is not None and not f.when(payload)):
            continue
        key = (day, province, office, f.measure, f.metric, (f.by(payload) if f.by else "")[:60])
        (levels if f.level else counts).append((key, f.add(payload) if f.add else 1))
    person = payload.get("person")
    measure = MEASURE_OF_EVENT.get(name)
    who = (measure, day, province, office, str(person)[:40]) if person and measure else None
    return Tally(counts, levels, who)


def _restated(original: str, payload: Payload, fallback_day: dt.date) -> Tally:
    """What a restatement changes: the original fact as it stands now, less the original fact as it was counted
    (only the keys whose count changes; levels are states, not restated)."""
    was, now = payload.get("was"), payload.get("now")
    if not isinstance(was, Mapping) or not isinstance(now, Mapping):
        return Tally([], [], None)
    change: dict[Key, int] = {}
    for sign, part in ((-1, was), (1, now)):
        for key, n in tally(original, part, fallback_day).counts:
            change[key] = change.get(key, 0) + sign * n
    return Tally([(k, n) for k, n in change.items() if n], [], None)
