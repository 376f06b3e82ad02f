"""Command-line values of the deadlines commands: a bad date, kind, province or class is one sentence.

Shared by `commands` (explain, measures validate) and `sweep.command`, which is why it is its own module.
"""

from __future__ import annotations

import datetime as dt

import typer

from jiaoguan.deadlines.rules.kinds import DeadlineKind, VehicleClass
from jiaoguan.kit.ids.divisions import PROVINCES

CLI_KINDS = (DeadlineKind.INSPECTION, DeadlineKind.LICENCE_RENEWAL, DeadlineKind.LICENCE_REVIEW,
             DeadlineKind.LEARNER_PERMIT, DeadlineKind.PRESELECTED_PLATE)


class UsageProblem(Exception):
    """A bad command-line value; the message is the sentence shown to the officer."""


def parse_day(value: str, option: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageProblem(f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2022-07-31.") from None


def parse_kind(value: str) -> DeadlineKind:
    try:
        return DeadlineKind(value)
    except ValueError:
        names = ", ".join(k.value for k in CLI_KINDS)
        raise UsageProblem(f"--kind {value!r} is not a deadline kind; use one of {names}.") from None


def parse_province(value: str | None) -> str | None:
    """A two-digit province code, or a six-digit division code whose province is taken."""
    if value is None:
        return None
    code = value.strip()[:2] if len(value.strip()) == 6 else value.strip()
    if not (code.isdigit() and code in PROVINCES):
        raise UsageProblem(f"--province {value!r} is not a province code; use two digits, e.g. 14 for 山西.")
    return code


def parse_vehicle_class(value: str | None) -> VehicleClass | None:
    if value is None:
        return None
    try:
        return VehicleClass(value)
    except ValueError:
        raise UsageProblem(f"--vehicle-class {value!r} is not known; use heavy or other.") from None


def fail(message: str, code: int = 2) -> typer.Exit:
    """Say it on stderr; the caller raises the returned exit (status 2: bad usage)."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)
