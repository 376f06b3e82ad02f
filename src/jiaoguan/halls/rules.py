"""An office's booking rules: what each one means, its bounds, and the checks between them. Pure (no database,
no web framework): the schedule page, the API and `offices.configure_office` check through `problems`, so a rule
is refused with the same readable sentence wherever it is set.

The rules live on the office's row and booking reads that row in the request's own transaction, so a saved rule
holds for the very next booking in every process (there is no cache to go stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiaoguan.kit.i18n import N_

DAY = 24 * 60


@dataclass(frozen=True)
class Rule:
    name: str
    label: str     # msgid
    unit: str      # msgid ("" for a count)
    low: int
    high: int
    default: int


RULES: tuple[Rule, ...] = (
    Rule("horizon_days", N_("Booking horizon"), N_("days ahead"), 0, 90, 14),
    Rule("min_notice_minutes", N_("Minimum notice"), N_("minutes"), 0, 7 * DAY, 60),
    Rule("hold_minutes", N_("Hold time before confirming"), N_("minutes"), 1, 60, 10),
    Rule("person_daily_cap", N_("Appointments per person per day"), "", 1, 10, 2),
    Rule("cancel_notice_minutes", N_("Cancel or reschedule until"), N_("minutes before"), 0, 7 * DAY, 30),
    Rule("checkin_early_minutes", N_("Check-in opens"), N_("minutes before"), 0, 240, 30),
    Rule("checkin_late_minutes", N_("Check-in closes"), N_("minutes after"), 0, 120, 15),
    Rule("no_show_limit", N_("Missed appointments that bring a ban (0: never)"), "", 0, 100, 3),
    Rule("no_show_window_days", N_("Missed appointments counted over"), N_("days"), 1, 3650, 365),
    Rule("no_show_ban_days", N_("Ban from booking"), N_("days"), 0, 3650, 30),
    Rule("exempt_elderly_age", N_("No ban from the age of (0: nobody by age)"), N_("years"), 0, 120, 70),
)
BY_NAME = {r.name: r for r in RULES}
SWITCHES = {"exempt_disabled": N_("No ban for disabled people (recorded exemption)"),
            "exempt_hotline": N_("No ban for appointments booked by the hotline")}
MIN_ELDERLY_AGE = 50

Problem = tuple[str, str, dict[str, Any]]  # (rule name, msgid, its parameters)


def _out_of_bounds(r: Rule) -> Problem:
    return r.name, N_("Enter a whole number from %(low)s to %(high)s."), {"low": r.low, "high": r.high}


def problems(values: dict[str, Any]) -> list[Problem]:
    """What is wrong with a complete set of rules (the office's current ones with the changes laid over)."""
    found: list[Problem] = []
    for r in RULES:
        v = values.get(r.name)
        if not isinstance(v, int) or isinstance(v, bool) or not r.low <= v <= r.high:
            found.append(_out_of_bounds(r))
    if found:
        return found
    if values["min_notice_minutes"] >= (values["horizon_days"] + 1) * DAY:
        found.append(("min_notice_minutes", N_("The minimum notice must end within the booking horizon."), {}))
    if values["no_show_limit"] > 0 and values["no_show_ban_days"] == 0:
        found.append(("no_show_ban_days", N_("A ban lasts at least one day; set the missed appointments to 0 for "
                                             "no ban."), {}))
    if 0 < values["exempt_elderly_age"] < MIN_ELDERLY_AGE:
        found.append(("exempt_elderly_age", N_("Enter 0, or an age from %(low)s."), {"low": MIN_ELDERLY_AGE}))
    return found


def parse_form(form: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The rules as typed in the form: numbers (blank or not a number is a problem) and the switches."""
    values: dict[str, Any] = {}
    found: list[Problem] = []
    for r in RULES:
        text = str(form.get(r.name, "")).strip()
        if text.lstrip("-").isdigit():
            values[r.name] = int(text)
        if not text.lstrip("-").isdigit() or not r.low <= int(text) <= r.high:
            found.append(_out_of_bounds(r))
    for name in SWITCHES:
        values[name] = form.get(name) in ("1", "on", "true")
    return values, found
