"""The supervisor's counts are data (issues #8 and #13): stored per measure, kind and province by the nightly
sweep, after a publish and on request for any other day; `/measures` reads them, says when they were
computed, and shows a pending count's progress; the versions in force follow the chosen day."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.jobs import asked_counts, nightly_sweep
from jiaoguan.deadlines.sweep.counts import ask, counted, process_queued
from jiaoguan.deadlines.sweep.models import CountRequest, MeasureCount
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import D, licence, person, vehicle


@pytest.fixture()
def on_first_of_july() -> Iterator[None]:
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2022, 7, 1, 2, 0, tzinfo=dt.UTC)))
    yield
    set_clock(before)


def row_of(page: str, ref: str) -> str:
    return page.split(f'data-measure="{ref}"')[1].split("</tr>")[0]


def records(db: Session) -> None:
    owner = person(db)
    vehicle(db, owner, inspection=D("2022-03-15"))
    vehicle(db, owner, inspection=D("2023-03-31"))
    licence(db, owner, valid_to=D("2022-06-10"))


def test_the_page_shows_stored_counts_a_supervisor_asked_for_with_progress_then_when_they_were_computed(
        client, sign_in, make_user, db, on_first_of_july) -> None:
    publish_shipped(db)
    records(db)
    c = sign_in(client, make_user(Role.supervisor))
    page = c.get("/measures").text
    assert 'id="not-counted"' in page and 'action="/measures/counts"' in page
    asked = c.post("/measures/counts", data={"on": "2022-07-01", "csrf_token": "test-csrf-token"},
                   follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"] == "/measures?on=2022-07-01"
    pending = c.get("/measures").text
    request = db.scalars(select(CountRequest)).one()
    assert f'data-count="{request.id}"' in pending and 'hx-trigger="every 2s"' in pending
    assert "HX-Refresh" not in c.get(f"/measures/counts/{request.id}").headers

    assert asked_counts(db) == 1          # the worker
    progress = c.get(f"/measures/counts/{request.id}")
    assert progress.headers["HX-Refresh"] == "true" and 'data-status="done"' in progress.text
    page = c.get("/measures").text
    assert 'id="counted-at"' in page and "2022-07-01" in page
    mps = row_of(page, "MPS-2022-04-21@2")
    assert 'data-state="in_force"' in page.split('data-measure="MPS-2022-04-21@2"')[1][:40]
    assert 'data-total="2"' in mps
    assert 'data-state="replaced"' in page.split('data-measure="MPS-2022-04-21@1"')[1][:40]
    assert 'data-total="0"' in row_of(page, "SX-2022-12-20@2")   # Shanxi only, and not announced yet


def test_counts_are_stored_per_measure_kind_and_province(db, on_first_of_july) -> None:
    publish_shipped(db)
    records(db)
    shanxi = person(db, province="14")
    licence(db, shanxi, valid_to=D("2021-11-15"))      # crosses the one-year line in Q4 2022 (Shanxi item 5)
    request = ask(db, D("2023-01-10"), reason="asked", by="test")
    process_queued(db)
    rows = {(r.measure_ref, r.kind, r.province_code): r.records
            for r in db.scalars(select(MeasureCount).where(MeasureCount.request_id == request.id))}
    assert rows[("SX-2022-12-20@2", "licence-cancellation", "14")] == 1
    assert not any(ref.startswith("SX-") and province != "14" for ref, _, province in rows)
    view = counted(db, D("2023-01-10"))
    assert view.request is not None and view.request.status == "done" and view.pending is None


def test_the_page_answers_as_of_a_day_in_2020_with_the_versions_known_then(client, sign_in, make_user, db) -> None:
    publish_shipped(db)
    page = sign_in(client, make_user(Role.supervisor)).get("/measures", params={"on": "2020-04-15"}).text
    state = {ref: page.split(f'data-measure="{ref}" data-state="')[1].split('"')[0]
             for ref in ("MPS-2020-EPIDEMIC@1", "MPS-2020-EPIDEMIC@2", "MPS-2020-EPIDEMIC@3", "MPS-2022-04-21@2")}
    assert state == {"MPS-2020-EPIDEMIC@1": "replaced", "MPS-2020-EPIDEMIC@2": "in_force",
                     "MPS-2020-EPIDEMIC@3": "not_announced", "MPS-2022-04-21@2": "not_announced"}


def test_a_bad_date_on_the_measures_page_is_a_readable_message(client, sign_in, make_user) -> None:
    page = sign_in(client, make_user(Role.supervisor)).get("/measures", params={"on": "1 May"})
    assert page.status_code == 422 and 'role="alert"' in page.text


def test_the_nightly_sweep_stores_todays_counts(db, on_first_of_july) -> None:
    publish_shipped(db)
    records(db)
    assert nightly_sweep(db) is not None
    view = counted(db, D("2022-07-01"))
    assert view.request is not None and view.request.reason == "sweep"
    assert view.total("MPS-2022-04-21@2") == 2


def test_only_a_supervisor_or_an_admin_asks_for_counts(client, sign_in, make_user) -> None:
    c = sign_in(client, make_user(Role.citizen))
    assert c.post("/measures/counts", data={"on": "2022-07-01"}).status_code == 403


def test_two_workers_run_each_asked_count_once(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is the PostgreSQL path; SQLite has a single writer")
    days = [D("2022-05-01") + dt.timedelta(days=i) for i in range(6)]
    with Session(engine) as s, s.begin():
        ids = [ask(s, day, reason="asked", by="test").id for day in days]
    ran: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with Session(engine) as s:
                ran.append(process_queued(s, limit=len(days)))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == [] and sum(ran) == len(days)
        with Session(engine) as s:
            statuses = s.scalars(select(CountRequest.status).where(CountRequest.id.in_(ids))).all()
            assert sorted(statuses) == ["done"] * len(days)
    finally:
        with Session(engine) as s, s.begin():
            s.execute(delete(MeasureCount).where(MeasureCount.request_id.in_(ids)))
            s.execute(delete(CountRequest).where(CountRequest.id.in_(ids)))
