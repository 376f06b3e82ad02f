"""Which measures waive a penalty for a record on a day (`Decision.waived_by`, what the figures count as penalties
waived): only one the regulations alone would fine, past its own deadline, while the waiver holds."""

from __future__ import annotations

import datetime as dt

from jiaoguan.deadlines.engine import evaluate
from jiaoguan.deadlines.measures.loader import parse_measure, shipped_measures

D = dt.date.fromisoformat
MPS = shipped_measures()
EXTEND_AND_WAIVE = parse_measure({
    "id": "TEST-EXTEND-WAIVE", "version": 1, "title": {"zh": "延期并免罚", "en": "Extended and waived"},
    "announced": "2022-04-21", "effective_from": "2022-04-21", "effective_to": "2022-07-31", "region": "national",
    "provisions": [{"classes": ["inspection", "learner-permit"], "mode": "shift", "months": 3,
                    "penalty_waiver": True}],
})


def test_a_car_overdue_in_the_grace_window_has_its_penalty_waived_by_the_measure() -> None:
    d = evaluate("inspection", D("2022-03-15"), D("2022-05-01"), MPS)
    assert (d.penalty_allowed, d.waived_by) == (False, ("MPS-2022-04-21@2",))


def test_a_moved_deadline_not_yet_past_under_the_regulations_has_no_penalty_to_waive() -> None:
    d = evaluate("inspection", D("2022-06-30"), D("2022-05-01"), [EXTEND_AND_WAIVE])
    assert d.measure_refs == ("TEST-EXTEND-WAIVE@1",) and d.deadline == D("2022-09-30")
    assert d.waived_by == ()


def test_a_moved_deadline_already_past_under_the_regulations_has_its_penalty_waived() -> None:
    d = evaluate("inspection", D("2022-04-25"), D("2022-05-01"), [EXTEND_AND_WAIVE])
    assert d.waived_by == ("TEST-EXTEND-WAIVE@1",)


def test_a_kind_that_is_no_offence_when_overdue_has_no_penalty_to_waive() -> None:
    d = evaluate("learner-permit", D("2022-04-25"), D("2022-05-01"), [EXTEND_AND_WAIVE])
    assert d.measure_refs == ("TEST-EXTEND-WAIVE@1",) and d.waived_by == ()


def test_after_the_waiver_ends_the_overdue_car_is_no_longer_waived() -> None:
    d = evaluate("inspection", D("2022-03-15"), D("2022-08-01"), MPS)
    assert (d.penalty_allowed, d.waived_by) == (True, ())
