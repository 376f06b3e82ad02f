"""The enterprise agent's pages: our applications and passes, apply (one or a CSV batch), print and e-pass,
batch / door-to-door requests."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from jiaoguan.accounts.auth import Anyone, EnterpriseAgent
from jiaoguan.accounts.enterprises import enterprise_of
from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.errors import JiaoguanError, NotFound
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.ids import find_division, is_county_level
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render, run_blocking
from jiaoguan.passes.applications import documents
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.applications.csv_batch import MAX_BYTES, submit_batch, template_csv
from jiaoguan.passes.applications.documents import Document
from jiaoguan.passes.applications.form import MAX_CREW, ApplicationInput, CrewInput, counties
from jiaoguan.passes.applications.policy import province_settings
from jiaoguan.passes.auth import Viewer
from jiaoguan.passes.issuance import driver_links
from jiaoguan.passes.issuance.issue import GREEN, GREY, crew_of, qr_svg
from jiaoguan.passes.issuance.revocation import get_pass
from jiaoguan.passes.models import PassApplication
from jiaoguan.passes.states import PassStatus
from jiaoguan.passes.web.common import page, pass_status, place
from jiaoguan.registry.queries import vehicles_of_enterprise
from jiaoguan.registry.vocab import vehicle_type_name

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
PASS_NO = r"^\d{12}$"
FIELDS = ("plate_no", "plate_colour", "vin", "transport_cert_no", "origin_code", "origin_address", "destination_code",
          "destination_address", "consignor", "consignor_contact", "consignee", "consignee_contact", "cargo_category",
          "cargo_name", "cargo_quantity", "cargo_weight_kg", "valid_from", "valid_to", "contact_name", "contact_phone")
CREW_ROWS = 3


@router.get("/passes/mine")
def mine(request: Request, user: EnterpriseAgent, db: Db, notice: str = "") -> Response:
    enterprise = apps.enterprise_of_agent(db, user)
    rows = apps.enterprise_applications(db, enterprise.id)
    passes = apps.passes_by_application(db, [a.id for a in rows])
    return page(request, user, "passes/mine.html", enterprise=enterprise, rows=rows, passes=passes, notice=notice,
                today=today())


def _form_values(form: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    values = {k: str(form.get(k, "")) for k in FIELDS}
    crew = [{p: str(form.get(f"crew-{i}-{p}", "")) for p in ("name", "id_number", "phone")} for i in range(MAX_CREW)]
    return values, crew


def _apply_page(request: Request, user: Principal, db: Any, values: dict[str, str], crew: list[dict[str, str]],
                errors: dict[str, list[str]] | None = None, message: str = "", status_code: int = 200) -> Response:
    enterprise = apps.enterprise_of_agent(db, user)
    settings = province_settings(db, enterprise.province_code)
    while len(crew) < CREW_ROWS:
        crew.append({"name": "", "id_number": "", "phone": ""})
    fleet = [(v, PLATE_COLOUR_OF_TYPE.get(v.plate_type, "yellow")) for v in vehicles_of_enterprise(db, enterprise.id,
                                                                                                     limit=500)]
    return page(request, user, "passes/apply.html", status_code=status_code, values=values, crew=crew,
                errors=errors or {}, message=message, max_days=settings.max_validity_days, enterprise=enterprise,
                labels=field_labels(errors or {}), fleet=fleet, known_crew=apps.known_crew(db, enterprise.id),
                vehicle_type_name=vehicle_type_name)


PLATE_COLOUR_OF_TYPE = {"01": "yellow", "15": "yellow", "16": "yellow", "02": "blue", "51": "yellow_green",
                        "52": "green"}
LABELS = {
    "plate_no": N_("Plate number"), "plate_colour": N_("Plate colour"), "vin": N_("VIN"),
    "transport_cert_no": N_("Road transport certificate number"),
    "authorisation": N_("Owner's authorisation (only for a vehicle outside your fleet)"),
    "origin_code": N_("Origin (county)"), "origin_address": N_("Origin address"),
    "destination_code": N_("Destination (county)"), "destination_address": N_("Destination address"),
    "consignor": N_("Consignor"), "consignor_contact": N_("Consignor contact"), "consignee": N_("Consignee"),
    "consignee_contact": N_("Consignee contact"), "cargo_category": N_("Cargo category"), "cargo_name": N_("Goods"),
    "cargo_quantity": N_("Quantity"), "cargo_weight_kg": N_("Weight (kg)"), "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"), "contact_name": N_("Contact person"), "contact_phone": N_("Contact mobile"),
    "crew": N_("Crew (driver first)"),
}
CREW_PARTS = {"name": N_("Name"), "id_number": N_("ID number"), "phone": N_("Mobile")}


def field_labels(errors: dict[str, list[str]]) -> dict[str, str]:
    """The label of each field with a problem, as the error summary names it ("驾驶员 身份证号")."""
    out: dict[str, str] = {}
    for name in errors:
        m = re.fullmatch(r"crew\[(\d+)\]\.(\w+)", name)
        if m is not None:
            who = translate(N_("Driver")) if m.group(1) == "0" else translate(
                N_("Crew member %(n)s"), n=int(m.group(1)) + 1)
            out[name] = f"{who} · {translate(CREW_PARTS.get(m.group(2), m.group(2)))}"
        else:
            out[name] = translate(LABELS[name]) if name in LABELS else name
    return out


@router.get("/passes/apply")
def apply_form(request: Request, user: EnterpriseAgent, db: Db) -> Response:
    start = today()
    enterprise = apps.enterprise_of_agent(db, user)
    values = dict.fromkeys(FIELDS, "") | {
        "valid_from": start.isoformat(), "valid_to": (start + dt.timedelta(days=6)).isoformat(),
        "contact_name": user.display_name, "contact_phone": user.phone or enterprise.contact_phone or "",
        "plate_colour": "yellow", "origin_code": _county_label(enterprise.address_division)}
    return _apply_page(request, user, db, values, [])


def _county_label(code: str) -> str:
    found = find_division(code)
    return f"{found.full_name} {code}" if found is not None and is_county_level(code) else ""


@router.get("/passes/counties.json")
def county_list(user: EnterpriseAgent) -> Response:
    """Every county-level division in force this year (GB/T 2260) as "全称 code", for the form's search list."""
    body = json.dumps([f"{name} {code}" for code, name in counties(today().year)], ensure_ascii=False)
    return Response(body, media_type="application/json", headers={"Cache-Control": "private, max-age=86400"})


