"""The deadlines API on stored records: REFERENCE C.2 answered for registry rows, the enforcement check,
who may ask what, and problem+json naming the field."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, Person, PreselectedPlate, Vehicle
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import D, licence, permit, person, plate_hold, vehicle


@dataclass
class World:
    owner: Person
    other: Person
    car: Vehicle               # inspection expired 2022-03-15
    licence: DrivingLicence    # expires 2022-06-10
    driver: DrivingLicence     # A2, review due 2022-05-20
    permit: LearnerPermit      # expires 2022-05-05
    hold: PreselectedPlate     # held until 2022-04-28
    citizen: User
    stranger: User
    officer: User


@pytest.fixture()
def world(db, make_user) -> World:  # type: ignore[no-untyped-def]
    publish_shipped(db, "MPS-2022-04-21")
    owner, other = person(db), person(db)
    w = World(owner=owner, other=other,
              car=vehicle(db, owner, inspection=D("2022-03-15"), plate="京A12345"),
              licence=licence(db, owner, valid_to=D("2022-06-10")),
              driver=licence(db, other, valid_to=D("2027-01-01"), classes="A2", review_due=D("2022-05-20")),
              permit=permit(db, owner, issued=D("2019-05-05"), valid_until=D("2022-05-05")),
              hold=plate_hold(db, owner, selected=D("2022-04-20"), valid_until=D("2022-04-28")),
              citizen=make_user(Role.citizen, person_id=owner.id),
              stranger=make_user(Role.citizen, person_id=other.id),
              officer=make_user(Role.checkpoint_officer))
    db.commit()
    return w


def deadlines_of(body: dict) -> dict[str, dict]:
    return {d["kind"]: d for d in body["deadlines"]}


def test_may_i_fine_the_car_overdue_at_announcement_inside_and_after_the_window(client, sign_in, world) -> None:
    c = sign_in(client, world.officer)
    inside = c.get("/api/v1/deadlines/check", params={"plate": "京A·12345", "on": "2022-05-01"}).json()
    assert (inside["penalty_allowed"], inside["past_deadline"], inside["overdue"], inside["effective_due"]) == (
        False, True, False, "2022-07-31")
    assert inside["measures"] == ["MPS-2022-04-21"] and "不予处罚" in inside["reason_zh"]
    after = c.get("/api/v1/deadlines/check", params={"plate": "京A12345", "on": "2022-08-01"}).json()
    assert (after["penalty_allowed"], after["overdue"]) == (True, True)
    before = c.get("/api/v1/deadlines/check", params={"plate": "京A12345", "on": "2022-04-20"}).json()
    assert (before["penalty_allowed"], before["measures"]) == (True, [])


def test_a_licence_expiring_in_the_window_is_renewable_until_the_end_of_july_without_penalty(
        client, sign_in, world, db) -> None:
    c = sign_in(client, world.officer)
    number = world.owner.id_number
    answer = c.get("/api/v1/deadlines/check", params={"licence": number, "on": "2022-07-15"}).json()
    assert (answer["penalty_allowed"], answer["effective_due"], answer["label"]) == (False, "2022-07-31", "C1")
    by_file = c.get("/api/v1/deadlines/check", params={"licence": world.licence.file_no, "on": "2022-08-01"}).json()
    assert by_file["penalty_allowed"] is True
    assert db.execute(select(AuditRecord).where(AuditRecord.action == "deadlines.check")).first()


def test_the_cancellation_clock_of_that_licence_still_runs_to_the_tenth_of_june_2023(client, sign_in, world) -> None:
    c = sign_in(client, world.citizen)
    body = c.get(f"/api/v1/deadlines/records/licence/{world.licence.id}", params={"on": "2023-06-11"}).json()
    cancel = deadlines_of(body)["licence-cancellation"]
    assert (cancel["effective_due"], cancel["overdue"], cancel["measures"]) == ("2023-06-10", True, [])


def test_an_a2_review_due_in_the_window_may_be_done_by_the_end_of_july(client, sign_in, world) -> None:
    c = sign_in(client, world.officer)
    answer = c.get("/api/v1/deadlines/check", params={"licence": world.other.id_number, "on": "2022-06-01"}).json()
    assert (answer["penalty_allowed"], answer["past_deadline"], answer["overdue"], answer["effective_due"]) == (
        False, True, False, "2022-07-31")
    assert [ch["kind"] for ch in answer["checks"]] == ["licence-renewal", "licence-review"]


def test_the_learner_permit_and_the_preselected_plate_get_three_more_months(client, sign_in, world) -> None:
    c = sign_in(client, world.citizen)
    body = c.get("/api/v1/deadlines/me", params={"on": "2022-06-01"}).json()
    found = {(r["record_type"], d["kind"]): d for r in body for d in r["deadlines"]}
    assert found[("learner-permit", "learner-permit")]["effective_due"] == "2022-08-05"
    assert found[("preselected-plate", "preselected-plate")]["effective_due"] == "2022-07-28"
    assert found[("vehicle", "inspection")]["penalty_allowed"] is False
    assert {r["record_type"] for r in body} == {"licence", "vehicle", "learner-permit", "preselected-plate"}


def test_staff_explain_by_plate_and_by_id_number(client, sign_in, world, make_user) -> None:
    c = sign_in(client, make_user(Role.window_clerk))
    by_plate = c.get("/api/v1/deadlines/vehicles", params={"plate": "京A12345", "on": "2022-05-01"}).json()
    assert by_plate[0]["label"] == "京A·12345"
    assert deadlines_of(by_plate[0])["inspection"]["effective_due"] == "2022-07-31"
    by_id = c.get("/api/v1/deadlines/persons", params={"id_number": world.owner.id_number}).json()
    assert len(by_id) == 4


def test_a_citizen_cannot_explain_another_persons_record(client, sign_in, world) -> None:
    c = sign_in(client, world.stranger)
    refused = c.get(f"/api/v1/deadlines/records/vehicle/{world.car.id}")
    # "not yours" answers like "not found" (no existence oracle: test_deadlines_db_no_oracle.py)
    assert refused.status_code == 404 and refused.json()["code"] == "deadlines.record_not_found"
    assert c.get("/api/v1/deadlines/vehicles", params={"plate": "京A12345"}).status_code == 404
    assert c.get("/api/v1/deadlines/persons", params={"id_number": world.owner.id_number}).status_code == 404
    assert c.get(f"/api/v1/deadlines/records/licence/{world.driver.id}").status_code == 200


@pytest.mark.parametrize("role", [Role.citizen, Role.window_clerk, Role.enterprise_agent, Role.pass_issuer])
def test_only_checkpoint_officers_and_supervisors_may_ask_the_enforcement_question(
        client, sign_in, world, make_user, role) -> None:
    c = sign_in(client, make_user(role))
    assert c.get("/api/v1/deadlines/check", params={"plate": "京A12345"}).status_code == 403


def test_a_supervisor_may_ask_and_nobody_signed_out_may(client, sign_in, world, make_user) -> None:
    assert client.get("/api/v1/deadlines/check", params={"plate": "京A12345"}).status_code == 401
    c = sign_in(client, make_user(Role.supervisor))
    assert c.get("/api/v1/deadlines/check", params={"plate": "京A12345"}).status_code == 200


@pytest.mark.parametrize(("params", "field"), [
    ({"plate": "京A12345", "on": "2022-13-01"}, "on"),
    ({"plate": "ZZ"}, "plate"),
    ({"plate": "京A12345", "plate_type": "ZZ"}, "plate_type"),
    ({"licence": "110105198005010001"}, "licence"),
    ({}, "plate"),
])
def test_bad_input_is_problem_json_naming_the_field(client, sign_in, world, params, field) -> None:
    response = sign_in(client, world.officer).get("/api/v1/deadlines/check", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body.get("field") == field or field in json_fields(body)


def json_fields(body: dict) -> list[str]:
    return [e.get("field") for e in body.get("errors", [])]


def test_an_unknown_plate_is_not_found(client, sign_in, world) -> None:
    response = sign_in(client, world.officer).get("/api/v1/deadlines/check", params={"plate": "京B99999"})
    assert response.status_code == 404 and response.json()["field"] == "plate"


def test_an_enterprise_agent_explains_the_company_vehicles_only(client, sign_in, world, make_user, db) -> None:
    from tests.factories.accounts import enterprise

    firm = enterprise(db)
    truck = vehicle(db, None, firm=firm, inspection=D("2022-03-31"), kind="heavy_truck", use="freight", seats=3)
    c = sign_in(client, make_user(Role.enterprise_agent, enterprise_id=firm.id))
    own = c.get(f"/api/v1/deadlines/records/vehicle/{truck.id}", params={"on": "2022-05-01"})
    assert own.status_code == 200 and deadlines_of(own.json())["inspection"]["effective_due"] == "2022-07-31"
    assert c.get(f"/api/v1/deadlines/records/vehicle/{world.car.id}").status_code == 404  # as if it did not exist
