"""Command-line values of the deadlines commands: a bad date, kind, province or class is one sentence.

Shared by `commands` (explain, measures validate) and `sweep.command`, which is why it is its own module.
"""

from __future__ import annotations

import datetime as dt

from jiaoguan.deadlines.rules.kinds import DeadlineKind, VehicleClass
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids.divisions import PROVINCES

USAGE = 2  # the exit status of a bad command-line value


class UsageProblem(InvalidInput):
    """A bad command-line value; its text is the sentence shown to the officer."""

    code = "deadlines.bad_option"


def parse_day(value: str, option: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageProblem(N_("%(option)s %(value)s is not a date; write it as YYYY-MM-DD, e.g. 2022-07-31."),
                           option=option, value=repr(value)) from None


def parse_kind(value: str) -> DeadlineKind:
    try:
        return DeadlineKind(value)
    except ValueError:
        raise UsageProblem(N_("--kind %(value)s is not a deadline kind; use one of %(kinds)s."), value=repr(value),
                           kinds=", ".join(k.value for k in DeadlineKind)) from None


def parse_province(value: str | None) -> str | None:
    """A two-digit province code, or a six-digit division code whose province is taken."""
    if value is None:
        return None
    code = value.strip()[:2] if len(value.strip()) == 6 else value.strip()
    if not (code.isdigit() and code in PROVINCES):
        raise UsageProblem(N_("--province %(value)s is not a province code; use two digits, e.g. 14 for 山西."),
                           value=repr(value))
    return code


def parse_vehicle_class(value: str | None) -> VehicleClass | None:
    if value is None:
        return None
    try:
        return VehicleClass(value)
    except ValueError:
        raise UsageProblem(N_("--vehicle-class %(value)s is not known; use heavy or other."),
                           value=repr(value)) from None
