"""The register check of a pass application (issue 9.2, issue 10.4): on submission, at approval and before any
auto-approval, the vehicle and its driver are checked against the registry and the deadlines engine, every
finding at once by field; a vehicle outside the fleet needs the owner's authorisation and is flagged; an
overlap refusal tells nothing of another holder."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import EnterpriseView
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.measures.loader import shipped_documents
from jiaoguan.deadlines.measures.store import publish
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.documents import Document
from jiaoguan.passes.applications.policy import add_auto_rule
from jiaoguan.passes.models import PassApplication
from jiaoguan.registry.models import DrivingLicence, Vehicle
from tests.factories import accounts
from tests.factories.passes import application, register

PDF = b"%PDF-1.4\n% owner's authorisation\n"
OUTSIDE = 60   # application(60)'s vehicle is registered, but not to the haulier


def _codes(exc: pytest.ExceptionInfo[apps.RegisterDisagrees]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in exc.value.problems}


def _refused(db: Session, agent: Principal, raw: object) -> pytest.ExceptionInfo[apps.RegisterDisagrees]:
    with pytest.raises(apps.RegisterDisagrees) as exc:
        apps.submit_application(db, agent, raw)  # type: ignore[arg-type]
    assert db.execute(select(PassApplication.id)).first() is None
    return exc


def test_a_plate_not_in_the_register_is_refused_on_the_plate(db: Session, agent: Principal) -> None:
    exc = _refused(db, agent, application(1, plate_no="沪D99999"))
    assert _codes(exc) == {("plate_no", "register.unknown_plate")}
    assert exc.value.code == "passes.register_check"


def test_a_vin_of_another_vehicle_is_refused_without_naming_it(db: Session, agent: Principal) -> None:
    exc = _refused(db, agent, application(1, vin=application(2).vin))
    assert _codes(exc) == {("vin", "register.vin_mismatch")}
    body = str(exc.value.problem_members())
    assert application(2).plate_no not in body and application(2).vin[-6:] not in body


def test_a_lapsed_inspection_an_expired_insurance_and_a_wrong_licence_are_reported_at_once(
        db: Session, agent: Principal, enterprise: EnterpriseView) -> None:
    register(db, enterprise.id, 50, inspection=dt.date(2022, 3, 31), insurance=dt.date(2022, 5, 1), classes="C1")
    exc = _refused(db, agent, application(50))
    assert _codes(exc) == {("plate_no", "register.inspection"), ("plate_no", "register.insurance"),
                           ("crew[0].id_number", "register.licence_class")}
    texts = [p.text("zh_Hans") for p in exc.value.problems]
    assert any("2022-05-08" in t and "2022-03-31" in t for t in texts), texts


def test_a_grace_window_of_a_published_measure_counts_for_the_inspection(
        db: Session, agent: Principal, enterprise: EnterpriseView) -> None:
    register(db, enterprise.id, 51, inspection=dt.date(2022, 3, 31))
    assert _codes(_refused(db, agent, application(51))) == {("plate_no", "register.inspection")}
    doc = next(d for name, docs in shipped_documents() if name == "measure_mps_2022_04_21.json" for d in docs
               if d["version"] == 1)
    publish(db, doc)  # 2022-04-21: anything overdue may be handled until 2022-07-31
    assert apps.submit_application(db, agent, application(51)).status == "pending"


def test_a_detained_vehicle_and_an_expired_licence_are_refused(
        db: Session, agent: Principal, enterprise: EnterpriseView) -> None:
    register(db, enterprise.id, 52, status="detained", licence_to=dt.date(2022, 5, 3))
    assert _codes(_refused(db, agent, application(52))) == {("plate_no", "register.vehicle_status"),
                                                          ("crew[0].id_number", "register.licence_expired")}


def test_a_driver_without_any_licence_is_refused(db: Session, agent: Principal) -> None:
    stranger = dataclasses.replace(application(1).crew[0], id_number=application(90).crew[0].id_number)
    exc = _refused(db, agent, application(1, crew=(stranger,)))
    assert _codes(exc) == {("crew[0].id_number", "register.no_licence")}


def test_another_owners_vehicle_needs_the_authorisation_and_is_flagged_never_auto_approved(
        db: Session, agent: Principal, issuer: Principal, enterprise: EnterpriseView, keys: None) -> None:
    other = accounts.enterprise(db, name="另一家物流公司", division="310115")
    register(db, other.id, OUTSIDE)
    add_auto_rule(db, "31", "钢材即接即办", cargo_categories=["raw_materials"], require_good_standing=False)
    assert _codes(_refused(db, agent, application(OUTSIDE))) == {("authorisation", "register.authorisation")}

    app = apps.submit_application(db, agent, application(OUTSIDE), authorisation=Document("授权书.pdf", PDF))
    assert app.status == "pending"  # the rule matches, but a person must read the authorisation
    facts = apps.register_facts(db, app)
    assert facts.ok and facts.outside_fleet
    assert apps.approve(db, app.id, issuer).status == "active"


def test_a_citizens_private_car_is_not_signed_by_the_auto_rule(
        db: Session, agent: Principal, enterprise: EnterpriseView, keys: None) -> None:
    from tests.factories import registry as reg

    owner = reg.person(db, province="31")
    register(db, None, 61, person_owner=owner.id, kind="small_car")
    add_auto_rule(db, "31", "钢材即接即办", cargo_categories=["raw_materials"], require_good_standing=False)
    assert _codes(_refused(db, agent, application(61))) >= {("authorisation", "register.authorisation")}
    # With the good rule and the own fleet, the same rule does sign.
    assert apps.submit_application(db, agent, application(3)).status == "approved"


def test_approval_checks_the_register_again(db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    app = apps.submit_application(db, agent, application(4))
    db.execute(update(Vehicle).where(Vehicle.plate_no == app.plate_no).values(status="detained"))
    db.execute(update(DrivingLicence).values(classes="C1"))
    with pytest.raises(apps.RegisterDisagrees) as exc:
        apps.approve(db, app.id, issuer)
    assert _codes(exc) == {("plate_no", "register.vehicle_status"), ("crew[0].id_number", "register.licence_class")}
    assert db.get(PassApplication, app.id).status == "pending"  # type: ignore[union-attr]


def test_an_overlap_with_another_holder_reveals_nothing_of_it(
        db: Session, agent: Principal, issuer: Principal, enterprise: EnterpriseView, keys: None,
        make_user: Callable[..., Principal]) -> None:
    other = accounts.enterprise(db, name="另一家物流公司", division="310115")
    rival = make_user(Role.enterprise_agent, enterprise_id=other.id, province_code="31")
    held = apps.approve(db, apps.submit_application(db, agent, application(5)).id, issuer)
    with pytest.raises(apps.VehicleAlreadyHasPass) as exc:
        apps.submit_application(db, rival, application(5), authorisation=Document("a.pdf", PDF))
    text = exc.value.text("zh_Hans") + exc.value.text("en") + str(exc.value.problem_members())
    assert held.pass_no not in text and "2022-05-08" not in text and "#" not in text
    # The holder itself still hears which pass it is.
    with pytest.raises(apps.VehicleAlreadyHasPass) as own:
        apps.submit_application(db, agent, application(5))
    assert held.pass_no in own.value.text("en")


def _as(client: TestClient, sign_in, user: Principal) -> TestClient:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


FORM = {
    "plate_colour": "yellow", "transport_cert_no": "310115000001", "crew-0-name": "张伟",
    "crew-0-phone": "13812345678", "origin_code": "310115", "origin_address": "外高桥1号", "destination_code": "420102",
    "destination_address": "解放大道2号", "consignor": "上海某公司", "consignee": "武汉某医院",
    "cargo_category": "energy", "cargo_name": "柴油", "cargo_quantity": "2罐", "cargo_weight_kg": "18000",
    "valid_from": "2022-04-29", "valid_to": "2022-05-05", "contact_name": "周涛", "contact_phone": "13700137000",
    "csrf_token": "test-csrf-token",
}


def _form(n: int) -> dict[str, str]:
    raw = application(n)
    return FORM | {"plate_no": raw.plate_no, "vin": raw.vin, "crew-0-id_number": raw.crew[0].id_number}


def test_the_form_shows_each_register_finding_on_its_field(
        client: TestClient, sign_in, db: Session, agent: Principal, enterprise: EnterpriseView) -> None:
    register(db, enterprise.id, 53, inspection=dt.date(2022, 3, 31), classes="C1")
    db.commit()
    _as(client, sign_in, agent)
    page = client.post("/passes/apply", data=_form(53))
    assert page.status_code == 422
    assert page.text.count('class="field-error"') == 2
    assert "2022-03-31" in page.text and "（C1）" in page.text


def test_the_form_takes_the_owners_authorisation_and_the_issuer_sees_the_register_beside_it(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal) -> None:
    other = accounts.enterprise(db, name="另一家物流公司", division="310115")
    register(db, other.id, OUTSIDE)
    db.commit()
    _as(client, sign_in, agent)
    refused = client.post("/passes/apply", data=_form(OUTSIDE))
    assert refused.status_code == 422 and 'id="e-authorisation"' in refused.text
    sent = client.post("/passes/apply", data=_form(OUTSIDE),
                       files={"authorisation": ("授权书.pdf", PDF, "application/pdf")},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    app = db.execute(select(PassApplication)).scalar_one()
    assert app.authorisation_name == "授权书.pdf"

    _as(client, sign_in, issuer)
    queue = client.get("/passes/review").text
    assert 'data-register="ok"' in queue and "车队外" in queue
    one = client.get(f"/passes/review/{app.id}").text
    assert 'id="outside-fleet"' in one and 'data-fact="inspection">2022-12-31' in one
    assert client.get(f"/passes/applications/{app.id}/authorisation").content == PDF


def test_the_issuer_sees_findings_that_arose_after_submission_and_approval_is_refused(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    app = apps.submit_application(db, agent, application(6))
    db.execute(update(Vehicle).where(Vehicle.plate_no == app.plate_no)
               .values(inspection_valid_until=dt.date(2022, 4, 1)))
    db.commit()
    _as(client, sign_in, issuer)
    assert 'data-register="findings"' in client.get("/passes/review").text
    answer = client.post(f"/passes/review/{app.id}/approve", data={"csrf_token": "test-csrf-token"})
    assert answer.status_code == 409 and 'data-code="register.inspection"' in answer.text
    db.expire_all()
    assert db.get(PassApplication, app.id).status == "pending"  # type: ignore[union-attr]


def test_the_queue_page_reads_in_one_trip_what_each_application_reads_alone(
        db: Session, agent: Principal, issuer: Principal, enterprise: EnterpriseView,
        make_user: Callable[..., Principal]) -> None:
    """`review_page` selects the enterprises, drivers, vehicles and licences by a subquery of the queue (one round trip
    on PostgreSQL): the same queue as `review_queue`, each application's facts as `register_facts` gives them alone,
    and nothing of an application beyond the limit."""
    submitted = [apps.submit_application(db, agent, application(n)) for n in (11, 12, 13)]
    db.execute(update(Vehicle).where(Vehicle.plate_no == submitted[1].plate_no)
               .values(inspection_valid_until=dt.date(2022, 4, 1)))
    db.commit()
    queue, firms, register_of = apps.review_page(db, issuer, limit=2)
    expected = apps.review_queue(db, issuer, limit=2)
    assert [a.id for a in queue] == [a.id for a in expected] and len(queue) == 2
    assert set(firms) == {enterprise.id} and firms[enterprise.id].name == enterprise.name
    assert register_of == {a.id: apps.register_facts(db, db.get(PassApplication, a.id)) for a in expected}  # type: ignore[arg-type]
    assert not register_of[submitted[1].id].ok and register_of[submitted[0].id].ok
    assert apps.review_page(db, make_user(Role.pass_issuer, province_code="11")) == ([], {}, {})
