"""HTML pages of the batch (集中办理) and door-to-door (上门办理) requests: the enterprise's form and list, one
request's page where a clerk schedules, finishes or cancels it, and the old pass-room addresses redirected here.
The clerks reach the open requests from the business inbox."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts.enterprises import enterprises_by_id
from jiaoguan.accounts.principal import Principal
from jiaoguan.business import service_requests as sr
from jiaoguan.business.auth import Enterprise, ServiceClerk, ServiceReader
from jiaoguan.business.states import SERVICE_REQUEST
from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.errors import InvalidInput, JiaoguanError
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render
from jiaoguan.passes.service import enterprise_active_plates

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
STATUS_CLASS = {"requested": "warn", "scheduled": "ok", "done": "grey", "cancelled": "grey"}


def _page(request: Request, user: Principal, template: str, status_code: int = 200, **ctx: Any) -> Response:
    return render(request, template, {"user": user, "kinds": sr.KINDS, "labels": SERVICE_REQUEST.labels,
                                      "status_class": STATUS_CLASS, "beijing": CHINA_TZ, **ctx},
                  status_code=status_code)


def _ours(request: Request, user: Principal, db: Db, status_code: int = 200, **ctx: Any) -> Response:
    enterprise_id = user.enterprise_id or 0
    return _page(request, user, "business/service_requests.html", status_code, rows=sr.enterprise_requests(db, user),
                 plates=enterprise_active_plates(db, enterprise_id), **ctx)


@router.get("/business/service-requests")
def our_requests(request: Request, user: Enterprise, db: Db, notice: str = "") -> Response:
    return _ours(request, user, db, notice=notice, error="")


@router.post("/business/service-requests")
def ask(request: Request, user: Enterprise, db: Db, kind: Annotated[str, Form()] = "",
        plates: Annotated[str, Form()] = "", business: Annotated[str, Form()] = "",
        contact_phone: Annotated[str, Form()] = "", address: Annotated[str, Form()] = "",
        preferred_date: Annotated[str, Form()] = "") -> Response:
    try:
        when = dt.date.fromisoformat(preferred_date) if preferred_date else None
    except ValueError:
        when = None
    try:
        sr.request_service(db, user, kind=kind, plates=plates, business=business, contact_phone=contact_phone,
                           address=address, preferred_date=when)
    except JiaoguanError as exc:
        return _ours(request, user, db, 422, error=exc.text(), notice="")
    return RedirectResponse("/business/service-requests?notice=sent", status_code=303)


@router.get("/business/service-requests/{request_id}")
def one(request: Request, request_id: int, user: ServiceReader, db: Db, notice: str = "") -> Response:
    row = sr.get_request(db, user, request_id)
    firm = enterprises_by_id(db, [row.enterprise_id]).get(row.enterprise_id)
    actions = {t.action for t in SERVICE_REQUEST.actions(row.status, user.role)}
    return _page(request, user, "business/service_request.html", r=row, firm=firm, actions=actions, notice=notice)


def _back(request_id: int, notice: str) -> Response:
    return RedirectResponse(f"/business/service-requests/{request_id}?notice={notice}", status_code=303)


@router.post("/business/service-requests/{request_id}/schedule")
def schedule(request_id: int, user: ServiceClerk, db: Db, when: Annotated[str, Form()] = "",
             note: Annotated[str, Form()] = "", version: Annotated[int | None, Form()] = None) -> Response:
    try:
        at = dt.datetime.fromisoformat(when).replace(tzinfo=CHINA_TZ)  # the clerk types Beijing time
    except ValueError:
        raise InvalidInput(N_("Give the appointment as date and time."), code="business.bad_time",
                           field="when") from None
    sr.schedule(db, user, request_id, at, note, expected_version=version)
    return _back(request_id, "scheduled")


@router.post("/business/service-requests/{request_id}/done")
def done(request_id: int, user: ServiceClerk, db: Db, version: Annotated[int | None, Form()] = None) -> Response:
    sr.mark_done(db, user, request_id, expected_version=version)
    return _back(request_id, "done")


@router.post("/business/service-requests/{request_id}/cancel")
def cancel(request_id: int, user: ServiceReader, db: Db, version: Annotated[int | None, Form()] = None) -> Response:
    sr.cancel(db, user, request_id, expected_version=version)
    return _back(request_id, "cancelled")


# --- the pass room's old addresses (the requests lived there before they moved here) ----------------

@router.get("/passes/service-requests")
def old_our_requests(_: Enterprise) -> Response:
    return RedirectResponse("/business/service-requests", status_code=301)


@router.post("/passes/service-requests")
def old_ask(_: Enterprise) -> Response:
    return RedirectResponse("/business/service-requests", status_code=308)  # 308 keeps the method and the form


@router.get("/passes/service-queue")
def old_queue(_: ServiceClerk) -> Response:
    return RedirectResponse("/business/inbox#service-requests", status_code=301)


@router.post("/passes/service-queue/{request_id}/{action}")
def old_queue_action(request_id: int, action: Annotated[str, Path(pattern="^(schedule|done)$")],
                     _: ServiceClerk) -> Response:
    return RedirectResponse(f"/business/service-requests/{request_id}/{action}", status_code=308)
