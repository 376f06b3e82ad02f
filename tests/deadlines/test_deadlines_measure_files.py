"""Each shipped measure file on its own, against hand-computed cases, then all three together."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoguan.deadlines.engine import evaluate, evaluate_record
from jiaoguan.deadlines.measures.loader import shipped_measures
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.rules.licence import Licence
from jiaoguan.deadlines.rules.permits import LearnerPermit

D = dt.date.fromisoformat
ALL = shipped_measures()


def only(measure_id: str) -> list[Measure]:
    return [m for m in ALL if m.id == measure_id]


MPS_2022, Y2020, SHANXI = only("MPS-2022-04-21"), only("MPS-2020-EPIDEMIC"), only("SX-2022-12-20")


# --- 2020 precedent -------------------------------------------------------------------------------

@pytest.mark.parametrize(("cls", "last_free", "first_penalised"), [
    ("heavy", "2020-07-31", "2020-08-01"),
    ("other", "2020-08-31", "2020-09-01"),
    (None, "2020-08-31", "2020-09-01"),
])
def test_2020_waivers_end_in_stages(cls: str | None, last_free: str, first_penalised: str) -> None:
    free = evaluate("inspection", D("2020-03-01"), D(last_free), Y2020, vehicle_class=cls)
    fined = evaluate("inspection", D("2020-03-01"), D(first_penalised), Y2020, vehicle_class=cls)
    assert (free.overdue, free.past_deadline, free.penalty_allowed) == (False, True, False)
    assert (fined.overdue, fined.penalty_allowed, fined.effective_due) == (True, True, D(last_free))


def test_2020_a_heavy_vehicle_driver_licence_follows_the_heavy_stage() -> None:
    licence = Licence(classes=frozenset({"B2"}), first_issued=D("2010-02-01"), valid_from=D("2014-02-01"),
                      valid_until=D("2020-02-01"), period_years=6)
    renewal = evaluate("licence-renewal", licence, D("2020-08-01"), Y2020)
    assert (renewal.vehicle_class, renewal.penalty_allowed) == ("heavy", True)


def test_2020_the_penalty_waiver_is_not_known_before_it_was_announced() -> None:
    assert evaluate("inspection", D("2020-01-01"), D("2020-02-02"), Y2020).penalty_allowed is True
    assert evaluate("inspection", D("2020-01-01"), D("2020-02-03"), Y2020).penalty_allowed is False


def test_2020_rongque_certificates_are_due_at_the_end_of_the_year() -> None:
    d = evaluate("medical-certificate", D("2020-05-01"), D("2020-12-31"), Y2020)
    assert (d.effective_due, d.overdue) == (D("2020-12-31"), False)
    assert evaluate("medical-certificate", D("2020-05-01"), D("2021-01-01"), Y2020).overdue is True


def test_2020_learner_permits_get_six_months_once_the_june_rules_are_announced() -> None:
    assert evaluate("learner-permit", D("2020-05-15"), D("2020-06-15"), Y2020).effective_due == D("2020-11-15")
    assert evaluate("learner-permit", D("2021-05-15"), D("2020-06-15"), Y2020).effective_due == D("2021-05-15")
    # Asked before the June notice, the February measure said nothing of learner permits.
    assert evaluate("learner-permit", D("2020-05-15"), D("2020-06-01"), Y2020).overdue is True


def test_2020_retained_plate_numbers_expiring_in_the_window_get_six_months() -> None:
    assert evaluate("plate-retention", D("2020-01-23"), D("2020-06-15"), Y2020).effective_due == D("2020-07-23")
    # Civil Code art 202: 30 June + 6 months is 30 December.
    assert evaluate("plate-retention", D("2020-06-30"), D("2020-07-01"), Y2020).effective_due == D("2020-12-30")
    assert evaluate("plate-retention", D("2020-07-01"), D("2020-07-01"), Y2020).effective_due == D("2020-07-01")


def test_2020_cancellations_were_held_until_the_end_of_june() -> None:
    held = evaluate("licence-cancellation", D("2020-03-15"), D("2020-06-30"), Y2020)
    assert (held.effective_due, held.overdue) == (D("2020-06-30"), False)
    assert evaluate("licence-cancellation", D("2020-03-15"), D("2020-07-01"), Y2020).overdue is True


# --- MPS 2022-04-21 -------------------------------------------------------------------------------

def test_2022_cancellation_and_scrapping_falling_in_the_window_are_held() -> None:
    held = evaluate("compulsory-scrapping", D("2022-06-30"), D("2022-08-01"), MPS_2022)
    assert (held.effective_due, held.overdue, held.measures) == (D("2022-10-31"), False, ("MPS-2022-04-21",))
    assert evaluate("compulsory-scrapping", D("2022-06-30"), D("2022-11-01"), MPS_2022).overdue is True
    before = evaluate("compulsory-scrapping", D("2022-04-15"), D("2022-05-01"), MPS_2022)
    assert (before.effective_due, before.overdue) == (D("2022-04-15"), True)


def test_2022_a_permit_issued_after_the_announcement_and_expiring_later_is_not_extended() -> None:
    late = LearnerPermit(D("2022-05-10"), "C1")
    d = evaluate("learner-permit", late, D("2022-06-01"), MPS_2022)
    assert (d.original_due, d.effective_due, d.measures) == (D("2025-05-10"), D("2025-05-10"), ())
    early = LearnerPermit(D("2020-01-10"), "C1")
    assert evaluate("learner-permit", early, D("2022-06-01"), MPS_2022).effective_due == D("2023-04-10")


def test_2022_month_end_extension_keeps_the_month_end() -> None:
    assert evaluate("learner-permit", D("2022-05-31"), D("2022-06-01"), MPS_2022).effective_due == D("2022-08-31")


def test_2022_a_record_due_after_the_window_gets_no_grace() -> None:
    d = evaluate("inspection", D("2022-07-31"), D("2022-08-01"), MPS_2022)
    assert (d.effective_due, d.penalty_allowed, d.measures) == (D("2022-07-31"), True, ())


# --- Shanxi 2022-12 -------------------------------------------------------------------------------

def test_shanxi_moves_a_learner_permit_expiring_in_the_window_by_three_months() -> None:
    d = evaluate("learner-permit", D("2022-11-15"), D("2022-12-25"), SHANXI, province="14")
    assert (d.effective_due, d.measures) == (D("2023-02-15"), ("SX-2022-12-20",))


def test_shanxi_leaves_guangdong_and_nationwide_records_unchanged() -> None:
    assert evaluate("learner-permit", D("2022-11-15"), D("2022-12-25"), SHANXI, "44").effective_due == D("2022-11-15")
    assert evaluate("learner-permit", D("2022-11-15"), D("2022-12-25"), SHANXI).effective_due == D("2022-11-15")


def test_shanxi_is_not_known_before_its_announcement_even_for_earlier_deadlines() -> None:
    d = evaluate("learner-permit", D("2022-11-15"), D("2022-12-19"), SHANXI, "14")
    assert (d.effective_due, d.overdue) == (D("2022-11-15"), True)
    assert evaluate("learner-permit", D("2022-11-15"), D("2022-12-20"), SHANXI, "14").overdue is False


def test_shanxi_month_end_and_kinds_outside_its_list() -> None:
    cancellation = evaluate("licence-cancellation", D("2022-11-30"), D("2022-12-25"), SHANXI, "14")
    assert (cancellation.deadline, cancellation.overdue) == (D("2023-02-28"), False)
    inspection = evaluate("inspection", D("2022-11-15"), D("2022-12-25"), SHANXI, "14")
    assert (inspection.effective_due, inspection.penalty_allowed) == (D("2022-11-15"), True)


# --- together ------------------------------------------------------------------------------------

def test_measures_stack_in_announcement_order_on_the_deadline_as_it_then_stood() -> None:
    # Held by MPS until 2022-10-31, which then falls in Shanxi's window: + 3 months.
    d = evaluate("compulsory-scrapping", D("2022-06-30"), D("2023-01-01"), ALL, "14")
    assert (d.effective_due, d.measures) == (D("2023-01-31"), ("MPS-2022-04-21", "SX-2022-12-20"))
    # A permit MPS already moved out of Shanxi's window is not moved again.
    permit = evaluate("learner-permit", D("2022-11-15"), D("2022-12-25"), ALL, "14")
    assert (permit.effective_due, permit.measures) == (D("2023-02-15"), ("MPS-2022-04-21",))


def test_a_record_is_judged_on_every_deadline_it_has() -> None:
    licence = Licence(classes=frozenset({"C1"}), first_issued=D("2016-06-10"), valid_from=D("2016-06-10"),
                      valid_until=D("2022-06-10"), period_years=6)
    decisions = {d.kind: d for d in evaluate_record(licence, D("2022-07-01"), ALL)}
    assert decisions[DeadlineKind.LICENCE_RENEWAL].effective_due == D("2022-07-31")
    assert decisions[DeadlineKind.LICENCE_CANCELLATION].effective_due == D("2023-06-10")
    assert decisions[DeadlineKind.LICENCE_RESTORATION].effective_due == D("2025-06-10")
    assert decisions[DeadlineKind.LICENCE_RENEWAL].rules[0] == "D162-63"


def test_asking_for_a_deadline_the_record_does_not_have_is_a_clear_error() -> None:
    from jiaoguan.deadlines.engine import NoSuchDeadline

    permit = LearnerPermit(D("2021-01-10"), "C1")
    with pytest.raises(NoSuchDeadline) as caught:
        evaluate("inspection", permit, D("2022-01-01"), ALL)
    assert caught.value.code == "deadlines.no_such_deadline"
    assert "inspection" in caught.value.text("en")
