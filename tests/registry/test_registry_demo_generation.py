"""The demo generator without a database: deterministic, valid identifiers, every interesting state."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiaoguan.demo.builder import COLUMNS, TABLES, Batch, Builder
from jiaoguan.demo.draws import population
from jiaoguan.demo.featured import add_featured
from jiaoguan.demo.idgen import Bijection, PlateAllocator
from jiaoguan.kit.calendar import add_years
from jiaoguan.kit.db import full_metadata
from jiaoguan.kit.ids import (
    PLATE_TYPES,
    check_credit_code,
    check_id_number,
    check_licence_classes,
    check_licence_file_no,
    check_mobile,
    check_plate,
    check_vin,
    plate_types_for,
)
from jiaoguan.registry.states import (
    LICENCE_STATUSES,
    PERMIT_STATUSES,
    PLATE_HOLD_STATUSES,
    VEHICLE_STATUSES,
    licence_states,
    permit_states,
    plate_hold_states,
    vehicle_states,
)

ON = dt.date(2026, 11, 26)


def generate(seed: int, people: int, batch_rows: int = 500, on: dt.date = ON) -> dict[str, list[tuple]]:
    b = Builder(seed, on)
    rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
    first = Batch()
    add_featured(b, first)
    for chunk in [first] + [c for c, _ in population(b, people, batch_rows)]:
        for table in TABLES:
            rows[table].extend(chunk.rows[table])
    return rows


@pytest.fixture(scope="module")
def world() -> dict[str, list[tuple]]:
    return generate(2022, 1500)


def as_dicts(rows: dict[str, list[tuple]], table: str) -> list[dict]:
    return [dict(zip(COLUMNS[table], r, strict=True)) for r in rows[table]]


def test_the_same_seed_on_the_same_day_gives_the_same_rows() -> None:
    assert generate(7, 200) == generate(7, 200)


def test_another_seed_or_another_day_gives_other_rows() -> None:
    assert generate(7, 200)["person"] != generate(8, 200)["person"]
    assert generate(7, 200)["driving_licence"] != generate(7, 200, on=ON + dt.timedelta(days=1))["driving_licence"]


def test_batch_size_does_not_change_the_rows() -> None:
    assert generate(3, 150, batch_rows=7) == generate(3, 150, batch_rows=100_000)


def test_columns_match_the_registry_models() -> None:
    metadata = full_metadata()
    for table, columns in COLUMNS.items():
        assert set(columns) == set(metadata.tables[table].columns.keys()), table


def test_every_identifier_is_valid(world: dict[str, list[tuple]]) -> None:
    for p in as_dicts(world, "person"):
        checked = check_id_number(p["id_number"], on=ON)
        assert checked.ok, (p["id_number"], checked.reason)
        assert checked.birth_date == p["birth_date"]
        assert (checked.sex.value == "male") == (p["sex"] == "M")
        assert p["phone"] is None or check_mobile(p["phone"]).ok
    for e in as_dicts(world, "enterprise"):
        code = check_credit_code(e["credit_code"], strict=True)
        assert code.ok and code.division_code == e["address_division"]
    for v in as_dicts(world, "vehicle") + as_dicts(world, "preselected_plate"):
        plate = check_plate(v["plate_no"])
        assert plate.ok and plate.warning is None, v["plate_no"]
        assert plate.province_code == v["province_code"]
        allowed = {t.code for t in plate_types_for(plate.kind)}
        if v.get("vehicle_type") == "motorcycle":
            allowed.add("07")  # motorcycle plates share the ordinary layout (GA 36), kit.ids lists only 01/02
        assert v["plate_type"] in allowed and v["plate_type"] in PLATE_TYPES
        assert check_vin(v["vin"], strict=True).ok, v["vin"]
    for lic in as_dicts(world, "driving_licence"):
        assert check_licence_file_no(lic["file_no"]).ok
        assert check_licence_classes(lic["classes"]).ok
        assert lic["status"] in LICENCE_STATUSES
    assert {v["status"] for v in as_dicts(world, "vehicle")} <= set(VEHICLE_STATUSES)
    assert {p["status"] for p in as_dicts(world, "learner_permit")} <= set(PERMIT_STATUSES)
    assert {h["status"] for h in as_dicts(world, "preselected_plate")} <= set(PLATE_HOLD_STATUSES)


def test_identifiers_that_the_database_keeps_unique_never_repeat(world: dict[str, list[tuple]]) -> None:
    def unique(table: str, *cols: str) -> bool:
        keys = [tuple(r[c] for c in cols) for r in as_dicts(world, table)]
        return len(keys) == len(set(keys))

    assert unique("person", "id_number") and unique("person", "id")
    assert unique("driving_licence", "file_no") and unique("enterprise", "credit_code")
    assert unique("vehicle", "plate_type", "plate_no") and unique("vehicle", "vin")
    assert unique("preselected_plate", "vin")
    vins = [r["vin"] for r in as_dicts(world, "vehicle") + as_dicts(world, "preselected_plate")]
    assert len(vins) == len(set(vins))


def test_children_point_at_parents_written_before_them(world: dict[str, list[tuple]]) -> None:
    persons = {p[0] for p in world["person"]}
    firms = {e[0] for e in world["enterprise"]}
    assert all(r[1] in persons for t in ("driving_licence", "learner_permit", "preselected_plate") for r in world[t])
    for v in as_dicts(world, "vehicle"):
        assert (v["owner_person_id"] in persons) != (v["owner_enterprise_id"] in firms)


def test_nobody_holds_a_licence_before_eighteen_or_is_born_after_today(world: dict[str, list[tuple]]) -> None:
    births = {p["id"]: p["birth_date"] for p in as_dicts(world, "person")}
    assert max(births.values()) <= ON
    for lic in as_dicts(world, "driving_licence"):
        born = births[lic["person_id"]]
        assert lic["first_issued"] >= add_years(born, 18)
        assert lic["first_issued"] <= lic["valid_from"] <= lic["cycle_start"] + dt.timedelta(days=366 * 40)
        assert lic["valid_to"] is None or lic["valid_to"] > lic["valid_from"]


def state_codes(rows: dict[str, list[tuple]]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for x in as_dicts(rows, "driving_licence"):
        seen.update(t.code for t in licence_states(status=x["status"], valid_to=x["valid_to"], classes=x["classes"],
                                                   points=x["points"], review_due=x["review_due"],
                                                   medical_due=x["medical_due"], on=ON))
        seen.update({6: ["licence.six_year"], 10: ["licence.ten_year"]}.get(x["period_years"], []))
    for x in as_dicts(rows, "vehicle"):
        seen.update(t.code for t in vehicle_states(
            status=x["status"], inspection_valid_until=x["inspection_valid_until"],
            insurance_valid_until=x["insurance_valid_until"], missed_cycles=x["missed_cycles"], on=ON))
        seen["vehicle_type." + x["vehicle_type"]] += 1
    for x in as_dicts(rows, "learner_permit"):
        seen.update(t.code for t in permit_states(status=x["status"], valid_until=x["valid_until"], on=ON))
    for x in as_dicts(rows, "preselected_plate"):
        seen.update(t.code for t in plate_hold_states(status=x["status"], valid_until=x["valid_until"], on=ON))
    return seen


INTERESTING = {
    "licence.valid", "licence.renewal_window", "licence.overdue", "licence.cancel_eligible", "licence.cancelled",
    "licence.long_term", "licence.six_year", "licence.ten_year", "licence.detained", "licence.points",
    "licence.review_due", "licence.review_overdue", "licence.medical_due", "licence.medical_overdue",
    "vehicle.inspection_valid", "vehicle.inspection_due", "vehicle.inspection_overdue", "vehicle.scrap_due",
    "vehicle.insurance_lapsed", "vehicle_type.heavy_truck", "vehicle_type.tractor_unit",
    "vehicle_type.semi_trailer", "vehicle_type.small_car", "vehicle_type.motorcycle",
    "permit.valid", "permit.expiring", "permit.expired", "plate.held", "plate.lapsed",
}


def test_the_featured_records_alone_show_every_interesting_state() -> None:
    missing = INTERESTING - set(state_codes(generate(1, 0)))
    assert not missing


def test_the_random_population_shows_every_interesting_state_too(world: dict[str, list[tuple]]) -> None:
    b = Builder(2022, ON)
    rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
    for chunk, _ in population(b, 3000, 10_000):
        for t in TABLES:
            rows[t].extend(chunk.rows[t])
    missing = INTERESTING - set(state_codes(rows)) - {"licence.detained"}  # 0.4 %: may not occur in 3,000
    assert not missing


def test_the_demo_spans_the_six_provinces(world: dict[str, list[tuple]]) -> None:
    assert {p["province_code"] for p in as_dicts(world, "person")} == {"11", "31", "44", "51", "14", "42"}


@given(n=st.integers(min_value=1, max_value=5000), seed=st.integers(min_value=0, max_value=10**6))
@settings(max_examples=30)
def test_a_bijection_never_maps_two_counters_to_one_value(n: int, seed: int) -> None:
    import random

    perm = Bijection(random.Random(seed), n)
    assert sorted(perm(k) for k in range(n)) == list(range(n))


def test_plate_allocation_does_not_depend_on_the_order_provinces_are_first_used() -> None:
    a, b = PlateAllocator(5), PlateAllocator(5)
    first = [a.next("京", "AB", "ordinary"), a.next("沪", "AB", "ordinary")]
    second = [b.next("沪", "AB", "ordinary"), b.next("京", "AB", "ordinary")]
    assert first == second[::-1]