@router.post("/passes/apply")
async def apply(request: Request, user: EnterpriseAgent, db: Db) -> Response:
    form = await request.form()
    values, crew = _form_values(form)
    raw = ApplicationInput(crew=tuple(CrewInput(c["name"], c["id_number"], c["phone"]) for c in crew),
                           **values)  # type: ignore[arg-type]
    upload = form.get("authorisation")
    document = None
    if isinstance(upload, StarletteUpload) and upload.filename:
        document = Document(upload.filename, await upload.read(documents.MAX_BYTES + 1))

    def submit() -> Response:
        try:
            app = apps.submit_application(db, user, raw, authorisation=document)
        except apps.ApplicationInvalid as exc:
            errors: dict[str, list[str]] = {}
            for p in exc.problems:
                errors.setdefault(p.field, []).append(p.text())
            return _apply_page(request, user, db, values, crew, errors, exc.text(), 422)
        except apps.VehicleAlreadyHasPass as exc:
            return _apply_page(request, user, db, values, crew, {"plate_no": [exc.text()]}, exc.text(), 409)
        except JiaoguanError as exc:
            if exc.field != "authorisation":
                raise
            return _apply_page(request, user, db, values, crew, {"authorisation": [exc.text()]}, exc.text(), 422)
        issued = apps.passes_by_application(db, [app.id]).get(app.id)
        notice = f"issued-{issued.pass_no}" if issued is not None else f"submitted-{app.id}"
        return RedirectResponse(f"/passes/mine?notice={notice}", status_code=303)

    return await run_blocking(db, submit)


@router.post("/passes/applications/{app_id}/withdraw")
def withdraw(app_id: int, user: EnterpriseAgent, db: Db) -> Response:
    apps.withdraw(db, app_id, user)
    return RedirectResponse("/passes/mine", status_code=303)


@router.get("/passes/applications/{app_id}")
def application_detail(request: Request, app_id: int, user: Viewer, db: Db) -> Response:
    app = apps.get_application(db, app_id)
    apps.ensure_may_see(db, user, app)
    return page(request, user, "passes/application.html", app=app, crew=crew_of(db, app.id),
                pass_row=apps.passes_by_application(db, [app.id]).get(app.id),
                enterprise=enterprise_of(db, app.enterprise_id))


