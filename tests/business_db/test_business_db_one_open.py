"""One open application per person, business and subject: a second is refused naming the open one, whoever
applies (the person, or a proxy for them), over HTTP and on the page; the database holds it too, so two
submissions at once on PostgreSQL cannot both pass."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jiaoguan.business import proxies, service
from jiaoguan.business.catalogue_store import seed
from jiaoguan.business.models import BusinessApplication, BusinessStep, BusinessType
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.ids.text import compact
from tests.factories import business as f

Client = Any


def test_a_second_open_application_is_refused_naming_the_first(
        db: Session, as_user: Callable[..., Client], citizen: f.Citizen) -> None:
    c = as_user(citizen.user)
    first = c.post("/api/v1/business/applications", json={"business": "licence_renewal"}).json()
    again = c.post("/api/v1/business/applications", json={"business": "licence_renewal"})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    problem = again.json()
    assert problem["code"] == "business.already_open" and problem["application_id"] == first["id"]
    assert f"#{first['id']}" in problem["detail"]
    other = c.post("/api/v1/business/applications", json={"business": "driver_contact_change"})
    assert other.status_code == 201  # another business is another matter
    c.post(f"/api/v1/business/applications/{first['id']}/actions/withdraw", json={"version": first["version"]})
    assert c.post("/api/v1/business/applications", json={"business": "licence_renewal"}).status_code == 201


def test_the_page_says_which_application_is_open(
        db: Session, as_user: Callable[..., Client], citizen: f.Citizen) -> None:
    c = as_user(citizen.user)
    first = c.post("/api/v1/business/applications", json={"business": "licence_renewal"}).json()
    sent = c.post("/business/licence_renewal/apply", data={}, follow_redirects=False)
    assert (sent.status_code, sent.headers["location"]) == (
        303, f"/business/applications/{first['id']}?notice=already_open")
    page = c.get(sent.headers["location"])
    assert "已有一份办理中的同类申请" in page.text
    assert f"#{first['id']}" in page.text


def test_a_proxy_cannot_open_a_second_for_the_person(
        db: Session, as_user: Callable[..., Client], citizen: f.Citizen) -> None:
    child = f.citizen(db, expiry=dt.date(2023, 1, 1))
    proxies.authorise(db, citizen.user, proxy_username=child.user.username, relation="child",
                      businesses=["licence_renewal"], expires_on=dt.date(2022, 12, 31), consent=True)
    db.commit()
    own = as_user(citizen.user).post("/api/v1/business/applications", json={"business": "licence_renewal"}).json()
    r = as_user(child.user).post("/api/v1/business/applications",
                                 json={"business": "licence_renewal", "on_behalf_of": citizen.user.id})
    assert r.status_code == 409 and r.json()["application_id"] == own["id"]


def test_one_vehicle_business_per_vehicle_not_per_person(db: Session, citizen: f.Citizen) -> None:
    from jiaoguan.registry.models import Person
    from tests.factories import registry

    owner = db.get(Person, citizen.person_id)
    second_car = registry.vehicle(db, owner, inspection=dt.date(2023, 1, 1))
    a = service.create_application(db, citizen.user, "vehicle_licence_replacement", plate=citizen.plate)
    b = service.create_application(db, citizen.user, "vehicle_licence_replacement", plate=second_car.plate_no)
    assert a.subject_ref == compact(citizen.plate) and b.subject_ref == second_car.plate_no
    with pytest.raises(JiaoguanError) as refused:
        service.create_application(db, citizen.user, "vehicle_licence_replacement", plate=citizen.plate)
    assert refused.value.code == "business.already_open"


def test_the_database_refuses_a_second_open_row_written_past_the_service(db: Session, citizen: f.Citizen) -> None:
    app = service.create_application(db, citizen.user, "licence_renewal")
    twin = BusinessApplication(**{c.key: getattr(app, c.key) for c in BusinessApplication.__table__.columns
                                  if c.key not in ("id", "version")})
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(twin)
        db.flush()
    app.status = "withdrawn"
    db.flush()
    db.add(twin)
    db.flush()  # with the first closed, the second may open


@pytest.mark.postgres_only("two writers at once need PostgreSQL (SQLite has one)")
def test_two_submissions_at_once_open_one_application(engine: Engine, clock, outbox_cleanup,  # type: ignore[no-untyped-def]
                                                      monkeypatch) -> None:
    checks: list[str] = []  # the service's look-ups for an open one: before the INSERT, and after it failed
    looked = service.refuse_second_open

    def counting(session: Session, *args: Any) -> None:
        checks.append(threading.current_thread().name)
        looked(session, *args)

    monkeypatch.setattr(service, "refuse_second_open", counting)
    with Session(engine) as s:  # committed for real: each submission works in a transaction of its own
        seeded = seed(s)["added"] > 0
        who = f.citizen(s, expiry=dt.date(2022, 6, 30), province="65")
        s.commit()
    first_flushed = threading.Event()
    outcomes: dict[str, Any] = {}

    def first() -> None:
        with Session(engine) as session, session.begin():
            app = service.create_application(session, who.user, "licence_renewal")
            outcomes["first"] = app.id
            first_flushed.set()
            time.sleep(0.5)  # the second's INSERT now waits on this row's index entry

    def second() -> None:
        first_flushed.wait(30)
        try:
            with Session(engine) as session, session.begin():
                outcomes["second"] = service.create_application(session, who.user, "licence_renewal").id
        except JiaoguanError as exc:
            outcomes["second"] = (exc.code, exc.params.get("id"))

    threads = [threading.Thread(target=first, name="first"), threading.Thread(target=second, name="second")]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert outcomes["second"] == ("business.already_open", outcomes["first"])
        assert checks.count("second") == 2  # the check saw nothing yet: the unique index stopped the INSERT
        with Session(engine) as s:
            rows = s.execute(select(BusinessApplication.id).where(
                BusinessApplication.applicant_user_id == who.user.id)).scalars().all()
            assert rows == [outcomes["first"]]
    finally:
        with Session(engine) as s, s.begin():
            ids = select(BusinessApplication.id).where(BusinessApplication.applicant_user_id == who.user.id)
            s.execute(delete(BusinessStep).where(BusinessStep.application_id.in_(ids)))
            s.execute(delete(BusinessApplication).where(BusinessApplication.applicant_user_id == who.user.id))
            if seeded:
                s.execute(delete(BusinessType))
