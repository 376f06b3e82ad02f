"""The shell's own pages: home per role, health, language and large-font switches, audit view."""

from __future__ import annotations

import datetime as dt
import os
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from jiaoguan.accounts.auth import Admin, Anyone, SignedIn, Supervisor
from jiaoguan.accounts.roles import ROLE_NAMES, Role
from jiaoguan.kit import audit, outbox
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.i18n import N_, current_locale, normalize_locale
from jiaoguan.kit.outbox import requeue
from jiaoguan.kit.statistics import analyze_when_stale
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render
from jiaoguan.notify.queries import inbox, mark_read, recent_dev_sms
from jiaoguan.web import admin_calendar, admin_users
from jiaoguan.web.audit_view import ACTIONS, PAGE_SIZE, AuditFilters, audit_rows, known_actions
from jiaoguan.web.middleware import LANG_COOKIE, LARGE_COOKIE, YEAR

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
router.include_router(admin_users.router)
router.include_router(admin_calendar.router)


def _safe_next(value: str | None) -> str:
    # Only same-site paths: an open redirect would help phishing.
    if not value or urlparse(value).netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    return value


@router.get("/")
def home(request: Request, user: Anyone) -> Response:
    if user is None:
        return render(request, "web/landing.html")
    return render(request, "web/home.html", {"role_name": ROLE_NAMES[Role(user.role)]})


@router.get("/healthz")
def healthz(_: Anyone) -> JSONResponse:
    # The process id tells an operator (and a test) which of `serve --workers N`'s processes answered.
    return JSONResponse({"status": "ok", "process": os.getpid()})


@router.get("/readyz")
def readyz(_: Anyone, db: Db) -> JSONResponse:
    try:
        db.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/prefs/lang")
def switch_language(_: Anyone, to: str = "zh_Hans", next: str = "/") -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, normalize_locale(to), max_age=YEAR, samesite="lax")
    return response


@router.get("/prefs/large-font")
def switch_large_font(request: Request, _: Anyone, on: int = 1, next: str = "/") -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LARGE_COOKIE, "1" if on else "0", max_age=YEAR, samesite="lax")
    return response


@router.get("/admin/audit")
def audit_page(request: Request, user: Supervisor, db: Db, page: Annotated[int, Query(ge=1)] = 1,
               actor: Annotated[str, Query(max_length=120)] = "", action: Annotated[str, Query(max_length=80)] = "",
               object: Annotated[str, Query(max_length=140)] = "",
               day_from: Annotated[dt.date | None, Query(alias="from")] = None,
               day_to: Annotated[dt.date | None, Query(alias="to")] = None) -> Response:
    """The audit trail, newest first, filtered by actor (name, role or id), action, object ("type" or "type id")
    and Beijing date; each action named in the page's language."""
    filters = AuditFilters(actor, action, object, day_from, day_to)
    return render(request, "web/audit.html", {
        "rows": audit_rows(db, filters, page), "page": page, "filters": filters, "query": filters.query(),
        "actions": known_actions(db), "action_names": ACTIONS, "role_names": ROLE_NAMES,
        "page_size": PAGE_SIZE})


@router.get("/admin/outbox")
def outbox_page(request: Request, user: Admin, db: Db) -> Response:
    """Deliveries that failed or died — SMS, in-app messages and domain events — with their last error."""
    analyze_when_stale(db, [outbox.OutboxMessage.__tablename__])   # the counts' plans follow the table's growth
    return render(request, "web/outbox.html", {"problems": outbox.problems(db), "counts": outbox.status_counts(db),
                                               "cap": outbox.COUNT_CAP})


@router.post("/admin/outbox/{outbox_id}/retry")
def outbox_retry(request: Request, outbox_id: int, user: Admin, db: Db) -> Response:
    msg = requeue(db, outbox_id)
    if msg is None:
        raise NotFound(N_("There is no failed delivery with this number."), code="web.no_such_delivery")
    audit.record(db, "outbox.retry", msg.channel, msg.id, f"{msg.template} to {msg.recipient}")
    return RedirectResponse("/admin/outbox", status_code=303)


@router.get("/my/messages")
def my_messages(request: Request, user: SignedIn, db: Db) -> Response:
    """The signed-in user's in-app messages (decisions, reminders), in the page's language; opening marks them read."""
    messages = inbox(db, user.id, current_locale())
    mark_read(db, user.id, utc_now())
    return render(request, "web/messages.html", {"messages": messages})


@router.get("/admin/dev-sms")
def dev_sms(request: Request, user: Admin, db: Db) -> Response:
    """What the development SMS channel 'sent' (sign-in codes, reminders), for admins."""
    rows = recent_dev_sms(db)
    return render(request, "notify/dev_sms.html", {"rows": rows})
