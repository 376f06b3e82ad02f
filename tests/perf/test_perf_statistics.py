"""Statistics after bulk loads (issue 13.5): the demo loader and the sweep ANALYZE what they filled or changed.

On PostgreSQL (this server may run without autovacuum): a table never analyzed has no rows in `pg_stats`.
Each test works in an installation of its own, a fresh schema whose tables nobody has analyzed yet.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jiaoguan.deadlines.sweep.run import sweep
from jiaoguan.kit.db import get_engine, unit_of_work
from tests.factories.registry import D, licence, person
from tests.installations import cli


def _analyzed(table: str) -> bool:
    with get_engine().connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() "
                                      "AND tablename = :t"), {"t": table}).scalar_one())


@pytest.fixture()
def postgres(installations):  # type: ignore[no-untyped-def]
    inst = installations()
    if not inst.url.startswith("postgresql"):
        pytest.skip("planner statistics are PostgreSQL's (SQLite's ANALYZE is left to the operator)")
    return inst


def test_the_demo_loader_leaves_statistics_on_the_tables_it_filled(postgres) -> None:
    assert not _analyzed("person")
    result = cli("demo", "--people", "40")
    assert result.exit_code == 0, result.output
    for table in ("person", "driving_licence", "vehicle", "enterprise", "app_user", "audit_record"):
        assert _analyzed(table), table


def test_a_sweep_that_changed_records_leaves_statistics_on_the_tables_it_changed(postgres) -> None:
    with unit_of_work() as s:
        licence(s, person(s), valid_to=D("2021-06-10"))
    assert not _analyzed("driving_licence")
    with unit_of_work() as s:
        report = sweep(s, D("2021-06-11"), measures=())
    assert report.updates == 1
    assert _analyzed("driving_licence")   # (an empty table gets no pg_stats rows: only the one with rows is seen)
