"""Named eligibility checks (registry's and deadlines'): each names its rule, article and remedy."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jiaoguan.deadlines.checks import all_checks
from jiaoguan.registry.checks import CHECKS, Subject, run
from tests.factories import registry as f
from tests.factories.deadlines import publish_shipped

D = dt.date.fromisoformat
ON = D("2026-11-02")


def test_every_check_has_the_same_shape_and_the_catalogues_names() -> None:
    names = set(all_checks())
    assert {"licence not detained", "inside the renewal window", "no open violations",
            "no overdue obligation"} <= names
    assert set(CHECKS) < names


def test_a_detained_licence_fails_with_its_article_and_remedy(db: Session) -> None:
    who = f.person(db)
    f.licence(db, who, valid_to=D("2030-01-01"), status="detained")
    [result] = run(db, ["licence not detained"], Subject(person_id=who.id), ON)
    assert not result.ok and result.article == "Decree 162 art 69"
    assert result.rule_text("en") == "The licence is detained." and result.remedy_text("zh_Hans")


def test_open_violations_count_the_vehicles_and_the_drivers(db: Session) -> None:
    who = f.person(db)
    car = f.vehicle(db, who, inspection=D("2027-06-01"))
    assert run(db, ["no open violations"], Subject(person_id=who.id), ON)[0].ok
    f.violation(db, vehicle=car)
    f.violation(db, driver=who, status="handled")
    f.violation(db, driver=who, status="paid")
    [by_person] = run(db, ["no open violations"], Subject(person_id=who.id), ON)
    [by_vehicle] = run(db, ["no open violations"], Subject(vehicle_id=car.id), ON)
    assert (by_person.ok, by_person.params["count"], by_vehicle.params["count"]) == (False, 2, 1)


def test_every_failure_is_listed_at_once(db: Session) -> None:
    who = f.person(db)
    car = f.vehicle(db, who, inspection=D("2027-06-01"), insurance=D("2026-10-01"), kind="heavy_truck",
                    use="freight")
    f.violation(db, vehicle=car)
    results = run(db, ["insurance valid", "inspection exempt", "no open violations", "vehicle not detained"],
                  Subject(person_id=who.id, vehicle_id=car.id), ON)
    assert [r.ok for r in results] == [False, False, False, True]


def test_the_renewal_window_follows_the_measures(db: Session) -> None:
    publish_shipped(db)
    check = all_checks()["inside the renewal window"]
    who = f.person(db)
    soon = f.licence(db, who, valid_to=D("2027-01-15"))
    assert check(db, Subject(licence_id=soon.id), ON).ok
    later = f.licence(db, f.person(db), valid_to=D("2027-06-01"))
    early = check(db, Subject(licence_id=later.id), ON)
    assert not early.ok and early.params == {"date": "2027-03-03"}
    # Expired 2021-03-01: cancelled a year later (no measure held cancellations then); one expired
    # 2021-06-10 is still renewable on 2022-06-01.
    old = f.licence(db, f.person(db), valid_to=D("2021-03-01"))
    assert not check(db, Subject(licence_id=old.id), D("2022-03-02")).ok
    assert not check(db, Subject(licence_id=old.id), D("2022-08-15")).ok
    recent = f.licence(db, f.person(db), valid_to=D("2021-06-10"))
    assert check(db, Subject(licence_id=recent.id), D("2022-06-01")).ok


def test_study_exclusions_read_the_engine(db: Session) -> None:
    who = f.person(db)
    f.licence(db, who, valid_to=D("2030-01-01"), review_due=D("2026-09-01"))
    f.vehicle(db, who, inspection=D("2026-08-01"))
    checks = all_checks()
    assert not checks["review not overdue"](db, Subject(person_id=who.id), ON).ok
    failed = checks["no vehicle overdue for inspection"](db, Subject(person_id=who.id), ON)
    assert not failed.ok and failed.params["plate"].startswith("京A")
    assert checks["no vehicle overdue for inspection"](db, Subject(person_id=who.id), D("2026-07-01")).ok
