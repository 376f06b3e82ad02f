"""Issue #8 item 5: the citizen's "my records" and "my deadlines" give one answer, 交强险 included.

Both pages (and both APIs) state each deadline from the same engine decision: after a measure moves a date,
the registry's card shows the date in force, not the stored one; and the compulsory insurance that the
records show is a deadline with its own reminders in the sweep.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.sweep.run import sweep
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.kit.outbox import OutboxMessage
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import D, licence, permit, person, plate_hold, vehicle

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture()
def on_first_of_june() -> Iterator[None]:
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2022, 6, 1, 2, 0, tzinfo=dt.UTC)))
    yield
    set_clock(before)


@pytest.fixture()
def citizen(db, make_user, sign_in, client, on_first_of_june):  # type: ignore[no-untyped-def]
    publish_shipped(db, "MPS-2022-04-21")
    owner = person(db)
    licence(db, owner, valid_to=D("2022-05-10"))                       # expired, carried to 2022-07-31
    vehicle(db, owner, inspection=D("2022-03-15"), insurance=D("2022-06-20"), plate="京A12345")
    permit(db, owner, issued=D("2020-01-10"), valid_until=D("2023-01-10"))          # + 3 months
    plate_hold(db, owner, selected=D("2022-04-20"), valid_until=D("2022-05-12"))   # held on 4-21: + 3 months
    return sign_in(client, make_user(Role.citizen, person_id=owner.id))


def test_the_records_page_shows_the_dates_the_measure_set_as_the_deadlines_page_does(citizen) -> None:
    records, deadlines = citizen.get("/my/records").text, citizen.get("/my/deadlines").text
    for moved in ("2022-07-31", "2023-04-10", "2022-08-12"):
        assert moved in records and moved in deadlines, moved
    assert 'data-state="licence.renewal_grace"' in records
    assert 'data-state="vehicle.inspection_grace"' in records


def test_the_registry_api_states_every_deadline_at_the_date_the_deadlines_api_gives(citizen) -> None:
    registry = citizen.get("/api/v1/registry/me").json()
    deadlines = {(r["record_type"], r["record_id"]): r for r in citizen.get("/api/v1/deadlines/me").json()}
    cards = ([("licence", c) for c in registry["licences"]] + [("vehicle", c) for c in registry["vehicles"]]
             + [("learner-permit", c) for c in registry["learner_permits"]]
             + [("preselected-plate", c) for c in registry["preselected_plates"]])
    for record_type, card in cards:
        known = {d[f] for d in deadlines[(record_type, card["id"])]["deadlines"]
                 for f in ("effective_due", "deadline", "original_due")}
        for state in card["states"]:
            assert set(ISO.findall(state["text"])) <= known, (record_type, state, known)


def test_compulsory_insurance_is_a_deadline_on_both_pages(citizen) -> None:
    deadlines = citizen.get("/api/v1/deadlines/me").json()
    car = next(r for r in deadlines if r["record_type"] == "vehicle")
    insurance = next(d for d in car["deadlines"] if d["kind"] == "compulsory-insurance")
    assert (insurance["effective_due"], insurance["overdue"], insurance["rules"]) == ("2022-06-20", False, ["JQX"])
    page = citizen.get("/my/deadlines").text
    assert "交强险" in page and "2022-06-20" in page
    assert 'data-state="vehicle.insurance_due"' in citizen.get("/my/records").text


def test_the_sweep_reminds_of_compulsory_insurance_once_per_offset(db) -> None:
    publish_shipped(db)
    owner = person(db)
    car = vehicle(db, owner, inspection=D("2030-01-31"), insurance=D("2022-06-08"), plate="京A54321")
    first = sweep(db, D("2022-06-01"))
    again = sweep(db, D("2022-06-01"))
    assert first.counts.get("reminders_insurance") == 1 and again.counts.get("reminders_insurance", 0) == 0
    message = db.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"dl:insurance:{car.id}:%"))).one()
    assert '"due": "2022-06-08"' in message.params_json and "京A54321" in message.params_json
