"""What other rooms may ask the registry: plain snapshots, and no guess when a plate number is ambiguous."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.orm import Session

from jiaoguan.registry import queries
from tests.factories import accounts, registry

D = registry.D


def test_a_vehicle_is_found_by_its_plate_as_a_snapshot_that_cannot_change_the_register(db: Session) -> None:
    owner = registry.person(db)
    car = registry.vehicle(db, owner, inspection=D("2023-01-01"), plate="京A12345")
    found = queries.vehicle_by_plate(db, " 京a 12345 ")
    assert found is not None and (found.id, found.plate_no, found.owner_person_id) == (car.id, "京A12345", owner.id)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.owner_person_id = None  # type: ignore[misc]
    assert queries.vehicle_by_plate(db, "京A99999") is None


def test_a_number_registered_under_two_plate_types_is_not_guessed(db: Session) -> None:
    owner = registry.person(db)
    large = registry.vehicle(db, owner, inspection=D("2023-01-01"), plate="京A54321")
    large.plate_type = "01"
    db.flush()
    small = registry.vehicle(db, owner, inspection=D("2023-01-01"), plate="京A54321")
    assert [v.id for v in queries.vehicles_by_plate(db, "京A54321")] == [large.id, small.id]
    assert queries.vehicle_by_plate(db, "京A54321") is None
    chosen = queries.vehicle_by_plate(db, "京A54321", "02")
    assert chosen is not None and chosen.id == small.id


def test_an_enterprises_vehicles_and_a_provinces_persons(db: Session) -> None:
    firm = accounts.enterprise(db, division="440305")
    truck = registry.vehicle(db, None, inspection=D("2023-01-01"), firm=firm, kind="heavy_truck")
    assert [v.id for v in queries.vehicles_of_enterprise(db, firm.id)] == [truck.id]
    person = registry.person(db, province="44")
    facts = queries.person_of(db, person.id)
    assert facts is not None and (facts.id_number, facts.province_code) == (person.id_number, "44")
    assert person.id in [p.id for p in queries.persons_in_province(db, "44", limit=1000)]
    assert queries.person_of(db, None) is None
