"""The figures dashboard (/stats) with its exports, and the room's own script and stylesheet."""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from markupsafe import Markup

from jiaoguan.accounts.auth import Anyone
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import N_, current_locale, translate
from jiaoguan.kit.ids import PROVINCES
from jiaoguan.kit.web import Db, UnitOfWorkRoute, page_environment, render
from jiaoguan.stats import service
from jiaoguan.stats.auth import FigureReader
from jiaoguan.stats.dashboard import Dashboard, table_json, to_json

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
ASSETS = FsPath(__file__).resolve().parent / "templates" / "stats" / "assets"
MEDIA_TYPES = {"stats.css": "text/css", "dashboard.js": "text/javascript"}


@router.get("/stats")
def dashboard_page(request: Request, user: FigureReader, db: Db, start: str | None = None, end: str | None = None,
                   period: str | None = None, province: str | None = None, office: str | None = None) -> Response:
    scope = service.scope_for(db, user, start=start, end=end, period=period, province=province, office=office)
    board = service.dashboard(db, scope)
    query = {k: v for k, v in (("start", scope.start.isoformat()), ("end", scope.end.isoformat()),
                                ("province", scope.province or ""), ("office", scope.office or "")) if v}
    return render(request, "stats/dashboard.html", {
        "user": user, "board": board, "scope": scope, "periods": service.PERIODS, "query": query,
        "measures_html": measures_html(board, query),
        "may_choose_province": user.role == Role.admin or not user.province_code,
        "provinces": sorted(PROVINCES.items()), "offices": service.offices(db, scope.province),
        "province_name": PROVINCES.get(scope.province or "", ""),
    })


def measures_html(board: Dashboard, query: dict[str, str]) -> Markup:
    """The measures' sections in the page's language, rendered once per scope and language for a few seconds
    (the bulk of the page: a cell per day and figure; see DECISIONS "Figures: the page's time")."""
    locale = current_locale()

    def make() -> Markup:
        return Markup(page_environment().get_template("stats/measures.html").render(
            view=to_json(board, locale), query_text=urlencode(query), how_label=translate(N_("How counted"), locale),
            nothing=translate(N_("Nothing counted in this period."), locale),
            chart_label=translate(N_("Chart of the table beside it:"), locale)))

    return service.cached(("measures_html", board.scope, locale, tuple(sorted(query.items()))), make)


@router.get("/stats/export.csv")
def export_csv(user: FigureReader, db: Db, start: str | None = None, end: str | None = None,
               period: str | None = None, province: str | None = None, office: str | None = None,
               table: str | None = None) -> Response:
    """One table (`table=`) or every table of the dashboard, as CSV (UTF-8 with a BOM)."""
    scope = service.scope_for(db, user, start=start, end=end, period=period, province=province, office=office)
    board = service.dashboard(db, scope)
    tables = [service.table_of(board, table)] if table else board.tables()
    name = table or f"figures-{scope.start}-{scope.end}-{scope.province or 'national'}"
    return Response(service.csv_bytes(tables, current_locale()), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@router.get("/stats/export.json")
def export_json(user: FigureReader, db: Db, start: str | None = None, end: str | None = None,
                period: str | None = None, province: str | None = None, office: str | None = None,
                table: str | None = None) -> Response:
    scope = service.scope_for(db, user, start=start, end=end, period=period, province=province, office=office)
    board = service.dashboard(db, scope)
    body = table_json(service.table_of(board, table)) if table else to_json(board)
    name = table or f"figures-{scope.start}-{scope.end}-{scope.province or 'national'}"
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}.json"'})


@router.get("/stats/assets/{name}")
def asset(name: Annotated[str, Path(pattern=r"^[a-z]+\.(css|js)$")], _: Anyone) -> Response:
    if name not in MEDIA_TYPES:
        raise NotFound()
    return Response((ASSETS / name).read_text("utf-8"), media_type=MEDIA_TYPES[name],
                    headers={"Cache-Control": "public, max-age=3600"})
