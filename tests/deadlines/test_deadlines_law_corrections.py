"""Issue #8, from the texts: who qualifies for a +3-month shift, records already cancelled, the Shanxi notice
of 2022-12-20, and 2020 replayed as it was known. Each case is written from the regulation's or the notice's
words (quoted) and names its article; each failed on the engine and data before the correction."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from jiaoguan.deadlines.commands import app
from jiaoguan.deadlines.engine import evaluate, evaluate_record
from jiaoguan.deadlines.measures.loader import shipped_measures
from jiaoguan.deadlines.rules.intervals import VehicleType, VehicleUse
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.rules.licence import Licence
from jiaoguan.deadlines.rules.permits import LearnerPermit, PreselectedPlate
from jiaoguan.deadlines.rules.vehicle import Vehicle, cycle_ends

D = dt.date.fromisoformat
ALL = shipped_measures()
runner = CliRunner()


def explain(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["explain", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def licence_expiring(day: str, classes: str = "C1") -> Licence:
    expiry = D(day)
    return Licence(classes=frozenset({classes}), first_issued=expiry.replace(year=expiry.year - 6),
                   valid_from=expiry.replace(year=expiry.year - 6), valid_until=expiry, period_years=6)


# --- 1. Who qualifies for a +3-month shift ---------------------------------------------------------------
# MPS 2022-04-21: "对互联网服务平台预选号牌号码有效期和学习驾驶证明有效期，一并予以延长3个月" — the validity
# running when the measure took effect. Decree 162 art 41: a learner permit is valid three years.

def test_decree_162_art_41_a_learner_permit_expiring_2025_06_01_began_after_2022_04_21_and_is_not_extended() -> None:
    d = evaluate("learner-permit", D("2025-06-01"), D("2022-06-01"), ALL)
    assert (d.effective_due, d.measures) == (D("2025-06-01"), ())


def test_decree_162_art_41_a_permit_expiring_2025_04_21_may_have_been_valid_on_2022_04_21_and_gets_3_months() -> None:
    assert evaluate("learner-permit", D("2025-04-21"), D("2022-06-01"), ALL).effective_due == D("2025-07-21")


def test_mps_2022_04_21_a_plate_number_held_in_january_2023_gets_no_three_more_months() -> None:
    d = evaluate("preselected-plate", D("2023-01-16"), D("2023-01-10"), ALL)
    assert (d.effective_due, d.measures) == (D("2023-01-16"), ())


def test_mps_2022_04_21_a_number_selected_after_the_announcement_keeps_its_hold_though_it_ends_in_july() -> None:
    plate = PreselectedPlate(selected_on=D("2022-05-05"), retention_working_days=3)
    d = evaluate("preselected-plate", plate, D("2022-06-01"), ALL)
    assert (d.overdue, d.measures) == (True, ())


def test_mps_2022_04_21_a_number_selected_before_the_announcement_is_extended() -> None:
    plate = PreselectedPlate(selected_on=D("2022-04-20"), retention_working_days=15)
    d = evaluate("preselected-plate", plate, D("2022-06-01"), ALL)
    assert (d.overdue, d.measures) == (False, ("MPS-2022-04-21",))


def test_mps_2022_04_21_explain_uses_the_issue_date_when_the_caller_has_it() -> None:
    # An age-capped permit (Decree 162 art 14) issued after the measure, expiring inside the window.
    later = explain("--kind", "learner-permit", "--due", "2022-07-10", "--issued", "2022-05-01", "--on", "2022-07-01")
    earlier = explain("--kind", "learner-permit", "--due", "2022-07-10", "--issued", "2020-01-10", "--on", "2022-07-01")
    assert (later["effective_due"], earlier["effective_due"]) == ("2022-07-10", "2022-10-10")


def test_june_2020_notice_permits_issued_from_2020_07_01_get_no_six_months() -> None:
    # "自7月1日起，新取得的学习驾驶证明有效期将不再延长" — an A/B-class permit capped at the 61st birthday.
    permit = LearnerPermit(issued=D("2020-07-05"), licence_class="B2", holder_birth_date=D("1959-10-02"))
    d = evaluate("learner-permit", permit, D("2020-09-01"), ALL)
    assert (d.effective_due, d.measures) == (D("2020-10-01"), ())


# --- 2. A record already cancelled is not renewable ------------------------------------------------------
# Decree 162 art 79(8): a licence more than one year past its expiry is cancelled.

def test_decree_162_art_79_a_licence_expired_2020_06_01_was_cancelled_in_2021_and_is_not_renewable_in_2022() -> None:
    d = evaluate("licence-renewal", D("2020-06-01"), D("2022-05-01"), ALL)
    assert "MPS-2022-04-21" not in d.measures       # (the 2020 measure's waiver had carried it to 2020-08-31)
    assert (d.in_grace, d.overdue, d.penalty_allowed) == (False, True, True)
    assert d.lapsed and "cancellation took effect after 2021-06-01" in d.reason_en
    cancellation = evaluate("licence-cancellation", D("2021-06-01"), D("2022-05-01"), ALL)
    assert cancellation.overdue is True


def test_decree_162_art_79_every_kind_agrees_on_a_licence_cancelled_before_the_2022_measure() -> None:
    decisions = {d.kind: d for d in evaluate_record(licence_expiring("2020-06-01"), D("2022-05-01"), ALL)}
    assert decisions[DeadlineKind.LICENCE_CANCELLATION].overdue is True
    renewal = decisions[DeadlineKind.LICENCE_RENEWAL]
    assert "MPS-2022-04-21" not in renewal.measures
    assert (renewal.overdue, renewal.in_grace, renewal.lapsed) == (True, False, True)


def test_decree_162_art_79_a_licence_whose_one_year_line_the_2022_measure_holds_stays_renewable() -> None:
    # Expired 2021-05-01: cancellation would have followed 2022-05-01, inside the measure's hold.
    d = evaluate("licence-renewal", D("2021-05-01"), D("2022-06-01"), ALL)
    assert (d.in_grace, d.effective_due, d.penalty_allowed) == (True, D("2022-07-31"), False)


def test_june_2020_notice_from_2020_07_01_a_licence_over_a_year_overdue_is_cancelled_not_renewable() -> None:
    # "自7月1日起，对驾驶证超过有效期未换证……不再延长换证……期限，要按规定办理注销" — held until 30 June only.
    renewal = evaluate("licence-renewal", D("2019-03-01"), D("2020-07-15"), ALL)
    assert (renewal.in_grace, renewal.effective_due) == (False, D("2020-06-30"))
    assert renewal.lapsed is True
    assert renewal.penalty_allowed is False       # the waiver for the overdue state runs to 31 August
    assert evaluate("licence-cancellation", D("2020-03-01"), D("2020-07-15"), ALL).overdue is True


def test_scrapping_standard_art_4_a_vehicle_due_for_scrapping_before_2022_04_21_gets_no_grace() -> None:
    car = Vehicle(registered=D("2004-01-10"), vehicle_type=VehicleType.SMALL_PASSENGER, use=VehicleUse.NON_OPERATING,
                  seats=5, inspection_valid_until=D("2020-01-31"))
    assert cycle_ends(car, 3)[-1] < D("2022-04-21")
    decisions = {d.kind: d for d in evaluate_record(car, D("2022-05-01"), ALL)}
    inspection = decisions[DeadlineKind.INSPECTION]
    assert "MPS-2022-04-21" not in inspection.measures
    assert (inspection.in_grace, inspection.overdue, inspection.lapsed) == (False, True, True)
    assert decisions[DeadlineKind.COMPULSORY_SCRAPPING].overdue is True


# --- 3. The Shanxi notice of 2022-12-20, read from its text ----------------------------------------------
# Item 5: "对2022年10月1日至12月31日期间，机动车驾驶证超过有效期1年未换证的，统一将换证期限延长3个月"

def test_shanxi_item_5_超过有效期1年未换证_a_licence_crossing_the_one_year_line_in_q4_2022_may_renew_3_months_longer(
        ) -> None:
    renewal = evaluate("licence-renewal", D("2021-11-15"), D("2023-01-10"), ALL, "14")
    assert "SX-2022-12-20" not in renewal.measures   # the line moved, not the expiry: renewable, though 逾期
    assert renewal.lapsed is False
    cancellation = evaluate("licence-cancellation", D("2022-11-15"), D("2023-01-10"), ALL, "14")
    assert (cancellation.effective_due, cancellation.overdue, cancellation.measure_refs) == (
        D("2023-02-15"), False, ("SX-2022-12-20@2",))


def test_shanxi_item_5_超过有效期1年未换证_a_licence_merely_expiring_in_q4_2022_is_not_extended() -> None:
    d = evaluate("licence-renewal", D("2022-11-30"), D("2022-12-25"), ALL, "14")
    assert (d.deadline, d.past_deadline, d.penalty_allowed) == (D("2022-11-30"), True, True)
    assert "SX-2022-12-20" not in d.measures


def test_shanxi_item_4_超过有效期3年未换证_the_restoration_line_in_q4_2022_moves_3_months() -> None:
    d = evaluate("licence-restoration", D("2022-12-10"), D("2023-01-10"), ALL, "14")
    assert (d.effective_due, d.overdue) == (D("2023-03-10"), False)


def test_shanxi_item_7_已申请满分教育但未完成_education_applied_for_by_2022_12_31_runs_3_months_longer() -> None:
    d = evaluate("full-score-education", D("2023-01-15"), D("2023-02-01"), ALL, "14", issued=D("2022-12-01"))
    assert (d.effective_due, d.measures) == (D("2023-04-15"), ("SX-2022-12-20",))
    applied_later = evaluate("full-score-education", D("2023-01-15"), D("2023-02-01"), ALL, "14",
                             issued=D("2023-01-02"))
    assert applied_later.effective_due == D("2023-01-15")


def test_shanxi_is_credited_in_shanxi_only_and_unknown_before_its_announcement() -> None:
    # Item 2 (原号牌号码保留期限满2年): no national measure touches a retained number in 2022.
    before = evaluate("plate-retention", D("2022-11-15"), D("2022-12-19"), ALL, "14")
    after = evaluate("plate-retention", D("2022-11-15"), D("2022-12-20"), ALL, "14")
    elsewhere = evaluate("plate-retention", D("2022-11-15"), D("2022-12-20"), ALL, "44")
    assert (before.overdue, after.measure_refs, elsewhere.overdue) == (True, ("SX-2022-12-20@2",), True)


def test_the_shipped_shanxi_file_quotes_the_notice_for_each_item() -> None:
    shanxi = next(m for m in ALL if m.ref == "SX-2022-12-20@2")
    texts = {k.value: p["text"] for p in shanxi.source["provisions"] for k in map(DeadlineKind, p["classes"])}
    assert "机动车驾驶证超过有效期1年未换证的，统一将换证期限延长3个月" in texts["licence-cancellation"]
    assert "licence-renewal" not in texts


# --- 4. 2020 replayed as it was known --------------------------------------------------------------------
# February 2020: "可延期到疫情结束后办理……不予处罚" — no end date; June 2020: 7-31 (heavy) and 8-31.

def test_2020_february_measure_as_of_2020_04_15_defers_until_further_notice_without_penalty() -> None:
    d = evaluate("inspection", D("2020-03-01"), D("2020-04-15"), ALL)
    assert (d.overdue, d.penalty_allowed, d.effective_due) == (False, False, D("2020-04-15"))
    assert (d.open_ended, d.measure_refs) == (True, ("MPS-2020-EPIDEMIC@2",))
    assert "until further notice" in d.reason_en


def test_2020_june_exit_rules_are_known_from_their_announcement_on() -> None:
    unknown = evaluate("inspection", D("2020-03-01"), D("2020-06-11"), ALL)
    assert (unknown.effective_due, unknown.open_ended) == (D("2020-06-11"), True)    # no end known yet
    other = evaluate("inspection", D("2020-03-01"), D("2020-06-12"), ALL, vehicle_class="other")
    heavy = evaluate("inspection", D("2020-03-01"), D("2020-06-12"), ALL, vehicle_class="heavy")
    assert (other.effective_due, heavy.effective_due) == (D("2020-08-31"), D("2020-07-31"))
    assert other.measure_refs == ("MPS-2020-EPIDEMIC@3",)


def test_2020_february_cancellations_were_held_until_further_notice_then_until_30_june() -> None:
    held = evaluate("licence-cancellation", D("2020-02-01"), D("2020-05-01"), ALL)
    assert (held.overdue, held.effective_due, held.open_ended) == (False, D("2020-05-01"), True)
    assert evaluate("licence-cancellation", D("2020-02-01"), D("2020-07-01"), ALL).overdue is True


def test_2020_explain_as_of_april_gives_the_february_answer() -> None:
    out = explain("--kind", "inspection", "--due", "2020-03-01", "--on", "2020-04-15")
    assert (out["overdue"], out["penalty_allowed"], out["open_ended"]) == (False, False, True)
