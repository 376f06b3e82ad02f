"""JSON API of the figures (/api/v1/stats): supervisors for their province, administrators for any region."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from jiaoguan.kit.web import Db, UnitOfWorkRoute
from jiaoguan.stats import service
from jiaoguan.stats.auth import FigureReader
from jiaoguan.stats.dashboard import table_json, to_json
from jiaoguan.stats.schemas import DashboardOut, TableOut

router = APIRouter(route_class=UnitOfWorkRoute, tags=["stats"])


@router.get("/stats/figures", response_model=DashboardOut)
def figures(user: FigureReader, db: Db, start: str | None = None, end: str | None = None,
            period: str | None = None, province: str | None = None, office: str | None = None) -> DashboardOut:
    """Every measure's figures, with how each is counted, and every table of the dashboard."""
    scope = service.scope_for(db, user, start=start, end=end, period=period, province=province, office=office)
    return DashboardOut.model_validate(to_json(service.dashboard(db, scope)))


@router.get("/stats/tables/{table_id}.csv", response_class=Response, responses={200: {
    "content": {"text/csv": {}}, "description": "The table as CSV, UTF-8 with a byte-order mark"}})
def table_csv(table_id: str, user: FigureReader, db: Db, start: str | None = None, end: str | None = None,
              period: str | None = None, province: str | None = None, office: str | None = None) -> Response:
    scope = service.scope_for(db, user, start=start, end=end, period=period, province=province, office=office)
    t = service.table_of(service.dashboard(db, scope), table_id)
    return Response(service.csv_bytes([t]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{t.id}.csv"'})


@router.get("/stats/tables/{table_id}", response_model=TableOut)
def table(table_id: str, user: FigureReader, db: Db, start: str | None = None, end: str | None = None,
          period: str | None = None, province: str | None = None, office: str | None = None) -> TableOut:
    """One table of the dashboard."""
    scope = service.scope_for(db, user, start=start, end=end, period=period, province=province, office=office)
    return TableOut.model_validate(table_json(service.table_of(service.dashboard(db, scope), table_id)))
