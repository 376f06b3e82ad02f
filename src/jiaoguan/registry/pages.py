"""Registry pages: a citizen's own records, the staff search box and person file, a company's fleet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jiaoguan.accounts.auth import Citizen, EnterpriseAgent
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render
from jiaoguan.registry import service
from jiaoguan.registry.auth import FULL_ID_ROLES, RegistryReader

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
FLEET_PAGE = 50


@router.get("/my/records")
def my_records(request: Request, user: Citizen, db: Db) -> Response:
    try:
        records = service.my_records(db, user)
    except service.NoPersonRecord as exc:
        return render(request, "registry/my_records.html", {"records": None, "missing": exc.text()})
    return render(request, "registry/my_records.html", {"records": records, "missing": None})


@router.get("/registry/search")
def search(request: Request, user: RegistryReader, db: Db, q: str = "") -> Response:
    result, error = None, None
    if q.strip():
        try:
            result = service.search(db, q, province_code=user.province_code)
        except InvalidInput as exc:
            error = exc.text()
    return render(request, "registry/search.html", {"q": q, "result": result, "error": error},
                  status_code=422 if error else 200)


@router.get("/registry/persons/{person_id}")
def person_file(request: Request, person_id: int, user: RegistryReader, db: Db) -> Response:
    records = service.person_file(db, person_id, full_id=Role(user.role) in FULL_ID_ROLES)
    return render(request, "registry/person.html", {"records": records})


@router.get("/enterprise/fleet")
def fleet(request: Request, user: EnterpriseAgent, db: Db, page: Annotated[int, Query(ge=1)] = 1) -> Response:
    view = service.fleet(db, user, limit=FLEET_PAGE, offset=(page - 1) * FLEET_PAGE)
    pages = max(1, -(-view.total // FLEET_PAGE))
    return render(request, "registry/fleet.html", {"fleet": view, "page": page, "pages": pages})
