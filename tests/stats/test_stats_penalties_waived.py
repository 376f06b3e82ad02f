"""延期办's "penalties waived" per temporary measure: a penalty is waived only for a record that would be fined
without the measures (its deadline under the regulations alone has passed) and that the measure's waiving
provision covers; the supervisor's dashboard, the level job and the rebuild agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.measures.store import publish
from jiaoguan.deadlines.sweep.counts import ask, process_queued
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.stats.rebuild import rebuild, refresh_levels
from tests.factories.registry import D, licence, person, vehicle

ON = D("2022-05-01")
EXTEND_AND_WAIVE = {
    "id": "TEST-EXTEND-WAIVE", "version": 1, "title": {"zh": "延期并免罚", "en": "Extended and waived"},
    "announced": "2022-04-21", "effective_from": "2022-04-21", "effective_to": "2022-07-31", "region": "national",
    "provisions": [{"classes": ["inspection", "licence-renewal"], "mode": "shift", "months": 3,
                    "penalty_waiver": True}],
}


@pytest.fixture()
def on_the_first_of_may() -> Iterator[None]:
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2022, 5, 1, 2, 0, tzinfo=dt.UTC)))
    yield
    set_clock(before)


def measure_figures(board: dict[str, Any]) -> tuple[Any, Any, list[Any]]:
    m3 = next(m for m in board["measures"] if m["measure"] == "3")
    value = {f["metric"]: f["value"] for f in m3["figures"]}
    table = next(t for t in m3["tables"] if t["id"] == "m3-measures")
    return value["deadlines.covered"], value["deadlines.waived"], table["rows"]


def test_a_provision_that_extends_and_waives_counts_as_waived_only_the_records_already_past_their_regulation_deadline(
        db: Session, client: TestClient, sign_in: Callable[[TestClient, User], TestClient],
        make_user: Callable[..., User], on_the_first_of_may: None) -> None:
    """The provision moves every inspection and renewal due from 21 April by three months and waives the penalty.
    On 1 May it covers six records; three were due before 1 May (a fine would be due without it), three are due
    later (nobody could be fined for them yet): three penalties waived, not six."""
    publish(db, EXTEND_AND_WAIVE)
    owner = person(db)
    vehicle(db, owner, inspection=D("2022-04-25"))     # past its regulation deadline: waived
    vehicle(db, owner, inspection=D("2022-06-30"))     # moved, not yet due: nothing to waive
    vehicle(db, owner, inspection=D("2022-03-15"))     # due before the measure: not covered
    licence(db, owner, valid_to=D("2022-04-22"))       # past: waived
    licence(db, person(db), valid_to=D("2022-04-30"))  # past: waived
    licence(db, person(db), valid_to=D("2022-05-20"))  # not yet due
    licence(db, person(db), valid_to=D("2022-07-01"))  # not yet due
    ask(db, ON, reason="sweep", by="test")
    assert process_queued(db) == 1                     # the worker counts the day (as the nightly sweep does)
    refresh_levels(db)                                 # the stats room's level job
    c = sign_in(client, make_user(Role.supervisor, province_code="11"))
    board = c.get("/api/v1/stats/figures", params={"start": ON.isoformat(), "end": ON.isoformat()}).json()
    assert measure_figures(board) == (6, 3, [["TEST-EXTEND-WAIVE@1", 6, 3]])
    report = rebuild(db, write=False)
    assert (report.differences, report.person_differences) == ([], 0)
