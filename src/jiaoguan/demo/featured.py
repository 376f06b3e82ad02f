"""Hand-picked demo records: one for every state a reviewer wants to click on, whatever the seed.

The random population shows the same states at realistic rates; these make sure each exists even
with `--people 0`, and give the demo sign-ins (`citizen`, `elder`, `agent`) records worth seeing.
All dates are relative to the demo's reference day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jiaoguan.demo.builder import Batch, Builder, EnterpriseRef, PersonRef
from jiaoguan.demo.draws import draw_fleet_vehicle, years_between
from jiaoguan.demo.places import PROVINCE_BY_CODE
from jiaoguan.demo.vehicles import KINDS, inspection_dues, month_end
from jiaoguan.kit.calendar import add_months, add_years

CITIZEN_PHONE = "13800138000"
ELDER_PHONE = "13900139000"


@dataclass
class Featured:
    citizen: PersonRef
    elder: PersonRef
    driver: PersonRef
    enterprise: EnterpriseRef
    people: dict[str, PersonRef] = field(default_factory=dict)   # state name -> the person showing it


class _Maker:
    def __init__(self, b: Builder, batch: Batch) -> None:
        self.b, self.batch, self.on = b, batch, b.on

    def day(self, offset: int) -> dt.date:
        return self.on + dt.timedelta(days=offset)

    def person(self, name: str, province: str, area: str, age_years: int, age_days: int, male: bool,
               phone: str | None = None) -> PersonRef:
        birth = add_years(self.on, -age_years) - dt.timedelta(days=age_days)
        return self.b.person(self.batch, province=PROVINCE_BY_CODE[province], birth=birth, male=male,
                             id_area=area, area=area, phone=phone, name=name)

    def licence(self, who: PersonRef, classes: str, *, valid_to: dt.date | None, period: int | None,
                status: str = "valid", first: dt.date | None = None, cycle_start: dt.date | None = None,
                points: int = 0, review_due: dt.date | None = None, medical_due: dt.date | None = None) -> None:
        if valid_to is None:
            assert first is not None, "a long-term licence needs its first issue date"
            valid_from = add_years(first, 16)
        else:
            assert period is not None
            valid_from = add_years(valid_to, -period)
            first = first or (valid_from if period == 6 else add_years(valid_from, -6))
        cycle_start = cycle_start or add_years(first, years_between(first, self.on))
        self.b.licence(self.batch, who, classes=classes, first_issued=first, valid_from=valid_from,
                       valid_to=valid_to, period=period, status=status, cycle_start=cycle_start, points=points,
                       review_due=review_due, medical_due=medical_due)

    def vehicle(self, who: PersonRef, kind: str, *, age_at_inspection: int, inspection: dt.date,
                insurance: dt.date, status: str = "normal") -> str:
        """A vehicle whose inspection mark runs to `inspection`, registered `age_at_inspection` years before."""
        registered = add_years(inspection, -age_at_inspection)
        # Cycles missed: the due dates from `inspection` up to today that passed without an inspection.
        missed = 0
        for due in inspection_dues(KINDS[kind].schedule, registered):
            if due >= self.on:
                break
            missed += due >= month_end(inspection)
        return self.b.vehicle(self.batch, kind_name=kind, province=who.province, registered=registered,
                              inspection_until=month_end(inspection), insurance_until=insurance,
                              missed_cycles=missed, status=status, owner=who)


def add_featured(b: Builder, batch: Batch) -> Featured:
    m, on = _Maker(b, batch), b.on
    people: dict[str, PersonRef] = {}

    # The `citizen` sign-in: licence in its renewal window, a car due for inspection, a permit, a plate hold.
    citizen = m.person("张明", "11", "110105", 38, 120, True, CITIZEN_PHONE)
    m.licence(citizen, "C1 E", valid_to=m.day(45), period=10, points=2)
    m.vehicle(citizen, "small_car", age_at_inspection=4, inspection=m.day(40), insurance=m.day(20))
    m.vehicle(citizen, "small_nev", age_at_inspection=2, inspection=m.day(300), insurance=m.day(200))
    b.permit(batch, citizen, classes="D", issued_on=add_years(on, -3) + dt.timedelta(days=60), status="valid")
    b.plate_hold(batch, citizen, nev=True, selected_on=m.day(-2))
    people["renewal_window"] = people["inspection_due"] = people["permit_expiring"] = citizen

    # The `elder` sign-in: 73, long-term licence, this year's medical certificate due (容缺办 material).
    elder = m.person("李秀英", "31", "310104", 73, 50, False, ELDER_PHONE)
    m.licence(elder, "C1", valid_to=None, period=None, first=add_years(m.day(-10), -30),
              medical_due=m.day(19))
    m.vehicle(elder, "small_car", age_at_inspection=12, inspection=m.day(150), insurance=m.day(12))
    people["long_term"] = people["over_70_medical_due"] = elder

    # A tractor-trailer driver: A2 with points, review due after the cycle that is about to end.
    driver = m.person("王强", "51", "510107", 45, 200, True)
    m.licence(driver, "A2 D", valid_to=m.day(900), period=10, cycle_start=add_years(m.day(10), -1), points=6,
              review_due=m.day(39))
    people["ab_review_due"] = driver

    who = m.person("刘洋", "42", "420106", 40, 10, True)
    m.licence(who, "B2", valid_to=m.day(2000), period=10, cycle_start=m.day(-50), review_due=m.day(-21))
    people["ab_review_overdue"] = who

    who = m.person("陈静", "44", "440106", 31, 77, False)
    m.licence(who, "C2", valid_to=m.day(-60), period=6, status="expired")
    people["overdue"] = who

    who = m.person("赵磊", "42", "420102", 50, 5, True)
    m.licence(who, "C1", valid_to=m.day(-420), period=10, status="expired")
    people["overdue_cancel_eligible"] = who

    who = m.person("周敏", "14", "140105", 47, 300, False)
    m.licence(who, "C1", valid_to=add_years(on, -4), period=10, status="cancelled")
    people["cancelled"] = who

    who = m.person("孙杰", "11", "110101", 56, 33, True)
    m.licence(who, "C1 E", valid_to=None, period=None, first=add_years(on, -27))
    m.vehicle(who, "motorcycle", age_at_inspection=6, inspection=m.day(200), insurance=m.day(90))
    people["long_term_middle_aged"] = who

    who = m.person("吴婷", "44", "440304", 24, 90, False)
    m.licence(who, "C2", valid_to=add_years(m.day(-700), 6), period=6)
    people["six_year"] = who

    who = m.person("郑浩", "31", "310115", 35, 15, True)
    m.licence(who, "C1", valid_to=m.day(2400), period=10, points=3)
    people["ten_year"] = who

    who = m.person("黄丽", "44", "440103", 42, 222, False)
    m.licence(who, "C1", valid_to=m.day(1500), period=10, status="detained")
    people["detained"] = who

    who = m.person("马建国", "42", "420106", 78, 100, True)
    m.licence(who, "C1", valid_to=None, period=None, first=add_years(on, -40), cycle_start=m.day(-70),
              medical_due=m.day(-41))
    people["over_70_medical_overdue"] = who

    who = m.person("林悦", "51", "510104", 22, 40, False)
    b.permit(batch, who, classes="C1", issued_on=add_years(on, -3) - dt.timedelta(days=30), status="valid")
    people["permit_expired"] = who

    who = m.person("何伟", "44", "440106", 52, 180, True)
    m.licence(who, "C1", valid_to=m.day(1200), period=10)
    m.vehicle(who, "small_car", age_at_inspection=8, inspection=add_months(on, -2), insurance=m.day(-15))
    m.vehicle(who, "light_truck", age_at_inspection=9, inspection=add_months(on, -32), insurance=m.day(-400))
    people["inspection_overdue"] = people["insurance_lapsed"] = people["scrap_due"] = who

    who = m.person("罗娜", "14", "140106", 27, 12, False)
    b.permit(batch, who, classes="C2", issued_on=m.day(-100), status="valid")
    b.plate_hold(batch, who, nev=False, selected_on=m.day(-60))
    people["permit_valid"] = people["plate_hold_lapsed"] = who

    firm = _featured_fleet(m, people)
    return Featured(citizen=citizen, elder=elder, driver=driver, enterprise=firm, people=people)


def _featured_fleet(m: _Maker, people: dict[str, PersonRef]) -> EnterpriseRef:
    """The `agent` sign-in's company: a Beijing haulier with trucks, tractors and trailers.

    In the staff's province (the demo's clerk, seat, issuer and supervisor sit in Beijing), so the clerk sees
    and works the firm's batch and door-to-door requests, and the issuer its applications."""
    b, batch, on = m.b, m.batch, m.on
    firm = b.enterprise(batch, province=PROVINCE_BY_CODE["11"], division="110105", name="北京顺达物流有限公司")
    for kind, count in (("heavy_truck", 8), ("tractor_unit", 6), ("semi_trailer", 6), ("nev_truck", 2)):
        for _ in range(count):
            draw_fleet_vehicle(b, batch, firm, kind=kind)
    # Trucks inspect yearly: registered a month short of three years ago, they are due now.
    for kind in ("heavy_truck", "tractor_unit", "semi_trailer"):
        draw_fleet_vehicle(b, batch, firm, kind=kind, registered=add_years(m.day(30), -3))
    b.vehicle(batch, kind_name="tractor_unit", province=firm.province, registered=add_years(on, -6),
              inspection_until=month_end(add_months(on, -3)), insurance_until=m.day(100), missed_cycles=1,
              enterprise=firm)
    # Its drivers: tractor-trailer (A2) licences in force, so the pass register check finds the crews.
    for i, name in enumerate(("马建军", "胡国庆", "郭志刚", "何永强", "高晓东", "林海波", "罗成", "梁振华")):
        who = m.person(name, "11", "110105", 35 + i * 2, 40 * i, True)
        m.licence(who, "A2", valid_to=m.day(1200 + 90 * i), period=10, cycle_start=m.day(-30 * i - 10))
        people[f"fleet_driver_{i + 1}"] = who
    return firm
