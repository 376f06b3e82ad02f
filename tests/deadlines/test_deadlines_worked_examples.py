"""REFERENCE C.2: the worked examples, under the three shipped measures (Reading A for overdue classes,
+3 months for validity records)."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoguan.deadlines.engine import evaluate
from jiaoguan.deadlines.measures.loader import shipped_measures

D = dt.date.fromisoformat
MEASURES = shipped_measures()


def test_a_car_overdue_at_announcement_is_not_penalised_inside_the_window() -> None:
    d = evaluate("inspection", D("2022-03-15"), D("2022-05-01"), MEASURES)
    assert d.past_deadline is True and d.in_grace is True
    assert d.overdue is False, "overdue means past the effective deadline, the end of the grace window"
    assert d.penalty_allowed is False
    assert d.effective_due == D("2022-07-31")
    assert d.measures == ("MPS-2022-04-21",)


def test_from_the_first_of_august_the_overdue_car_may_be_penalised_again() -> None:
    d = evaluate("inspection", D("2022-03-15"), D("2022-08-01"), MEASURES)
    assert (d.overdue, d.penalty_allowed, d.effective_due) == (True, True, D("2022-07-31"))


def test_the_last_day_of_the_window_is_still_penalty_free() -> None:
    d = evaluate("inspection", D("2022-03-15"), D("2022-07-31"), MEASURES)
    assert (d.overdue, d.past_deadline, d.penalty_allowed) == (False, True, False)


def test_before_the_announcement_the_overdue_car_may_be_penalised() -> None:
    d = evaluate("inspection", D("2022-03-15"), D("2022-04-20"), MEASURES)
    assert (d.effective_due, d.penalty_allowed, d.measures) == (D("2022-03-15"), True, ())


def test_a_licence_expiring_inside_the_window_may_be_renewed_until_the_end_of_july() -> None:
    renewal = evaluate("licence-renewal", D("2022-06-10"), D("2022-07-15"), MEASURES)
    assert renewal.effective_due == D("2022-07-31")
    assert renewal.penalty_allowed is False


def test_the_cancellation_clock_of_that_licence_still_runs_to_the_tenth_of_june_2023() -> None:
    cancel = evaluate("licence-cancellation", D("2023-06-10"), D("2023-06-11"), MEASURES)
    assert (cancel.effective_due, cancel.overdue, cancel.measures) == (D("2023-06-10"), True, ())


def test_an_a2_review_due_inside_the_window_may_be_done_by_the_end_of_july() -> None:
    d = evaluate("licence-review", D("2022-05-20"), D("2022-06-01"), MEASURES)
    assert (d.effective_due, d.penalty_allowed) == (D("2022-07-31"), False)


@pytest.mark.parametrize(("kind", "due", "extended"), [
    ("learner-permit", "2022-05-05", "2022-08-05"),
    ("preselected-plate", "2022-04-28", "2022-07-28"),
])
def test_validity_records_valid_at_announcement_get_three_more_months(kind: str, due: str, extended: str) -> None:
    d = evaluate(kind, D(due), D("2022-06-01"), MEASURES)
    assert d.effective_due == D(extended)
    assert d.overdue is False
    after = evaluate(kind, D(due), D(extended) + dt.timedelta(days=1), MEASURES)
    assert after.overdue is True


def test_every_answer_says_why_in_chinese_and_english() -> None:
    d = evaluate("inspection", D("2022-03-15"), D("2022-05-01"), MEASURES)
    assert "2022-07-31" in d.reason_zh and "不予处罚" in d.reason_zh
    assert "2022-07-31" in d.reason_en and "without penalty" in d.reason_en
