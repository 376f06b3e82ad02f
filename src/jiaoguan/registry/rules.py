"""The registry's own arithmetic for the changes businesses make (pure: dates and codes in, answers out).

Validity of a renewed licence (Decree 162 arts 13, 62, 63), the age downgrade (超龄换证, art 65),
deferrals (延期, art 75), temporary plates (Decree 164 arts 46–47, 51), the preselected number's hold,
scoring-cycle points and 学法减分 (Decree 163 arts 14, 25–27), the sticker of an inspection-exempt vehicle
(arts 54–56) and the 容缺 certificate's due date. The database writes are in `registry/changes/`; these
functions are tested without one (`tests/registry/test_registry_rules.py`). A refusal is a `Refusal`
naming the rule (an English msgid) and its article, so a business can tell the applicant what would
satisfy it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jiaoguan.kit.calendar import WorkingDayCalendar, add_months, add_years, default_calendar
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids.licence import LICENCE_CLASSES

ONE_DAY = dt.timedelta(days=1)

#: Renew within 90 days before expiry (Decree 162 art 63); more than a year past it the licence is cancelled.
RENEWAL_WINDOW_DAYS = 90
RENEWABLE_AFTER_EXPIRY_YEARS = 1
#: Validity periods (art 13): the first licence is 6 years [I], then 10, then long-term (art 62).
FIRST_PERIOD_YEARS = 6
#: A deferral (延期换证 / 延期审验 / 延期提交身体条件证明) lasts at most 3 years (art 75) and may be asked for
#: during validity or up to one year after the deadline.
MAX_DEFERRAL_YEARS = 3
DEFERRAL_APPLY_AFTER_YEARS = 1
#: Temporary plates: at most 30 days, at most 3 issues (Decree 164 arts 46–47); 15 days while plates are
#: remade (art 51).
TEMP_PLATE_MAX_DAYS = 30
TEMP_PLATE_REPLACEMENT_MAX_DAYS = 15
TEMP_PLATE_MAX_ISSUES = 3
#: How long an office holds a preselected number when it sets nothing itself (working days) [P: S32].
DEFAULT_PLATE_HOLD_WORKING_DAYS = 15
#: 学法减分: one point per passed study, at most 6 per scoring cycle (Decree 163 arts 25–27).
STUDY_POINTS_PER_SESSION = 1
STUDY_POINTS_PER_CYCLE = 6
#: Points at which a cycle is "full" (满分): camera violations are no longer handled online (art 14).
FULL_SCORE = 12
#: The sticker is applied for within 3 months before the inspection expires (Decree 164 art 54).
STICKER_WINDOW_MONTHS = 3
#: Inspection-exempt (免检) small non-operating passenger cars: ≤ 9 seats, first 6 years, sticker every
#: 2 years (2014 and 2020 reforms, REFERENCE C.5) [P].
EXEMPT_MAX_SEATS = 9
EXEMPT_YEARS = 6
EXEMPT_INTERVAL_YEARS = 2
#: The 容缺 certificate's due date when no temporary measure sets one (configurable) [I].
DEFAULT_OBLIGATION_MONTHS = 6

# 超龄换证 (art 65 with REFERENCE A.2 #6): at 60, the large classes become a small car (A2 keeps C6);
# at 70, three-wheeled and two-wheeled motorcycles become a moped and C6 becomes a small car.
DOWNGRADE_AT_60 = {"A1": ("C1",), "A2": ("C1", "C6"), "A3": ("C1",), "B1": ("C1",), "B2": ("C1",)}
DOWNGRADE_AT_70 = {"D": ("F",), "E": ("F",), "C6": ("C1",)}


class Refusal(Exception):  # noqa: N818 - a rule's answer, not a programming error
    """A rule said no: `rule` is an English msgid (with `params`), `article` where the rule is written,
    `remedy` (a msgid) what would satisfy it; `reason` is a stable code (`registry.<reason>` on the wire)."""

    def __init__(self, reason: str, rule: str, article: str, remedy: str = "",
                 params: dict[str, Any] | None = None) -> None:
        self.reason, self.rule, self.article, self.remedy = reason, rule, article, remedy
        self.params = params or {}
        super().__init__(f"{reason}: {rule % self.params if self.params else rule}")


def age_on(birth: dt.date, on: dt.date) -> int:
    """Full years of age on `on` (a birthday on 29 February counts on 28 February in other years)."""
    years = on.year - birth.year
    return years if add_years(birth, years) <= on else years - 1


# --- licences ------------------------------------------------------------------------------------

def renewal_window_opens(valid_to: dt.date) -> dt.date:
    return valid_to - dt.timedelta(days=RENEWAL_WINDOW_DAYS)


def check_renewable(valid_to: dt.date | None, on: dt.date, deferred_until: dt.date | None = None) -> None:
    """期满换证 is open from 90 days before expiry to one year after it (arts 63, 79(8)), or until the end of a
    renewal deferral (延期换证, art 75)."""
    if valid_to is None:
        raise Refusal("long_term", N_("A long-term licence is not renewed at expiry."), "Decree 162 art 62",
                      N_("Apply for a replacement instead, if the document is lost or damaged."))
    opens = renewal_window_opens(valid_to)
    if on < opens:
        raise Refusal("not_in_window", N_("Renewal opens on %(date)s, 90 days before expiry."),
                      "Decree 162 art 63", N_("Apply on or after %(date)s."), {"date": opens.isoformat()})
    last = max(add_years(valid_to, RENEWABLE_AFTER_EXPIRY_YEARS), deferred_until or valid_to)
    if on > last:
        raise Refusal("too_late", N_("The licence expired more than a year ago (on %(date)s) and is cancelled."),
                      "Decree 162 art 79", N_("Restore it by passing subject 1, or apply for a new licence."),
                      {"date": valid_to.isoformat()})


def next_period(current_years: int | None, full_score_in_period: bool) -> int | None:
    """The validity of the renewed licence: 6 → 10 → long-term (None) when no scoring cycle of the
    ending period reached 12 points (art 62); otherwise the same period again [I]."""
    if current_years is None:
        return None
    if full_score_in_period:
        return current_years
    return 10 if current_years <= FIRST_PERIOD_YEARS else None


@dataclass(frozen=True)
class Renewal:
    valid_from: dt.date
    valid_to: dt.date | None
    period_years: int | None
    classes: str
    downgraded: bool


def renewal(*, valid_to: dt.date, period_years: int | None, classes: str, birth: dt.date, on: dt.date,
            full_score_in_period: bool = False, deferred_until: dt.date | None = None) -> Renewal:
    """期满换证 (and 超龄换证 when the holder is 60 or 70): the new validity and classes.

    Renewed in the window, the new period runs on from the old expiry, so no day is lost; renewed after
    expiry, from the day of renewal [I]. Validity ends on the same calendar day (有效期 printed `起 至`)."""
    check_renewable(valid_to, on, deferred_until)
    period = next_period(period_years, full_score_in_period)
    start = valid_to if on <= valid_to else on
    new_classes = downgraded_classes(classes, age_on(birth, on))
    return Renewal(start, None if period is None else add_years(start, period), period, new_classes,
                   new_classes != normal_classes(classes))


def normal_classes(classes: str | Iterable[str]) -> str:
    """Classes in the order of Decree 162 art 11, each once, space-separated (the registry's format)."""
    codes = set(classes.split() if isinstance(classes, str) else classes)
    order = list(LICENCE_CLASSES)
    return " ".join(sorted(codes, key=lambda c: order.index(c) if c in order else len(order)))


def downgraded_classes(classes: str, age: int) -> str:
    """超龄: what a holder of `age` keeps (A2 at 60 keeps C6 until 70; D/E become F at 70)."""
    codes = classes.split()
    if age >= 60:
        codes = [c for code in codes for c in DOWNGRADE_AT_60.get(code, (code,))]
    if age >= 70:
        codes = [c for code in codes for c in DOWNGRADE_AT_70.get(code, (code,))]
    return normal_classes(codes)


def deferred_until(*, deadline: dt.date, requested: dt.date, on: dt.date) -> dt.date:
    """延期换证 / 延期审验 / 延期提交身体条件证明 (art 75): asked for by one year after the deadline, for at most
    three years from it; the holder may not drive until the deferred matter is done."""
    if on > add_years(deadline, DEFERRAL_APPLY_AFTER_YEARS):
        raise Refusal("deferral_too_late", N_("A deferral is asked for no later than one year after %(date)s."),
                      "Decree 162 art 75", N_("Handle the matter itself at a vehicle office."),
                      {"date": deadline.isoformat()})
    last = add_years(deadline, MAX_DEFERRAL_YEARS)
    if requested <= on or requested <= deadline:
        raise Refusal("deferral_not_later", N_("The deferred date must be later than today and the deadline."),
                      "Decree 162 art 75", N_("Choose a date up to %(date)s."), {"date": last.isoformat()})
    if requested > last:
        raise Refusal("deferral_too_long", N_("A deferral lasts at most three years, until %(date)s."),
                      "Decree 162 art 75", N_("Choose a date up to %(date)s."), {"date": last.isoformat()})
    return requested


def medical_due_after_certificate(*, birth: dt.date, classes: str, cycle_start: dt.date,
                                  on: dt.date) -> dt.date | None:
    """After a certificate is handed in, the next one: 70+ yearly within 30 days after the scoring cycle's
    end, C5 every three years (art 74); otherwise none."""
    if age_on(birth, on) >= 70:
        end = cycle_end(cycle_start, on)
        return end + dt.timedelta(days=30) if end + dt.timedelta(days=30) > on else (
            cycle_end(add_years(cycle_start, 1), on) + dt.timedelta(days=30))
    if "C5" in classes.split():
        return add_years(on, 3)
    return None


# --- scoring cycle and points ------------------------------------------------------------------

def cycle_start_on(cycle_start: dt.date, on: dt.date) -> dt.date:
    """The start of the 12-month scoring cycle (记分周期) that contains `on`."""
    start = cycle_start
    while add_years(start, 1) <= on:
        start = add_years(start, 1)
    while start > on:
        start = add_years(start, -1)
    return start


def cycle_end(cycle_start: dt.date, on: dt.date) -> dt.date:
    return add_years(cycle_start_on(cycle_start, on), 1) - ONE_DAY


def check_online_violation(points_now: int, violation_points: int) -> None:
    """电子监控违法处理 online only while the cycle stays below 12 points with this one (Decree 163 art 14)."""
    if points_now + violation_points >= FULL_SCORE:
        raise Refusal("full_score", N_("With this violation the cycle would reach %(points)s points."),
                      "Decree 163 art 14", N_("Handle it at a traffic police office."),
                      {"points": points_now + violation_points})


def study_reduction(points_now: int, reduced_this_cycle: int) -> int:
    """学法减分: the points one passed study removes now (0 when nothing is left to remove)."""
    if reduced_this_cycle >= STUDY_POINTS_PER_CYCLE:
        raise Refusal("study_limit", N_("At most 6 points are removed by study in one scoring cycle."),
                      "Decree 163 art 27", N_("Wait for the next scoring cycle."))
    if points_now <= 0:
        raise Refusal("no_points", N_("There are no points to remove in this scoring cycle."),
                      "Decree 163 art 25")
    return min(STUDY_POINTS_PER_SESSION, points_now, STUDY_POINTS_PER_CYCLE - reduced_this_cycle)


# --- vehicles ------------------------------------------------------------------------------------

def temporary_plate_until(*, on: dt.date, days: int, issued_before: int, insurance_until: dt.date,
                          replacement: bool = False) -> dt.date:
    """申领临时号牌: at most 30 days (15 while plates are remade), at most 3 issues, never beyond 交强险."""
    cap = TEMP_PLATE_REPLACEMENT_MAX_DAYS if replacement else TEMP_PLATE_MAX_DAYS
    if issued_before >= TEMP_PLATE_MAX_ISSUES:
        raise Refusal("temp_plate_limit", N_("A vehicle gets at most three temporary plates."),
                      "Decree 164 art 47", N_("Register the vehicle at a vehicle office."))
    if not 1 <= days <= cap:
        raise Refusal("temp_plate_days", N_("A temporary plate is valid for 1 to %(days)s days."),
                      "Decree 164 art 47", N_("Ask for %(days)s days or fewer."), {"days": cap})
    if insurance_until < on:
        raise Refusal("insurance_lapsed", N_("The compulsory insurance ended on %(date)s."),
                      "Decree 164 art 46", N_("Renew the compulsory insurance (交强险) first."),
                      {"date": insurance_until.isoformat()})
    return min(on + dt.timedelta(days=days - 1), insurance_until)


def plate_hold_until(selected_on: dt.date, working_days: int = DEFAULT_PLATE_HOLD_WORKING_DAYS,
                     calendar: WorkingDayCalendar | None = None) -> dt.date:
    """预选号牌: held from the next day for the office's number of working days (holidays roll forward)."""
    return (calendar or default_calendar()).add_working_days(selected_on, working_days)


def inspection_exempt(*, vehicle_type: str, use_nature: str, seats: int, registered: dt.date, on: dt.date) -> bool:
    return (vehicle_type == "small_car" and use_nature == "non_operating" and seats <= EXEMPT_MAX_SEATS
            and on < add_years(registered, EXEMPT_YEARS))


def exempt_sticker_until(*, valid_until: dt.date, insurance_until: dt.date, open_violations: int,
                         on: dt.date) -> dt.date:
    """免检车申领检验标志: inside the 3-month window, 交强险 valid and violations closed; the new sticker
    runs two years on from the old expiry (arts 54–56)."""
    opens = add_months(valid_until, -STICKER_WINDOW_MONTHS)
    if on < opens:
        raise Refusal("sticker_not_in_window", N_("The sticker can be applied for from %(date)s."),
                      "Decree 164 art 54", N_("Apply on or after %(date)s."), {"date": opens.isoformat()})
    if insurance_until < on:
        raise Refusal("insurance_lapsed", N_("The compulsory insurance ended on %(date)s."),
                      "Decree 164 art 54", N_("Renew the compulsory insurance (交强险) first."),
                      {"date": insurance_until.isoformat()})
    if open_violations:
        raise Refusal("open_violations", N_("%(count)s traffic violations of this vehicle are not closed."),
                      "Decree 164 art 54", N_("Handle the violations and pay the fines first."),
                      {"count": open_violations})
    return add_years(max(valid_until, on), EXEMPT_INTERVAL_YEARS)


# --- 容缺 ------------------------------------------------------------------------------------------

def obligation_due(on: dt.date, *, measure_due: dt.date | None,
                   default_months: int = DEFAULT_OBLIGATION_MONTHS) -> dt.date:
    """The certificate's due date: the active measure's, if it sets one later than today, else the default."""
    if measure_due is not None and measure_due >= on:
        return measure_due
    return add_months(on, default_months)