@router.get("/passes/applications/{app_id}/authorisation")
def authorisation(app_id: int, user: Viewer, db: Db) -> Response:
    """The owner's authorisation attached to the application (its enterprise and the province's issuers)."""
    app = apps.get_application(db, app_id)
    apps.ensure_may_see(db, user, app)
    if not app.authorisation_doc:
        raise NotFound(N_("The document is not available."), code="passes.no_document")
    data, media = documents.read(app.authorisation_doc)
    return Response(data, media_type=media, headers={"Content-Disposition": "inline",
                                                     "X-Content-Type-Options": "nosniff"})


@router.get("/passes/batch")
def batch_form(request: Request, user: EnterpriseAgent, db: Db) -> Response:
    return page(request, user, "passes/batch.html", report=None)


@router.post("/passes/batch")
async def batch_upload(request: Request, user: EnterpriseAgent, db: Db,
                       file: Annotated[UploadFile, File()]) -> Response:
    data = await file.read(MAX_BYTES + 1)
    report = await run_blocking(db, submit_batch, db, user, file.filename or "upload.csv", data)
    return page(request, user, "passes/batch.html", report=report)


@router.get("/passes/batch/template.csv")
def batch_template(user: EnterpriseAgent) -> Response:
    return Response("\ufeff" + template_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="pass-batch-template.csv"'})


def _pass_context(db: Any, user: Principal, pass_no: str) -> dict[str, Any]:
    p = get_pass(db, pass_no)
    apps.ensure_may_see_pass(user, p)
    app: PassApplication = apps.get_application(db, p.application_id)
    settings = province_settings(db, p.province_code)
    green = p.status == PassStatus.active and p.valid_to >= today()
    return {"p": p, "app": app, "crew": crew_of(db, app.id), "settings": settings, "green": green,
            "qr": qr_svg(p.qr_text, dark="#000000" if green else "#8a8a8a", light="#ffffff", scale=5),
            "colour": GREEN if green else GREY}


@router.get("/passes/pass/{pass_no}/print")
def print_pass(request: Request, pass_no: Annotated[str, Path(pattern=PASS_NO)], user: Viewer, db: Db) -> Response:
    """The A4 pass as the national template lays it out: green (C50 Y50 K0), every field, the QR."""
    return page(request, user, "passes/print.html", **_pass_context(db, user, pass_no))


@router.get("/passes/pass/{pass_no}/e-pass")
def e_pass(request: Request, pass_no: Annotated[str, Path(pattern=PASS_NO)], user: Viewer, db: Db,
           notice: str = "") -> Response:
    """The phone e-pass: the QR large, green while the pass is good, grey otherwise; the agent sends it to the
    crew from here."""
    ctx = _pass_context(db, user, pass_no)
    links = driver_links.links_of(db, ctx["p"].id) if user.role == "enterprise_agent" else []
    return page(request, user, "passes/epass.html", links=links, notice=notice, now=utc_now(), **ctx)


@router.post("/passes/pass/{pass_no}/driver-links")
def send_driver_links(pass_no: Annotated[str, Path(pattern=PASS_NO)], user: EnterpriseAgent, db: Db) -> Response:
    sent = driver_links.send_links(db, user, pass_no)
    return RedirectResponse(f"/passes/pass/{pass_no}/e-pass?notice=sent-{len(sent)}", status_code=303)


@router.post("/passes/pass/{pass_no}/driver-links/revoke")
def revoke_driver_links(pass_no: Annotated[str, Path(pattern=PASS_NO)], user: EnterpriseAgent, db: Db) -> Response:
    gone = driver_links.revoke_links(db, user, pass_no)
    return RedirectResponse(f"/passes/pass/{pass_no}/e-pass?notice=revoked-{gone}", status_code=303)


@router.get("/e/{token}")
def driver_e_pass(request: Request, token: Annotated[str, Path(max_length=200)], _: Anyone, db: Db) -> Response:
    """The e-pass a crew member opens from the SMS link: that pass only, no sign-in, no navigation."""
    p, app = driver_links.open_link(db, token)
    settings = province_settings(db, p.province_code)
    green = p.status == PassStatus.active and p.valid_to >= today()
    response = render(request, "passes/driver_epass.html", {
        "p": p, "app": app, "crew": crew_of(db, app.id), "settings": settings, "green": green, "place": place,
        "qr": qr_svg(p.qr_text, dark="#000000" if green else "#8a8a8a", light="#ffffff", scale=5),
        "pass_status": pass_status})
    response.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                             "X-Robots-Tag": "noindex, nofollow"})
    return response
