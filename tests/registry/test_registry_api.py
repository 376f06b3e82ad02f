"""Registry API and pages: who may read what, problem+json refusals, the pages each role uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import jsonschema_rs
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.demo import load_demo
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.registry.models import Person, Vehicle

ON = dt.date(2026, 11, 26)


@pytest.fixture()
def demo(db: Session) -> Iterator[dict[str, User]]:
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)))
    load_demo(people=20, seed=9, session=db, on=ON)
    db.commit()   # a savepoint release: requests that roll back keep the demo
    yield {u.username: u for u in db.scalars(select(User))}
    set_clock(before)


@pytest.fixture()
def as_user(client, sign_in, demo):  # type: ignore[no-untyped-def]
    def _as(username: str):  # type: ignore[no-untyped-def]
        return sign_in(client, demo[username])

    return _as


def elder_of(db: Session, demo: dict[str, User]) -> Person:
    person = db.get(Person, demo["elder"].person_id)
    assert person is not None
    return person


def test_a_citizen_reads_their_own_records_through_the_api(as_user) -> None:
    body = as_user("citizen").get("/api/v1/registry/me").json()
    assert body["person"]["name"] == "张明" and body["person"]["id_number_masked"]
    assert "*" in body["person"]["id_number"]
    assert body["licences"][0]["states"][0]["code"] == "licence.renewal_window"
    assert len(body["vehicles"]) == 2 and body["learner_permits"] and body["preselected_plates"]


def test_a_citizen_cannot_open_another_persons_file_or_search_the_registry(as_user, db, demo) -> None:
    client = as_user("citizen")
    elder = elder_of(db, demo)
    assert client.get(f"/api/v1/registry/persons/{elder.id}").status_code == 403
    assert client.get("/api/v1/registry/persons", params={"id_number": elder.id_number}).status_code == 403
    assert client.get("/api/v1/registry/search", params={"q": elder.id_number}).status_code == 403
    assert client.get(f"/registry/persons/{elder.id}").status_code == 403
    page = client.get("/my/records").text
    assert "张明" in page and "李秀英" not in page and elder.id_number[-4:] not in page


def test_signed_out_visitors_get_nothing(client, demo) -> None:
    assert client.get("/api/v1/registry/me").status_code == 401
    assert client.get("/my/records", follow_redirects=False).status_code == 303


def test_a_clerk_searches_by_id_number_plate_and_vin(as_user, db, demo) -> None:
    client = as_user("clerk")
    elder = elder_of(db, demo)
    persons = client.get("/api/v1/registry/persons", params={"id_number": elder.id_number}).json()
    assert [p["id"] for p in persons] == [elder.id] and persons[0]["id_number_masked"]
    car = db.scalars(select(Vehicle).where(Vehicle.owner_person_id == elder.id)).one()
    by_plate = client.get("/api/v1/registry/vehicles", params={"plate": car.plate_no, "plate_type": "02"}).json()
    by_vin = client.get("/api/v1/registry/vehicles", params={"vin": car.vin}).json()
    assert [v["id"] for v in by_plate] == [v["id"] for v in by_vin] == [car.id]
    assert by_plate[0]["owner"]["name"] == "李秀英"
    one_box = client.get("/api/v1/registry/search", params={"q": car.plate_no}).json()
    assert one_box["kind"] == "plate" and one_box["vehicles"][0]["id"] == car.id


def test_the_full_id_number_is_shown_only_to_staff_who_do_business_on_the_file(as_user, db, demo) -> None:
    elder = elder_of(db, demo)
    clerk_view = as_user("clerk").get(f"/api/v1/registry/persons/{elder.id}").json()
    assert clerk_view["person"]["id_number"] == elder.id_number
    hotline_view = as_user("hotline").get(f"/api/v1/registry/persons/{elder.id}").json()
    assert hotline_view["person"]["id_number"] != elder.id_number and hotline_view["person"]["id_number_masked"]


def test_a_bad_id_number_is_refused_as_problem_json_naming_the_field_and_reason(as_user) -> None:
    client = as_user("clerk")
    r = client.get("/api/v1/registry/persons", params={"id_number": "110105194912310021"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "ids.id_number_checksum" and body["reason"] == "id_number.checksum"
    assert body["field"] == "id_number"
    assert "校验" in body["detail"]
    client.cookies.set("jg_lang", "en")
    english = client.get("/api/v1/registry/persons", params={"id_number": "110105194912310021"}).json()
    assert "does not match" in english["detail"]


def test_a_vehicle_search_without_plate_or_vin_is_refused(as_user) -> None:
    r = as_user("clerk").get("/api/v1/registry/vehicles")
    assert r.status_code == 422 and r.json()["code"] == "registry.vehicle_key_missing"


def test_the_search_page_shows_results_and_a_readable_reason_for_bad_input(as_user, db, demo) -> None:
    client = as_user("clerk")
    bad = client.get("/registry/search", params={"q": "京A1234I"})
    assert bad.status_code == 422 and "I" in bad.text and 'role="alert"' in bad.text
    elder = elder_of(db, demo)
    found = client.get("/registry/search", params={"q": elder.id_number})
    assert found.status_code == 200 and f"/registry/persons/{elder.id}" in found.text
    file_page = client.get(f"/registry/persons/{elder.id}")
    assert file_page.status_code == 200 and elder.id_number in file_page.text
    assert client.get("/registry/search").status_code == 200


def test_the_my_records_page_shows_cards_with_state_tags_in_both_languages(as_user) -> None:
    client = as_user("citizen")
    zh = client.get("/my/records").text
    assert 'data-state="licence.renewal_window"' in zh and "可以换证" in zh and "学习驾驶证明" in zh
    client.cookies.set("jg_lang", "en")
    en = client.get("/my/records").text
    assert "Renewal window open" in en and "Learner permit" in en


def test_an_enterprise_agent_sees_the_company_fleet(as_user) -> None:
    client = as_user("agent")
    page = client.get("/enterprise/fleet")
    assert page.status_code == 200 and "北京顺达物流有限公司" in page.text
    body = client.get("/api/v1/registry/fleet").json()
    assert body["total"] == 26 and body["inspection_overdue"] >= 1
    assert as_user("clerk").get("/enterprise/fleet").status_code == 403


def _documented(app, path: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    spec = app.openapi()
    schema = dict(spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    return {**schema, "components": spec["components"]}


def test_each_answer_is_the_shape_openapi_documents_with_tags_in_the_callers_language(app, as_user, db,
                                                                                     demo) -> None:
    """The views are the response models: what a route answers and what OpenAPI says it answers are one
    declaration, and a state tag goes out as {code, tone, text}, its text translated for this request."""
    citizen = as_user("citizen")
    en = citizen.get("/api/v1/registry/me", headers={"Accept-Language": "en"}).json()
    zh = citizen.get("/api/v1/registry/me", headers={"Accept-Language": "zh-CN"}).json()
    jsonschema_rs.validate(_documented(app, "/api/v1/registry/me"), en)
    assert set(en["licences"][0]["states"][0]) == {"code", "tone", "text"}
    assert en["licences"][0]["states"][0]["text"].startswith("Renewal window open")
    assert zh["licences"][0]["states"][0]["text"].startswith("可以换证")
    assert (en["vehicles"][0]["vehicle_type_name"], zh["vehicles"][0]["vehicle_type_name"]) == (
        "Small passenger car", "小型载客汽车")
    assert en["vehicles"][0]["plate_type_name"] != zh["vehicles"][0]["plate_type_name"]
    assert en["vehicles"][0]["plate_type_name"].isascii()
    clerk = as_user("clerk")
    elder = elder_of(db, demo)
    car = db.scalars(select(Vehicle).where(Vehicle.owner_person_id == elder.id)).one()
    for path, params in (("/api/v1/registry/search", {"q": car.plate_no}),
                         ("/api/v1/registry/vehicles", {"vin": car.vin}),
                         ("/api/v1/registry/persons", {"id_number": elder.id_number}),
                         ("/api/v1/registry/persons/{person_id}", None)):
        url = path.format(person_id=elder.id)
        jsonschema_rs.validate(_documented(app, path), clerk.get(url, params=params).json())
    jsonschema_rs.validate(_documented(app, "/api/v1/registry/fleet"),
                           as_user("agent").get("/api/v1/registry/fleet").json())
    jsonschema_rs.validate(_documented(app, "/api/v1/accounts/me"), clerk.get("/api/v1/accounts/me").json())
