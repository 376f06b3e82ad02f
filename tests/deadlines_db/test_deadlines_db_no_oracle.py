"""No existence oracle (issue 10.9): asking about someone else's plate, ID number or record gets exactly the
answer an unregistered one gets, so nobody learns who is in the register by asking."""

from __future__ import annotations

import pytest

from jiaoguan.accounts.roles import Role
from tests.factories.accounts import enterprise
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import D, licence, person, vehicle


def _answer(response) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    body = dict(response.json())
    body.pop("instance", None)  # the path asked, which differs by construction
    return response.status_code, body


@pytest.fixture()
def register(db, make_user):  # type: ignore[no-untyped-def]
    publish_shipped(db, "MPS-2022-04-21")
    owner, asker = person(db), person(db)
    car = vehicle(db, owner, inspection=D("2022-03-15"), plate="京A54321")
    card = licence(db, owner, valid_to=D("2027-06-10"))
    firm = enterprise(db)
    db.commit()
    return {"owner": owner, "car": car, "licence": card,
            "citizen": make_user(Role.citizen, person_id=asker.id),
            "agent": make_user(Role.enterprise_agent, enterprise_id=firm.id)}


@pytest.mark.parametrize("who", ["citizen", "agent"])
def test_someone_elses_plate_answers_like_an_unregistered_plate(client, sign_in, register, who) -> None:
    c = sign_in(client, register[who])
    theirs = c.get("/api/v1/deadlines/vehicles", params={"plate": "京A54321"})
    nobodys = c.get("/api/v1/deadlines/vehicles", params={"plate": "京A99998"})
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 404 and theirs.json()["field"] == "plate"


@pytest.mark.parametrize("who", ["citizen", "agent"])
def test_someone_elses_id_number_answers_like_an_unregistered_one(client, sign_in, register, who) -> None:
    c = sign_in(client, register[who])
    theirs = c.get("/api/v1/deadlines/persons", params={"id_number": register["owner"].id_number})
    nobodys = c.get("/api/v1/deadlines/persons", params={"id_number": "11010519491231002X"})
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 404 and theirs.json()["field"] == "id_number"


@pytest.mark.parametrize("who", ["citizen", "agent"])
@pytest.mark.parametrize("kind", ["vehicle", "licence"])
def test_someone_elses_record_answers_like_a_missing_record(client, sign_in, register, who, kind) -> None:
    c = sign_in(client, register[who])
    record = register["car"] if kind == "vehicle" else register["licence"]
    theirs = c.get(f"/api/v1/deadlines/records/{kind}/{record.id}")
    nobodys = c.get(f"/api/v1/deadlines/records/{kind}/987654321")
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 404


def test_the_owner_still_sees_their_own_plate(client, sign_in, register, make_user) -> None:
    c = sign_in(client, make_user(Role.citizen, person_id=register["owner"].id))
    assert c.get("/api/v1/deadlines/vehicles", params={"plate": "京A54321"}).status_code == 200
