"""Inspection intervals (实施条例 art 16 and the 2014 / 2020-11-20 / 2022-10-01 reforms) and compulsory
scrapping, hand-computed."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoguan.deadlines.rules.intervals import VehicleType, VehicleUse
from jiaoguan.deadlines.rules.kinds import DeadlineKind, VehicleClass
from jiaoguan.deadlines.rules.records import deadlines_for
from jiaoguan.deadlines.rules.vehicle import (
    Vehicle,
    cycle_ends,
    cycles_without_sticker,
    is_sticker_only,
    next_validity_end,
)

D = dt.date.fromisoformat


def car(registered: str, valid_until: str, seats: int = 5, **kw: object) -> Vehicle:
    return Vehicle(D(registered), VehicleType.SMALL_PASSENGER, VehicleUse.NON_OPERATING, seats, D(valid_until),
                   **kw)  # type: ignore[arg-type]


def test_a_private_car_under_the_2020_rules_is_inspected_every_two_years_until_ten() -> None:
    v = car("2016-03-15", "2022-03-31")
    assert not is_sticker_only(v, D("2022-03-31"))                 # year 6: on site
    assert next_validity_end(v, D("2022-03-31")) == D("2024-03-31")


def test_the_2022_reform_makes_year_eight_sticker_only_and_yearly_after_ten() -> None:
    v = car("2016-03-15", "2024-03-31")
    assert is_sticker_only(v, D("2024-03-31"))                     # year 8
    assert next_validity_end(v, D("2024-03-31")) == D("2026-03-31")
    assert not is_sticker_only(v, D("2026-03-31"))                 # year 10: on site
    assert next_validity_end(v, D("2026-03-31")) == D("2027-03-31")
    assert next_validity_end(v, D("2032-03-31")) == D("2033-03-31")  # no 6-monthly rule after 15 years


def test_the_2014_reform_exempts_years_two_and_four_and_art_16_applies_before_it() -> None:
    v = car("2012-05-20", "2014-05-31")
    assert not is_sticker_only(v, D("2014-05-31"))                 # before 2014-09-01
    assert next_validity_end(v, D("2014-05-31")) == D("2016-05-31")
    assert is_sticker_only(v, D("2016-05-31"))
    assert next_validity_end(v, D("2018-05-31")) == D("2019-05-31")  # yearly after 6 years until 2020-11-20


def test_seven_seat_cars_joined_the_exemption_in_2020_but_vans_never_did() -> None:
    seven = car("2016-03-15", "2018-03-31", seats=7)
    assert not is_sticker_only(seven, D("2018-03-31"))             # 2014 reform: up to 6 seats only
    assert is_sticker_only(car("2019-03-15", "2021-03-31", seats=7), D("2021-03-31"))
    van = car("2019-03-15", "2021-03-31", seats=7, is_van=True)
    assert not is_sticker_only(van, D("2021-03-31"))
    assert next_validity_end(van, D("2025-03-31")) == D("2026-03-31")  # art 16: yearly after 6 years


@pytest.mark.parametrize(("vtype", "use", "registered", "valid_until", "next_end"), [
    (VehicleType.SMALL_PASSENGER, VehicleUse.OPERATING, "2015-01-10", "2019-01-31", "2020-01-31"),
    (VehicleType.SMALL_PASSENGER, VehicleUse.OPERATING, "2015-01-10", "2020-01-31", "2020-07-31"),
    (VehicleType.HEAVY_TRUCK, VehicleUse.OPERATING, "2010-07-01", "2019-07-31", "2020-07-31"),
    (VehicleType.HEAVY_TRUCK, VehicleUse.OPERATING, "2010-07-01", "2020-07-31", "2021-01-31"),
    (VehicleType.MEDIUM_PASSENGER, VehicleUse.NON_OPERATING, "2012-02-29", "2022-02-28", "2022-08-31"),
    (VehicleType.MOTORCYCLE, VehicleUse.NON_OPERATING, "2018-08-08", "2020-08-31", "2022-08-31"),
    (VehicleType.MOTORCYCLE, VehicleUse.NON_OPERATING, "2018-08-08", "2022-08-31", "2023-08-31"),
    (VehicleType.TRACTOR, VehicleUse.NON_OPERATING, "2018-08-08", "2022-08-31", "2023-08-31"),
])
def test_intervals_follow_article_16(vtype: VehicleType, use: VehicleUse, registered: str, valid_until: str,
                                     next_end: str) -> None:
    v = Vehicle(D(registered), vtype, use, 5, D(valid_until))
    assert next_validity_end(v, D(valid_until)) == D(next_end)


def test_three_cycles_without_a_sticker_lead_to_compulsory_scrapping() -> None:
    truck = Vehicle(D("2015-03-01"), VehicleType.HEAVY_TRUCK, VehicleUse.OPERATING, 3, D("2019-03-31"))
    assert cycle_ends(truck, 3) == [D("2020-03-31"), D("2021-03-31"), D("2022-03-31")]
    assert cycles_without_sticker(truck, D("2019-03-31")) == 0
    assert cycles_without_sticker(truck, D("2021-06-01")) == 3
    found = deadlines_for(truck, D("2021-06-01"))
    (scrap,) = [d for d in found if d.kind is DeadlineKind.COMPULSORY_SCRAPPING]
    assert scrap.due == D("2022-03-31")
    assert truck.vehicle_class is VehicleClass.HEAVY


def test_a_valid_vehicle_has_only_its_inspection_deadline_with_the_sticker_window() -> None:
    (inspection,) = deadlines_for(car("2016-03-15", "2024-03-31"), D("2023-01-01"))
    assert (inspection.kind, inspection.due, inspection.opens, inspection.detail) == (
        DeadlineKind.INSPECTION, D("2024-03-31"), D("2023-12-31"), "sticker-only")
