"""Migration 0170 moves the batch and door-to-door requests from the pass room's table to the business room's,
rows and all, on whichever engine the suite runs; its downgrade moves them back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from sqlalchemy import Connection, MetaData, Table, inspect, select

from jiaoguan.kit.migrate import alembic_config, upgrade
from tests.installations import insert_row, installations  # noqa: F401 - the fixture

NOW = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def _insert(conn: Connection, table: Table, **given: Any) -> int:
    return insert_row(conn, table, NOW, **given)


def test_the_requests_move_with_their_rows_and_move_back(installations) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    inst = installations(migrate=False)
    upgrade(inst.url, "0100")
    engine = inst.engine()
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn, only=("enterprise", "app_user", "pass_service_request"))
        firm = _insert(conn, meta.tables["enterprise"], province_code="31")
        agent = _insert(conn, meta.tables["app_user"], username="agent-0170")
        request_id = _insert(conn, meta.tables["pass_service_request"], province_code="31", enterprise_id=firm,
                             requested_by_user_id=agent, kind="batch", plates="沪A12345 沪B67890",
                             business="行驶证补领", address="", contact_phone="13800138000", status="scheduled",
                             created_at=NOW)
    engine.dispose()
    upgrade(inst.url, "0170")
    engine = inst.engine()
    with engine.begin() as conn:
        names = set(inspect(conn).get_table_names())
        assert "pass_service_request" not in names and "business_service_request" in names
        moved = Table("business_service_request", MetaData(), autoload_with=conn)
        row = conn.execute(select(moved).where(moved.c.id == request_id)).mappings().one()
        assert (row["plates"], row["status"], row["version"]) == ("沪A12345 沪B67890", "scheduled", 1)
        indexes = {i["name"] for i in inspect(conn).get_indexes("business_service_request")}
        assert indexes == {"ix_business_service_request_enterprise_id", "ix_business_service_request_province_code"}
    engine.dispose()
    command.downgrade(alembic_config(inst.url), "0100")
    engine = inst.engine()
    with engine.begin() as conn:
        back = Table("pass_service_request", MetaData(), autoload_with=conn)
        assert conn.execute(select(back.c.plates).where(back.c.id == request_id)).scalar_one() == "沪A12345 沪B67890"
    engine.dispose()
