"""Registry service on the demo data: own records, look-ups by each key, refusals with their reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.demo import load_demo
from jiaoguan.demo.idgen import id_number
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.ids import IdentifierError
from jiaoguan.registry import service
from jiaoguan.registry.models import Person, Vehicle

ON = dt.date(2026, 11, 26)


@pytest.fixture()
def demo(db: Session) -> Iterator[dict[str, User]]:
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)))
    load_demo(people=40, seed=9, session=db, on=ON)
    yield {u.username: u for u in db.scalars(select(User))}
    set_clock(before)


def person_of(db: Session, user: User) -> Person:
    person = db.get(Person, user.person_id)
    assert person is not None
    return person


def test_a_citizen_sees_their_own_licence_vehicles_permit_and_plate_hold_with_states(db, demo) -> None:
    records = service.my_records(db, demo["citizen"])
    assert records.person.name == "张明" and "*" in records.person.id_number
    assert [t.code for t in records.licences[0].states] == ["licence.renewal_window"]
    assert records.licences[0].classes == ("C1", "E")
    assert len(records.vehicles) == 2 and {v.plate_type for v in records.vehicles} == {"02", "52"}
    assert any(t.code == "vehicle.inspection_due" for v in records.vehicles for t in v.states)
    assert [t.code for t in records.learner_permits[0].states] == ["permit.expiring"]
    assert [t.code for t in records.preselected_plates[0].states] == ["plate.held"]


def test_a_citizen_never_gets_someone_elses_records(db, demo) -> None:
    own = service.my_records(db, demo["citizen"])
    other = service.my_records(db, demo["elder"])
    assert own.person.id != other.person.id
    assert {v.plate_no for v in own.vehicles}.isdisjoint({v.plate_no for v in other.vehicles})


def test_an_account_without_a_person_record_is_told_so(db, demo) -> None:
    with pytest.raises(service.NoPersonRecord):
        service.my_records(db, demo["clerk"])


def test_a_clerk_finds_a_person_by_id_number_however_it_is_typed(db, demo) -> None:
    number = person_of(db, demo["elder"]).id_number
    typed = " ".join([number[:6], number[6:14], number[14:].lower()])
    found = service.find_persons(db, typed.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    assert [p.name for p in found] == ["李秀英"] and found[0].id_number_masked


def test_an_old_15_digit_id_number_finds_the_person_under_the_18_digit_one(db, demo) -> None:
    number = person_of(db, demo["elder"]).id_number   # born 1953
    assert [p.name for p in service.find_persons(db, number[:6] + number[8:17])] == ["李秀英"]


@pytest.mark.parametrize(("typed", "code"), [
    ("110105194912310021", "ids.id_number_checksum"),
    ("11010519491231002", "ids.id_number_length"),
    (id_number("110105", dt.date(2099, 12, 31), 2), "ids.id_number_birth_in_future"),
    (id_number("990105", dt.date(1949, 12, 31), 2), "ids.id_number_area"),
])
def test_a_malformed_id_number_is_refused_with_its_reason(db, demo, typed: str, code: str) -> None:
    with pytest.raises(IdentifierError) as refused:
        service.find_persons(db, typed)
    assert refused.value.code == code and refused.value.field == "id_number"
    assert refused.value.text("zh_Hans") != refused.value.text("en")


def test_a_clerk_finds_a_vehicle_by_plate_with_or_without_its_type(db, demo) -> None:
    car = db.scalars(select(Vehicle).where(Vehicle.owner_person_id == demo["citizen"].person_id,
                                           Vehicle.plate_type == "02")).one()
    typed = car.plate_no[:2].lower() + "·" + car.plate_no[2:]
    assert [v.id for v in service.find_vehicles(db, plate=typed)] == [car.id]
    assert [v.id for v in service.find_vehicles(db, plate=car.plate_no, plate_type="2")] == [car.id]
    assert service.find_vehicles(db, plate=car.plate_no, plate_type="52") == []
    found = service.find_vehicles(db, vin=car.vin.lower())
    assert found[0].owner is not None and found[0].owner.name == "张明" and "*" in found[0].owner.identifier


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"plate": "京A1234I"}, "ids.plate_letter_i_or_o"),
    ({"plate": "貴A12345"}, "ids.plate_traditional_province"),
    ({"plate": "京A12345", "plate_type": "98"}, "ids.plate_type_unknown"),
    ({"vin": "1M8GDM9AXKP04278Q"}, "ids.vin_forbidden_letter"),
    ({"vin": "1M8GDM9AX"}, "ids.vin_length"),
    ({}, "registry.vehicle_key_missing"),
])
def test_a_malformed_plate_or_vin_is_refused_with_its_reason(db, demo, kwargs: dict, code: str) -> None:
    with pytest.raises(service.InvalidInput) as refused:
        service.find_vehicles(db, **kwargs)
    assert refused.value.code == code and refused.value.field


def test_the_search_box_tells_id_numbers_plates_and_vins_apart(db, demo) -> None:
    car = db.scalars(select(Vehicle).where(Vehicle.owner_person_id == demo["citizen"].person_id)).first()
    assert car is not None
    elder = person_of(db, demo["elder"])
    assert service.search(db, elder.id_number).persons[0].id == elder.id
    assert service.search(db, car.plate_no).vehicles[0].id == car.id
    assert service.search(db, car.vin).vehicles[0].id == car.id
    with pytest.raises(service.QueryNotUnderstood):
        service.search(db, "hello")


def test_a_staff_look_up_leaves_an_audit_record_without_the_full_id_number(db, demo) -> None:
    elder = person_of(db, demo["elder"])
    service.find_persons(db, elder.id_number)
    service.person_file(db, elder.id)
    # The look-ups' own actions: the concurrency tests on PostgreSQL commit effects' records (registry.<business>).
    summaries = [r.summary for r in db.scalars(select(AuditRecord).where(
        AuditRecord.action.in_(("registry.search", "registry.view"))))]
    assert len(summaries) == 2
    assert all(elder.id_number not in s and elder.id_number[-4:] in s for s in summaries)


def test_an_agent_sees_the_company_fleet_with_inspections_due_and_overdue(db, demo) -> None:
    view = service.fleet(db, demo["agent"])
    assert view.name == "北京顺达物流有限公司" and view.total == 26 and len(view.vehicles) == 26
    assert view.inspection_overdue >= 1 and view.inspection_due >= 3
    assert {v.vehicle_type for v in view.vehicles} >= {"heavy_truck", "tractor_unit", "semi_trailer"}
    with pytest.raises(service.NoEnterprise):
        service.fleet(db, demo["clerk"])


@given(area=st.sampled_from(["110105", "310104", "440106", "513101"]),
       born=st.dates(min_value=dt.date(1900, 1, 1), max_value=ON), seq=st.integers(0, 999))
def test_any_valid_id_number_is_read_as_an_id_number(area: str, born: dt.date, seq: int) -> None:
    assert service.guess_kind(id_number(area, born, seq)) == "id_number"


@given(serial=st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=5, max_size=6),
       province=st.sampled_from("京沪粤川晋鄂"))
def test_anything_starting_with_a_province_is_read_as_a_plate(serial: str, province: str) -> None:
    assert service.guess_kind(province + "A" + serial) == "plate"
