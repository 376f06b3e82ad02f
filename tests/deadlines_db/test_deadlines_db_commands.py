"""`jiaoguan deadlines sweep`, the nightly job, and `explain` judging by the published measures."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jiaoguan.deadlines.commands import app, load_measures_for_cli
from jiaoguan.kit import db as kitdb
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from jiaoguan.registry.models import DrivingLicence
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import D, licence, person

runner = CliRunner()


class _Borrowed:
    """The test's session handed to a command that closes what it opens."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def close(self) -> None:
        """The test owns the real session; the command under test must not close it."""


@pytest.fixture()
def command_db(db: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setattr(kitdb, "get_sessionmaker", lambda: lambda: _Borrowed(db))

    @contextmanager
    def _unit_of_work() -> Iterator[Session]:
        yield db

    monkeypatch.setattr(kitdb, "unit_of_work", _unit_of_work)
    return db


def test_the_sweep_command_prints_its_counts_as_json(command_db: Session) -> None:
    lic = licence(command_db, person(command_db), valid_to=D("2021-06-10"))
    result = runner.invoke(app, ["sweep", "--on", "2021-07-01", "--batch", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["licences_expired"] == 1 and report["updates"] == 1
    assert command_db.execute(select(DrivingLicence.status).where(DrivingLicence.id == lic.id)).scalar() == "expired"
    again = json.loads(runner.invoke(app, ["sweep", "--on", "2021-07-01", "--json"]).stdout)
    assert (again["updates"], again["messages"]) == (0, 0)


def test_the_sweep_command_shows_progress_and_a_summary(command_db: Session) -> None:
    result = runner.invoke(app, ["sweep", "--on", "2021-07-01"])
    assert result.exit_code == 0, result.output
    assert "Sweep as of 2021-07-01 finished" in result.stdout


@pytest.mark.parametrize("args", [["--on", "2021-13-01"], ["--offsets", "30,x"], ["--offsets", "-1"]])
def test_the_sweep_command_refuses_bad_options(command_db: Session, args: list[str]) -> None:
    result = runner.invoke(app, ["sweep", *args])
    assert result.exit_code == 2


def test_explain_judges_by_the_measures_published_in_the_database(command_db: Session) -> None:
    assert {m.id for m in load_measures_for_cli()} >= {"MPS-2020-EPIDEMIC", "SX-2022-12-20"}  # nothing stored
    publish_shipped(command_db, "MPS-2022-04-21")
    assert {m.id for m in load_measures_for_cli()} == {"MPS-2022-04-21"}
    staged = runner.invoke(app, ["explain", "--kind", "inspection", "--due", "2020-03-01", "--on", "2020-08-01",
                                 "--vehicle-class", "heavy", "--json"])
    assert json.loads(staged.stdout)["measures"] == []   # the 2020 measure is not published here


def test_the_nightly_job_sweeps_as_of_today_and_is_registered_with_the_worker(db: Session) -> None:
    from jiaoguan.deadlines.jobs import nightly_sweep
    from jiaoguan.kit.rooms import all_jobs

    jobs = {job.name: job for job in all_jobs()}
    assert jobs["deadlines.sweep"].every == dt.timedelta(days=1)
    assert jobs["deadlines.sweep"].run == "jiaoguan.deadlines.jobs:nightly_sweep"
    lic = licence(db, person(db), valid_to=D("2021-06-10"))
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2021, 6, 10, 16, 30, tzinfo=dt.UTC)))   # 00:30 on the 11th in Beijing
    try:
        report = nightly_sweep(db)
    finally:
        set_clock(before)
    assert report is not None and report.on == D("2021-06-11")
    assert db.execute(select(DrivingLicence.status).where(DrivingLicence.id == lic.id)).scalar() == "expired"
