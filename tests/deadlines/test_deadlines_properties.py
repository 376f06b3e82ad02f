"""Properties of the engine over randomly drawn measures (hypothesis)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoguan.deadlines.engine import evaluate
from jiaoguan.deadlines.measures.loader import parse_measure, shipped_measures
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.rules.kinds import DeadlineKind, Nature, VehicleClass

DAY = dt.timedelta(days=1)
days = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2025, 12, 31))
kinds = st.sampled_from(list(DeadlineKind))
provinces = st.sampled_from([None, "14", "44"])
classes = st.sampled_from([None, VehicleClass.HEAVY, VehicleClass.OTHER])
CONSEQUENCES = [k.value for k in DeadlineKind if k.nature is Nature.CONSEQUENCE]


def iso(d: dt.date) -> str:
    return d.isoformat()


@st.composite
def provisions(draw: st.DrawFn, start: dt.date, end: dt.date) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "classes": draw(st.lists(st.sampled_from([k.value for k in DeadlineKind]), min_size=1, max_size=4,
                                 unique=True)),
        "mode": draw(st.sampled_from(["grace_window", "shift", "shift_if_due_in_window"])),
        "penalty_waiver": draw(st.booleans()),
    }
    if draw(st.booleans()):
        doc["months"] = draw(st.integers(1, 12))
    else:
        doc["end_date"] = iso(start + draw(st.integers(0, 400)) * DAY)
    if draw(st.booleans()):
        doc["staged_end"] = {"heavy": iso(start + draw(st.integers(0, 200)) * DAY)}
    if draw(st.booleans()):
        low = start - draw(st.integers(0, 400)) * DAY
        doc["due_from"], doc["due_to"] = iso(low), iso(low + draw(st.integers(0, 500)) * DAY)
    return doc


@st.composite
def measures(draw: st.DrawFn, ident: str) -> Measure:
    announced = draw(days)
    start = announced + draw(st.integers(-120, 60)) * DAY
    end = start + draw(st.integers(0, 200)) * DAY
    doc: dict[str, Any] = {
        "id": ident, "version": 1, "title": {"zh": "随机措施", "en": "Random measure"},
        "announced": iso(announced), "effective_from": iso(start), "effective_to": iso(end),
        "region": draw(st.sampled_from(["national", ["14"], ["14", "44"]])),
        "provisions": draw(st.lists(provisions(start, end), min_size=1, max_size=3)),
    }
    if draw(st.booleans()):
        doc["suspends"] = [{"consequences": draw(st.lists(st.sampled_from(CONSEQUENCES), min_size=1, unique=True)),
                            "resume_on": iso(end + draw(st.integers(1, 120)) * DAY)}]
    return parse_measure(doc)


some_measures = st.tuples(measures("R-1"), measures("R-2"), measures("R-3")).map(list)


@settings(max_examples=150, deadline=None)
@given(some_measures, kinds, days, days, provinces, classes)
def test_an_extension_never_moves_a_deadline_earlier(ms: list[Measure], kind: DeadlineKind, due: dt.date,
                                                     on: dt.date, province: str | None,
                                                     cls: VehicleClass | None) -> None:
    d = evaluate(kind, due, on, ms + list(shipped_measures()), province, cls)
    assert d.original_due == due
    assert due <= d.deadline <= d.effective_due


@settings(max_examples=150, deadline=None)
@given(some_measures, kinds, days, days, provinces, classes)
def test_a_measure_is_ignored_before_its_announcement(ms: list[Measure], kind: DeadlineKind, due: dt.date,
                                                      on: dt.date, province: str | None,
                                                      cls: VehicleClass | None) -> None:
    known = [m for m in ms if m.announced <= on]
    assert evaluate(kind, due, on, ms, province, cls) == evaluate(kind, due, on, known, province, cls)


@settings(max_examples=150, deadline=None)
@given(some_measures, kinds, days, days, provinces, classes)
def test_evaluation_is_deterministic_and_does_not_depend_on_the_order_measures_are_given(
        ms: list[Measure], kind: DeadlineKind, due: dt.date, on: dt.date, province: str | None,
        cls: VehicleClass | None) -> None:
    first = evaluate(kind, due, on, ms, province, cls)
    assert evaluate(kind, due, on, ms, province, cls) == first
    assert evaluate(kind, due, on, list(reversed(ms)), province, cls) == first


@settings(max_examples=150, deadline=None)
@given(kinds, days, days, provinces)
def test_without_measures_only_the_regulation_decides(kind: DeadlineKind, due: dt.date, on: dt.date,
                                                      province: str | None) -> None:
    d = evaluate(kind, due, on, [], province)
    assert d.effective_due == d.deadline == due
    assert d.overdue == (on > due)
    assert d.penalty_allowed == (kind.penalisable and on > due)
    assert d.measures == ()
