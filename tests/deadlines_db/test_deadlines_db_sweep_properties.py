"""Properties of the sweep: whatever the records and the day, it leaves each record as the one-record path
(`service.record_deadlines`, what the API shows) judges it, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from jiaoguan.deadlines.record_items import missed_cycles, pure_vehicle
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.service import measures_in_db, record_deadlines
from jiaoguan.deadlines.sweep.run import sweep
from jiaoguan.registry.models import DrivingLicence, LearnerPermit, Person, PreselectedPlate, Vehicle
from jiaoguan.registry.records import record_of
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import licence, permit, person, plate_hold, vehicle

days = st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31))
kinds = st.sampled_from([("small_car", "non_operating", 5), ("heavy_truck", "freight", 3),
                         ("large_bus", "operating_passenger", 45), ("motorcycle", "non_operating", 2)])
records = st.fixed_dictionaries({
    "province": st.sampled_from(["11", "14"]),
    "licences": st.lists(st.tuples(days, st.sampled_from(["C1", "A2", "B2 D", "C5"])), max_size=4),
    "vehicles": st.lists(st.tuples(days, kinds, st.dates(dt.date(2005, 1, 1), dt.date(2018, 12, 31))), max_size=4),
    "permits": st.lists(days, max_size=2),
    "holds": st.lists(days, max_size=2),
})


def _expected_licence(row: DrivingLicence, on: dt.date, measures: tuple) -> str:  # type: ignore[type-arg]
    found = {d.kind: d for d in record_deadlines(record_of(row), on, measures).decisions}
    cancel = found.get(DeadlineKind.LICENCE_CANCELLATION)
    if cancel is not None and cancel.overdue:
        return "cancelled"
    return "expired" if found[DeadlineKind.LICENCE_RENEWAL].past_deadline else "valid"


def _expected_missed(car: Vehicle, on: dt.date, measures: tuple) -> int:  # type: ignore[type-arg]
    found = {d.kind: d for d in record_deadlines(record_of(car), on, measures).decisions}
    scrap = found.get(DeadlineKind.COMPULSORY_SCRAPPING)
    if not found[DeadlineKind.INSPECTION].past_deadline:
        return 0
    pure = pure_vehicle(vehicle_type=car.vehicle_type, use_nature=car.use_nature, seats=car.seats,
                        registration_date=car.registration_date, inspection_valid_until=car.inspection_valid_until)
    return missed_cycles(pure, on, bool(scrap and scrap.overdue))


def _expired(row: LearnerPermit | PreselectedPlate, on: dt.date, measures: tuple) -> bool:  # type: ignore[type-arg]
    return record_deadlines(record_of(row), on, measures).decisions[0].overdue


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=records, on=days)
def test_the_sweep_agrees_with_the_one_record_path_and_is_idempotent(db: Session, data: dict, on: dt.date) -> None:
    publish_shipped(db)   # a no-op after the first example
    who = person(db, province=data["province"])
    try:
        lics = [licence(db, who, valid_to=due, classes=classes) for due, classes in data["licences"]]
        cars = [vehicle(db, who, inspection=due, kind=k[0], use=k[1], seats=k[2], registered=reg)
                for due, k, reg in data["vehicles"]]
        lps = [permit(db, who, issued=due - dt.timedelta(days=1095), valid_until=due) for due in data["permits"]]
        hs = [plate_hold(db, who, selected=due - dt.timedelta(days=10), valid_until=due) for due in data["holds"]]
        measures = measures_in_db(db)
        # What the one-record path says, judged before the sweep moves any status.
        want_licences = [_expected_licence(row, on, measures) for row in lics]
        want_missed = [_expected_missed(car, on, measures) for car in cars]
        want_permits = [_expired(lp, on, measures) for lp in lps]
        want_holds = [_expired(h, on, measures) for h in hs]
        sweep(db, on, batch=3)
        db.expire_all()
        assert [db.get(DrivingLicence, r.id).status for r in lics] == want_licences  # type: ignore[union-attr]
        assert [db.get(Vehicle, c.id).missed_cycles for c in cars] == want_missed  # type: ignore[union-attr]
        assert [db.get(LearnerPermit, p.id).status == "expired" for p in lps] == want_permits  # type: ignore[union-attr]
        assert [db.get(PreselectedPlate, h.id).status == "expired" for h in hs] == want_holds  # type: ignore[union-attr]
        again = sweep(db, on, batch=3)
        assert (again.updates, again.messages) == (0, 0)
    finally:   # the sweep commits (savepoints of the test's transaction): remove this example's records
        for model in (DrivingLicence, LearnerPermit, PreselectedPlate):
            db.execute(delete(model).where(model.person_id == who.id))
        db.execute(delete(Vehicle).where(Vehicle.owner_person_id == who.id))
        db.execute(delete(Person).where(Person.id == who.id))
        db.commit()
