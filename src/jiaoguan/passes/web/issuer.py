"""The pass issuer's pages (review within the SLA, issued passes, revocation) and the window clerk's list of
batch / door-to-door requests to schedule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.enterprises import enterprise_of
from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.web import Db, UnitOfWorkRoute
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.register_check import STATUS_WORDS
from jiaoguan.passes.auth import Issuer
from jiaoguan.passes.issuance.issue import crew_of
from jiaoguan.passes.issuance.revocation import revoke_pass
from jiaoguan.passes.models import TransportPass
from jiaoguan.passes.web.common import page
from jiaoguan.registry.vocab import vehicle_type_name

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
PASS_NO = r"^\d{12}$"


@router.get("/passes/review")
def review(request: Request, user: Issuer, db: Db, notice: str = "") -> Response:
    queue, firms, register = apps.review_page(db, user)
    return page(request, user, "passes/review.html", queue=queue, firms=firms, notice=notice,
                days_left={a.id: apps.working_days_left(db, a) for a in queue}, register=register)


@router.get("/passes/review/{app_id}")
def review_one(request: Request, app_id: int, user: Issuer, db: Db, error: str = "") -> Response:
    app = apps.get_application(db, app_id)
    apps.ensure_may_see(db, user, app)
    return _review_page(request, user, db, app_id, error)


def _review_page(request: Request, user: Principal, db: Session, app_id: int, error: str = "",
                 status_code: int = 200, confirm: dict[str, str] | None = None) -> Response:
    app = apps.get_application(db, app_id)
    apps.ensure_may_see(db, user, app)
    reg = apps.register_facts(db, app) if app.status == "pending" else None
    return page(request, user, "passes/review_one.html", status_code=status_code, app=app, crew=crew_of(db, app.id),
                error=error, enterprise=enterprise_of(db, app.enterprise_id),
                days_left=apps.working_days_left(db, app), reg=reg, vehicle_type_name=vehicle_type_name,
                status_words=STATUS_WORDS, confirm=confirm,
                pass_row=apps.passes_by_application(db, [app.id]).get(app.id))


@router.post("/passes/review/{app_id}/approve")
def approve(request: Request, app_id: int, user: Issuer, db: Db) -> Response:
    try:
        with db.begin_nested():
            issued = apps.approve(db, app_id, user)
    except apps.RegisterDisagrees as exc:
        # The register changed since the application came in: the issuer sees every finding, nothing is issued.
        return _review_page(request, user, db, app_id, exc.text(), 409)
    return RedirectResponse(f"/passes/review?notice=issued-{issued.pass_no}", status_code=303)


@router.post("/passes/review/{app_id}/refuse")
def refuse(request: Request, app_id: int, user: Issuer, db: Db, reason: Annotated[str, Form()] = "",
           note: Annotated[str, Form()] = "", confirmed: Annotated[str, Form()] = "") -> Response:
    """A refusal takes two steps: the issuer chooses a reason (no default) and writes a note, then confirms on a
    page that shows exactly what the applicant will read."""
    try:
        if confirmed != "yes":
            apps.check_refusal(reason, note)
            return _review_page(request, user, db, app_id, confirm={"reason": reason, "note": note})
        apps.refuse(db, app_id, user, reason, note)
    except InvalidInput as exc:
        return _review_page(request, user, db, app_id, exc.text(), 422)
    return RedirectResponse(f"/passes/review?notice=refused-{app_id}", status_code=303)


@router.get("/passes/issued")
def issued(request: Request, user: Issuer, db: Db, q: str = "", notice: str = "") -> Response:
    stmt = select(TransportPass).where(TransportPass.province_code == (user.province_code or ""))
    if q.strip():
        needle = q.strip().upper()
        stmt = stmt.where((TransportPass.pass_no == needle) | TransportPass.plate_no.contains(needle))
    rows = db.execute(stmt.order_by(TransportPass.id.desc()).limit(200)).scalars().all()
    return page(request, user, "passes/issued.html", rows=rows, q=q, notice=notice, today=today())


@router.post("/passes/issued/{pass_no}/revoke")
def revoke(pass_no: Annotated[str, Path(pattern=PASS_NO)], user: Issuer, db: Db,
           reason: Annotated[str, Form()] = "") -> Response:
    revoke_pass(db, pass_no, user, reason)
    return RedirectResponse(f"/passes/issued?notice=revoked-{pass_no}", status_code=303)
