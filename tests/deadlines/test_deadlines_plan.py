"""The bulk seam: replaying `bulk_terms` the way a set-based sweep would gives the engine's answers."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoguan.deadlines.engine import condition_data, decide
from jiaoguan.deadlines.kinds import DeadlineKind, VehicleClass
from jiaoguan.deadlines.measure_loader import shipped_measures
from jiaoguan.deadlines.measures import Mode
from jiaoguan.deadlines.plan import BulkTerm, bulk_terms
from jiaoguan.kit.calendar import add_months
from jiaoguan.kit.certlogic import evaluate_condition

MEASURES = shipped_measures()
days = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2024, 12, 31))
provinces = st.sampled_from([None, "14", "44", "11"])
classes = st.sampled_from([None, VehicleClass.HEAVY, VehicleClass.OTHER])


def replay(terms: list[BulkTerm], kind: DeadlineKind, due: dt.date, on: dt.date, province: str | None,
           cls: VehicleClass | None) -> tuple[dt.date, dt.date, bool]:
    deadline = until = due
    free: list[tuple[dt.date, dt.date]] = []
    for t in terms:
        if t.kind is not kind or cls not in t.classes or (t.region is not None and province not in t.region):
            continue
        if (t.due_from is not None and deadline < t.due_from) or (t.due_to is not None and deadline > t.due_to):
            continue
        if t.condition is not None and not evaluate_condition(
                t.condition, condition_data(kind, deadline, due, on, province, cls, {})):
            continue
        if t.mode is Mode.GRACE_WINDOW:
            assert t.end_date is not None
            until = max(until, t.end_date)
        else:
            new = add_months(deadline, t.months) if t.months is not None else t.end_date
            assert new is not None
            deadline = max(deadline, new)
            until = max(until, deadline)
        if t.penalty_free is not None:
            free.append(t.penalty_free)
    waived = any(a <= on <= b for a, b in free)
    return deadline, max(deadline, until), waived


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(DeadlineKind)), days, days, provinces, classes)
def test_replaying_the_bulk_terms_agrees_with_the_engine(kind: DeadlineKind, due: dt.date, on: dt.date,
                                                         province: str | None, cls: VehicleClass | None) -> None:
    decision = decide(kind, due, on, MEASURES, province, cls)
    deadline, effective, waived = replay(bulk_terms(MEASURES, on), kind, due, on, province, cls)
    assert (deadline, effective) == (decision.deadline, decision.effective_due)
    assert decision.penalty_allowed == (kind.penalisable and on > deadline and not waived)


def test_terms_carry_the_window_and_the_shift_a_sweep_needs() -> None:
    terms = [t for t in bulk_terms(MEASURES, dt.date(2023, 1, 1), [DeadlineKind.LEARNER_PERMIT])
             if t.measure_id == "SX-2022-12-20"]
    assert len(terms) == 1
    t = terms[0]
    assert (t.due_from, t.due_to, t.months, t.region) == (dt.date(2022, 10, 1), dt.date(2022, 12, 31), 3,
                                                          frozenset({"14"}))
    assert t.sql_only


def test_a_staged_exit_becomes_one_term_per_class() -> None:
    terms = [t for t in bulk_terms(MEASURES, dt.date(2020, 9, 1), [DeadlineKind.INSPECTION])
             if t.mode is Mode.GRACE_WINDOW]
    ends = {frozenset(t.classes): t.end_date for t in terms}
    assert ends[frozenset({VehicleClass.HEAVY})] == dt.date(2020, 7, 31)
    assert ends[frozenset({VehicleClass.OTHER, None})] == dt.date(2020, 8, 31)


def test_no_terms_before_any_measure_was_announced() -> None:
    assert bulk_terms(MEASURES, dt.date(2019, 12, 31)) == []
