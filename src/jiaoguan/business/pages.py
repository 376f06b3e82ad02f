"""HTML pages of the business room: the citizen's catalogue ("what you need and whether you qualify"), apply,
upload, track and answer a correction; the seats' inbox and case view; the supervisor's SLA board; the
administrator's catalogue editor; proxies. Forms carry CSRF; every page fits a 390 px phone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts.auth import Admin, Anyone, Citizen, Supervisor
from jiaoguan.accounts.enterprises import enterprises_by_id
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import ROLE_NAMES, SUPERVISORS, Role
from jiaoguan.accounts.service import principal_by_username, principals_by_id
from jiaoguan.business import (
    access,
    documents,
    eligibility,
    identity,
    inbox,
    proxies,
    service,
    service_request_pages,
    service_requests,
    sla,
    snapshot,
)
from jiaoguan.business import catalogue as cat
from jiaoguan.business import catalogue_store as store
from jiaoguan.business.auth import CaseReader, Worker
from jiaoguan.business.catalogue import CatalogueInvalid
from jiaoguan.business.errors import AlreadyOpen
from jiaoguan.business.forms import fields_of
from jiaoguan.business.obligations import owed_by
from jiaoguan.business.register import has_effect
from jiaoguan.business.schemas import CheckOut
from jiaoguan.business.states import ACTION_LABELS, LABELS, SERVICE_REQUEST, WORKERS, Status
from jiaoguan.kit.calendar_service import load_calendar
from jiaoguan.kit.clock import CHINA_TZ, today
from jiaoguan.kit.errors import JiaoguanError, NotFound
from jiaoguan.kit.i18n import current_locale
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render, run_blocking

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
router.include_router(service_request_pages.router)  # before `/business/{code}`, which would shadow its paths
ASSETS = FsPath(__file__).resolve().parent / "templates" / "business" / "assets" / "business.css"
STATUS_CLASS = {"draft": "grey", "submitted": "warn", "accepted": "warn", "in_review": "warn",
                "correction_requested": "bad", "resubmitted": "warn", "approved": "ok", "issued": "ok",
                "completed": "ok", "rejected": "bad", "withdrawn": "grey"}


def page(request: Request, user: Principal | None, template: str, status_code: int = 200, **ctx: Any) -> Response:
    return render(request, template, {"user": user, "labels": LABELS, "action_labels": ACTION_LABELS,
                                      "status_class": STATUS_CLASS, "groups": cat.GROUPS, "channels": cat.CHANNELS,
                                      "identity_levels": cat.IDENTITY_LEVELS, "locale": current_locale(), **ctx},
                  status_code=status_code)


def _back(app_id: int, notice: str = "") -> Response:
    return RedirectResponse(f"/business/applications/{app_id}" + (f"?notice={notice}" if notice else ""),
                            status_code=303)


@router.get("/business/assets/business.css")
def stylesheet(_: Anyone) -> Response:
    return Response(ASSETS.read_text("utf-8"), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


# --- citizen ------------------------------------------------------------------------------------

@router.get("/business")
def catalogue_page(request: Request, user: Anyone, db: Db) -> Response:
    specs = store.all_specs(db)
    by_group: dict[str, list[cat.BusinessSpec]] = {}
    for s in specs:
        by_group.setdefault(s.group, []).append(s)
    return page(request, user, "business/catalogue.html", by_group=by_group,
                province=user.province_code if user else None)


@router.get("/business/mine")
def mine_page(request: Request, user: Citizen, db: Db) -> Response:
    apps = access.my_applications(db, user)
    names = {s.code: s.title(current_locale()) for s in store.all_specs(db)}
    return page(request, user, "business/mine.html", apps=apps, names=names)


@router.get("/business/proxies")
def proxies_page(request: Request, user: Citizen, db: Db, notice: str = "") -> Response:
    given = proxies.given_by(db, user.id)
    held = proxies.held_by(db, user.id)
    people = principals_by_id(db, [p.proxy_user_id for p in given] + [p.principal_user_id for p in held])
    specs = [s for s in store.all_specs(db) if s.proxy_allowed]
    return page(request, user, "business/proxies.html", given=given, held=held, people=people, specs=specs,
                relations=proxies.RELATIONS, notice=notice, default_until=today() + dt.timedelta(days=90))


@router.post("/business/proxies")
def proxies_create(user: Citizen, db: Db, proxy_username: Annotated[str, Form(max_length=64)],
                   relation: Annotated[str, Form(max_length=24)], expires_on: Annotated[dt.date, Form()],
                   businesses: Annotated[list[str] | None, Form()] = None,
                   consent: Annotated[str, Form()] = "") -> Response:
    proxies.authorise(db, user, proxy_username=proxy_username, relation=relation, businesses=businesses or [],
                      expires_on=expires_on, consent=consent == "yes")
    return RedirectResponse("/business/proxies?notice=authorised", status_code=303)


@router.post("/business/proxies/{proxy_id}/revoke")
def proxies_revoke(proxy_id: int, user: Citizen, db: Db) -> Response:
    proxies.revoke(db, user, proxy_id)
    return RedirectResponse("/business/proxies?notice=revoked", status_code=303)


# --- seats, supervisors, administrator (fixed paths before /business/{code}) ---------------------

@router.get("/business/inbox")
def inbox_page(request: Request, user: Worker, db: Db, status: str = "", scope: str = "", business: str = "",
               q: str = "", priority: str = "", overdue: bool = False, after: str = "") -> Response:
    scope = scope if scope in ("mine", "unassigned", "all") else ("all" if user.role in SUPERVISORS else "")
    f = inbox.InboxFilter(status if status in LABELS else "", scope or "all", business, q,
                          priority if priority in ("emergency", "key_material") else "", overdue,
                          inbox.parse_cursor(after) if after else None)
    items = inbox.inbox(db, user, f, limit=inbox.PAGE + 1)  # one more: is there a next page?
    more = len(items) > inbox.PAGE
    items = items[:inbox.PAGE]
    cal = load_calendar(db)
    left = {a.id: sla.remaining(cal, a.accepted_on, a.sla_days, today(), snapshot.stops_of(a))
            for a in items if a.accepted_on is not None}
    names = {s.code: s.title(current_locale()) for s in store.all_specs(db)}
    assignees = principals_by_id(db, [a.assignee_user_id for a in items if a.assignee_user_id])
    # The batch and door-to-door requests are few and open ones only: all of them on the first page.
    requests = service_requests.open_requests(db, user) if not (f.after or f.status or f.business or f.query
                                                                  or f.overdue or f.priority == "emergency") else []
    kept = {k: v for k, v in {"status": f.status, "scope": f.scope, "business": f.business, "q": f.query,
                              "priority": f.priority, "overdue": "true" if f.overdue else ""}.items() if v}
    return page(request, user, "business/inbox.html", items=items, counts=inbox.counts(db, user), f=f, left=left,
                names=names, assignees=assignees, requests=requests,
                firms=enterprises_by_id(db, [r.enterprise_id for r in requests]), kinds=service_requests.KINDS,
                request_labels=SERVICE_REQUEST.labels, request_class=service_request_pages.STATUS_CLASS,
                beijing=CHINA_TZ,
                first_page=f"/business/inbox?{urlencode(kept)}" if f.after else "",
                next_page=f"/business/inbox?{urlencode({**kept, 'after': inbox.cursor_of(items[-1])})}" if more else "")


@router.get("/business/board")
def board_page(request: Request, user: Supervisor, db: Db) -> Response:
    names = {s.code: s.title(current_locale()) for s in store.all_specs(db)}
    return page(request, user, "business/board.html", rows=inbox.sla_board(db, user), names=names, on=today())


@router.get("/business/admin/catalogue")
def admin_catalogue(request: Request, user: Admin, db: Db, notice: str = "") -> Response:
    return page(request, user, "business/admin_catalogue.html", specs=store.all_specs(db), notice=notice,
                problems=[], has_effect=has_effect)


@router.post("/business/admin/catalogue/import")
async def admin_import(request: Request, user: Admin, db: Db, file: Annotated[UploadFile, File()],
                       replace: Annotated[str, Form()] = "") -> Response:
    data = await file.read(2 * 1024 * 1024)
    is_csv = (file.filename or "").lower().endswith(".csv")

    def run() -> Response:
        try:
            specs = cat.from_csv(data) if is_csv else cat.from_json(data)
        except CatalogueInvalid as exc:
            return page(request, user, "business/admin_catalogue.html", status_code=422,
                        specs=store.all_specs(db), notice="", problems=exc.problems, has_effect=has_effect)
        counts = store.save_specs(db, specs, replace=replace == "yes")
        return RedirectResponse(f"/business/admin/catalogue?notice=imported-{counts['added']}-{counts['updated']}",
                                status_code=303)

    return await run_blocking(db, run)


def _edit_page(request: Request, user: Principal, spec: cat.BusinessSpec, values: dict[str, Any],
               problems: list[cat.Problem], status_code: int = 200) -> Response:
    return page(request, user, "business/admin_edit.html", spec=spec, values=values, problems=problems,
                status_code=status_code, subjects=cat.SUBJECTS, handling=cat.HANDLING)


def _values(spec: cat.BusinessSpec) -> dict[str, Any]:
    data = spec.to_json()
    data["materials"] = json.dumps(data["materials"], ensure_ascii=False, indent=1)
    data["provinces"] = json.dumps(data["provinces"], ensure_ascii=False)
    data["checks"] = "; ".join(spec.checks)
    return data


@router.get("/business/admin/catalogue/{code}")
def admin_edit(request: Request, code: str, user: Admin, db: Db) -> Response:
    spec = store.get_spec(db, code)
    return _edit_page(request, user, spec, _values(spec), [])


@router.post("/business/admin/catalogue/{code}")
async def admin_save(request: Request, code: str, user: Admin, db: Db) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in (
        "number", "name_zh", "name_en", "group", "sla_working_days", "identity_level", "subject", "workflow",
        "handling", "materials", "provinces", "checks")}
    values["channels"] = [str(c) for c in form.getlist("channels")]
    values["proxy_allowed"] = form.get("proxy_allowed") == "yes"

    def run() -> Response:
        spec = store.get_spec(db, code)
        raw: dict[str, Any] = dict(values)
        problems: list[cat.Problem] = []
        for name, empty in (("materials", "[]"), ("provinces", "{}")):
            try:
                raw[name] = json.loads(values[name] or empty)
            except ValueError:
                problems.append(cat.Problem(1, name, cat.N_("The cell is not JSON.")))
        raw["checks"] = [c.strip() for c in values["checks"].split(";") if c.strip()]
        if problems:
            return _edit_page(request, user, spec, values, problems, 422)
        try:
            store.update_business(db, code, raw)
        except CatalogueInvalid as exc:
            return _edit_page(request, user, spec, values, exc.problems, 422)
        return RedirectResponse("/business/admin/catalogue?notice=saved", status_code=303)

    return await run_blocking(db, run)


# --- one business: what you need and whether you qualify; apply --------------------------------

@router.get("/business/{code}")
def business_page(request: Request, code: str, user: Anyone, db: Db, plate: str = "") -> Response:
    spec = store.get_spec(db, code)
    province = user.province_code if user else None
    checks: list[Any] = []
    problem = ""
    vehicles: list[Any] = []
    held: list[Any] = []
    people: dict[int, Principal] = {}
    if user is not None and user.role == Role.citizen:
        vehicles = eligibility.my_vehicles(db, user.person_id)
        held = [p for p in proxies.held_by(db, user.id) if code in p.businesses.split()]
        people = principals_by_id(db, [p.principal_user_id for p in held])
        try:
            subject = eligibility.subject_for(db, spec, user.person_id, plate or None, province)
            checks = [CheckOut.of(o) for o in eligibility.run_checks(db, spec, subject)]
        except JiaoguanError as exc:
            problem = exc.text()
    return page(request, user, "business/business.html", spec=spec, province=province, checks=checks,
                answer_fields=fields_of(code),
                problem=problem, vehicles=vehicles, held=held, people=people, plate=plate,
                online=spec.offered_online(province), rongque=spec.rongque_allowed(province))


@router.post("/business/{code}/apply")
async def apply(request: Request, code: str, user: Citizen, db: Db) -> Response:
    form = await request.form()
    behalf = str(form.get("on_behalf_of", "") or "")

    def run() -> Response:
        try:
            return _create(form, behalf)
        except AlreadyOpen as exc:  # one open at a time: show the open one, saying so
            return _back(int(exc.params["id"]), "already_open")

    def _create(form: Any, behalf: str) -> Response:
        app = service.create_application(
            db, user, code, plate=str(form.get("plate", "")) or None, later=[str(x) for x in form.getlist("later")],
            answers={k: str(form.get(f"answer-{k}", ""))[:200] for k in fields_of(code) if form.get(f"answer-{k}")},
            emergency=form.get("emergency") == "yes", emergency_reason=str(form.get("emergency_reason", "")),
            on_behalf_of=int(behalf) if behalf.isdigit() else None,
            delivery_method=str(form.get("delivery_method", "none")) if form.get("delivery_method") in (
                "none", "post", "collect") else "none",
            delivery_address=str(form.get("delivery_address", "")))
        return _back(app.id, "created")

    return await run_blocking(db, run)


# --- one application: track, upload, answer, work it --------------------------------------------

@router.get("/business/applications/{app_id}")
def application_page(request: Request, app_id: int, user: CaseReader, db: Db, notice: str = "") -> Response:
    app = access.get_application(db, app_id)
    access.ensure_may_see(user, app)
    spec = snapshot.spec_of_application(app)
    flow = snapshot.flow_of(app)
    role = user.role
    actions = [t.action for t in flow.machine.actions(app.status, role)]
    if access.is_applicant(user, app):
        actions = [a for a in actions if a in ("submit", "resubmit", "withdraw")]
    cal = load_calendar(db)
    left = sla.remaining(cal, app.accepted_on, app.sla_days, today(), snapshot.stops_of(app)) \
        if app.accepted_on else None
    people = principals_by_id(db, [app.applicant_user_id, app.proxy_user_id, app.assignee_user_id])
    docs = access.documents_of(db, app.id)
    have = {d.material_code for d in docs}
    staff = user.role in WORKERS or user.role == Role.admin
    return page(request, user, "business/application.html", app=app, spec=spec, actions=actions, left=left,
                people=people, docs=docs, have=have, notice=notice, items=snapshot.notice_of(app),
                steps=access.steps_of(db, app.id), staff=staff, applicant=access.is_applicant(user, app),
                supervisor=user.role in SUPERVISORS, effect=json.loads(app.effect_json) if app.effect_json else None,
                id_photo=documents.ID_PHOTO, clock_stopped=any(e is None for _, e in snapshot.stops_of(app)),
                draft=app.status == Status.draft, owed=owed_by(db, app),
                promised=bool(app.later_materials) and app.status in ("approved", "issued", "completed"),
                later_names=[next((m.name(current_locale()) for m in spec.materials if m.code == c), c)
                             for c in app.later_materials.split()], role_names=ROLE_NAMES)


@router.post("/business/applications/{app_id}/upload")
async def upload_page(app_id: int, user: CaseReader, db: Db, material: Annotated[str, Form(max_length=40)],
                      file: Annotated[UploadFile, File()]) -> Response:
    data = await file.read(documents.MAX_BYTES + 1)
    await run_blocking(db, documents.upload, db, user, app_id, material, file.filename or "upload", data)
    return _back(app_id, "uploaded")


@router.post("/business/applications/{app_id}/face-check")
def face_check_page(app_id: int, user: Citizen, db: Db, evidence: Annotated[str, Form(max_length=20)]) -> Response:
    app = identity.face_check(db, user, app_id, evidence)
    return _back(app_id, "face-ok" if app.identity_status == "verified" else "face-failed")


@router.post("/business/applications/{app_id}/do/{action}")
def act_page(app_id: int, action: str, user: CaseReader, db: Db, version: Annotated[int, Form()],
             note: Annotated[str, Form(max_length=2000)] = "", carrier: Annotated[str, Form(max_length=40)] = "",
             tracking: Annotated[str, Form(max_length=40)] = "") -> Response:
    if action == "submit":
        service.submit(db, user, app_id, expected_version=version)
    else:
        service.act(db, user, app_id, action, expected_version=version, note=note, carrier=carrier,
                    tracking=tracking)
    return _back(app_id, action)


@router.post("/business/applications/{app_id}/claim")
def claim_page(app_id: int, user: Worker, db: Db) -> Response:
    service.claim(db, user, app_id)
    return _back(app_id, "claimed")


@router.post("/business/applications/{app_id}/assign")
def assign_page(app_id: int, user: Supervisor, db: Db, username: Annotated[str, Form(max_length=64)] = "") -> Response:
    target = principal_by_username(db, username.strip()) if username.strip() else None
    if username.strip() and target is None:
        raise NotFound()
    service.reassign(db, user, app_id, target)
    return _back(app_id, "assigned")


@router.get("/business/documents/{doc_id}")
def document_page(doc_id: int, user: CaseReader, db: Db) -> Response:
    doc, data = documents.read(db, user, doc_id)
    return Response(data, media_type=doc.media_type, headers={"Cache-Control": "no-store",
                                                              "Content-Disposition": "inline"})

