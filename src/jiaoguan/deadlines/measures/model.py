"""Temporary measures as versioned data (延期办: extensions, grace windows, waivers, suspensions).

A measure is never edited once in force: a new version (same id, higher version) replaces it from
its own announcement on, and `supersedes` can retire another measure ("ID@VERSION"). The file format
and its validation are in `loader.py`; how measures act on a deadline is in `engine.py`.

Modes of a provision, for a deadline `due` of one of its `classes`:
- `grace_window`: a record overdue at any moment up to the end date (due < end) may still be handled
  until the end date; the deadline itself stands (the record is 逾期), and with `penalty_waiver` no
  penalty is imposed on any day from `effective_from` to the end date.
- `shift`: a deadline on or after `due_from` (default `effective_from`, i.e. still valid when the
  measure starts) moves to due + `months`, or to `end_date`.
- `shift_if_due_in_window`: only deadlines inside [`due_from`, `due_to`] (default: the effective
  window) move.
A shift never moves a deadline earlier. `staged_end` gives a different end date per vehicle/licence
class (heavy | other); a class without its own entry uses `end_date`. A `suspends` entry holds the
listed downstream consequences (licence cancellation, compulsory scrapping) whose date falls in
[`from`, `resume_on` - 1] until `resume_on`; it is compiled into a `shift_if_due_in_window` provision.

`condition` is an optional CertLogic expression, evaluated against this data object:

    {"kind": "learner-permit", "due": "2022-05-05",       # the deadline as earlier measures left it
     "original_due": "2022-05-05", "on": "2022-06-01",
     "province": "14" | null, "vehicle_class": "heavy" | "other" | null,
     "record": {...}}                                      # the record's fields, dates as ISO strings

`record` holds the fields of the dataclass evaluated (see `rules.records.facts_of`), e.g. `issued` and
`licence_class` of a learner permit; it is `{}` when only a date was given. The provision applies
only when the condition evaluates to a truthy value (errors count as false).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jiaoguan.deadlines.rules.kinds import DeadlineKind, VehicleClass

ONE_DAY = dt.timedelta(days=1)


class Mode(StrEnum):
    GRACE_WINDOW = "grace_window"
    SHIFT = "shift"
    SHIFT_IF_DUE_IN_WINDOW = "shift_if_due_in_window"


@dataclass(frozen=True)
class Title:
    zh: str
    en: str

    def in_locale(self, locale: str) -> str:
        return self.zh if locale.startswith("zh") else self.en


@dataclass(frozen=True)
class Provision:
    classes: frozenset[DeadlineKind]
    mode: Mode
    months: int | None = None
    end_date: dt.date | None = None
    due_from: dt.date | None = None      # resolved: None only for an unbounded grace window
    due_to: dt.date | None = None        # resolved: None = no upper bound (grace: below the end date)
    penalty_waiver: bool = False
    staged_end: tuple[tuple[VehicleClass, dt.date], ...] = ()
    condition: Any = None
    penalty_free_from: dt.date | None = None   # first day a waiver covers (the measure's start)
    penalty_free_to: dt.date | None = None     # last day, when no end date says it (the measure's end)
    suspension: bool = False                    # compiled from a `suspends` entry
    index: int = 0

    def end_for(self, vehicle_class: VehicleClass | None) -> dt.date | None:
        for cls, end in self.staged_end:
            if cls == vehicle_class:
                return end
        return self.end_date

    def penalty_free(self, vehicle_class: VehicleClass | None) -> tuple[dt.date, dt.date] | None:
        """The days on which this provision waives the penalty for the overdue state, if it does."""
        if not self.penalty_waiver or self.penalty_free_from is None:
            return None
        end = self.end_for(vehicle_class) or self.penalty_free_to
        return None if end is None else (self.penalty_free_from, end)

    def qualifying(self, vehicle_class: VehicleClass | None) -> tuple[dt.date | None, dt.date | None]:
        """The inclusive range of deadlines this provision acts on (None: unbounded on that side)."""
        if self.mode is Mode.GRACE_WINDOW:
            end = self.end_for(vehicle_class)
            upper = None if end is None else end - ONE_DAY   # overdue at some moment up to the end
            if self.due_to is not None:
                upper = self.due_to if upper is None else min(upper, self.due_to)
            return self.due_from, upper
        return self.due_from, self.due_to

    def covers(self, due: dt.date, vehicle_class: VehicleClass | None) -> bool:
        low, high = self.qualifying(vehicle_class)
        return (low is None or due >= low) and (high is None or due <= high)


@dataclass(frozen=True)
class Suspension:
    consequences: frozenset[DeadlineKind]
    start: dt.date
    resume_on: dt.date


@dataclass(frozen=True)
class Measure:
    id: str
    version: int
    title: Title
    announced: dt.date
    effective_from: dt.date
    effective_to: dt.date | None
    region: frozenset[str] | None            # None = national; else 2-digit province codes
    provisions: tuple[Provision, ...]
    suspensions: tuple[Suspension, ...] = ()
    supersedes: tuple[str, ...] = ()         # "ID@VERSION" references
    notes: str = ""
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def covers_region(self, province: str | None) -> bool:
        return self.region is None or (province is not None and province in self.region)

    def acting_on(self, kind: DeadlineKind) -> list[Provision]:
        return [p for p in self.provisions if kind in p.classes]


def measures_in_force(measures: Sequence[Measure], on: dt.date, province: str | None = None) -> list[Measure]:
    """The measures that decide a deadline evaluated on `on` in `province`, in the order they apply.

    Only measures announced by `on` count (so a past answer replays exactly); of several versions of
    one id the highest announced wins, and a measure named in another's `supersedes` drops out.
    A measure keeps acting after its window closes: the deadlines it moved stay moved.
    """
    return [m for m in announced_by(measures, on) if m.covers_region(province)]


def announced_by(measures: Sequence[Measure], on: dt.date) -> list[Measure]:
    """Every region's measures in force on `on` (versions and supersessions resolved), in order."""
    known = [m for m in measures if m.announced <= on]
    latest: dict[str, Measure] = {}
    for m in known:
        if m.id not in latest or m.version > latest[m.id].version:
            latest[m.id] = m
    retired = {ref for m in latest.values() for ref in m.supersedes}
    chosen = [m for m in latest.values() if m.ref not in retired and m.id not in retired]
    return sorted(chosen, key=lambda m: (m.announced, m.effective_from, m.id, m.version))
