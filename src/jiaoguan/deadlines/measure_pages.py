"""The supervisor's measures as of any date, with their stored reach, and the admin's measure editor.

    GET  /measures?on=DATE              every published version, its state on DATE, the stored counts
    POST /measures/counts               ask for a count as of a day (the worker runs it)
    GET  /measures/counts/{id}          the count's progress (htmx polls it; reloads the page when done)
    GET|POST /admin/measures            publish a new version (never edit one): first a preview of its reach
                                        (`measure_preview_pages`), then, confirmed, today's count is queued

Counts are read, never computed, here (issue #13): see `sweep/counts.py`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from jiaoguan.accounts.auth import Admin, Supervisor
from jiaoguan.deadlines.measures.loader import parse_measures
from jiaoguan.deadlines.measures.model import Measure, announced_by
from jiaoguan.deadlines.measures.store import publish, stored_measures, versions
from jiaoguan.deadlines.models import MeasureVersion
from jiaoguan.deadlines.page_parts import RECORD_TITLES, day_from_form, region_name
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.sweep.counts import ask, counted
from jiaoguan.deadlines.sweep.models import CountRequest, MeasurePreview
from jiaoguan.deadlines.sweep.preview import ask_preview
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import InvalidInput, JiaoguanError, NotFound
from jiaoguan.kit.i18n import N_, current_locale, translate
from jiaoguan.kit.ids.divisions import PROVINCES
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
BAD_JSON = N_("The document is not valid JSON (line %(line)s, column %(column)s).")
NO_DOCUMENT = N_("Paste a measure document or choose a JSON file.")
STATES = {
    "in_force": N_("In force"),
    "not_announced": N_("Not yet announced"),
    "replaced": N_("Replaced by a later version"),
    "retired": N_("Retired by another measure"),
}
REASONS = {"sweep": N_("by the nightly sweep"), "publish": N_("after a measure was published"),
           "asked": N_("on request")}


class NoSuchCount(NotFound):
    code = "deadlines.no_such_count"
    message = N_("There is no such count.")


@dataclass(frozen=True)
class VersionRow:
    row: MeasureVersion
    title: str
    region: str
    state: str              # a key of STATES
    total: int
    kinds: list[tuple[str, int]]       # (translated kind, records)
    provinces: list[tuple[str, int]]   # (province name, records)


def state_on(measure: Measure, in_force: set[str], in_force_ids: set[str], on: dt.date) -> str:
    if measure.ref in in_force:
        return "in_force"
    if measure.announced > on:
        return "not_announced"
    return "replaced" if measure.id in in_force_ids else "retired"


@router.get("/measures")
def measures_page(request: Request, user: Supervisor, db: Db, on: str = "") -> Response:
    try:
        day, error = day_from_form(on), None
    except InvalidInput as exc:
        day, error = today(), exc.text()
    locale = current_locale()
    measures = {m.ref: m for m in stored_measures(db)}
    chosen = announced_by(list(measures.values()), day)
    in_force, in_force_ids = {m.ref for m in chosen}, {m.id for m in chosen}
    view = counted(db, day)
    rows = []
    for v in versions(db):
        ref = f"{v.measure_id}@{v.version}"
        parts = view.by_measure.get(ref, {"kind": {}, "province": {}})
        rows.append(VersionRow(
            v, v.title_zh if locale.startswith("zh") else v.title_en, region_name(v.region, locale),
            state_on(measures[ref], in_force, in_force_ids, day) if ref in measures else "retired",
            sum(parts["kind"].values()),
            [(translate(DeadlineKind(k).label, locale), n) for k, n in sorted(parts["kind"].items())],
            [(PROVINCES.get(p, p), n) for p, n in sorted(parts["province"].items())]))
    return render(request, "deadlines/measures.html",
                  {"rows": rows, "on": day, "view": view, "states": STATES, "reasons": REASONS, "error": error,
                   "titles": RECORD_TITLES}, status_code=422 if error else 200)


@router.post("/measures/counts")
def ask_count(user: Supervisor, db: Db, on: Annotated[str, Form()] = "") -> Response:
    day = day_from_form(on)
    ask(db, day, reason="asked", by=user.username)
    return RedirectResponse(f"/measures?on={day.isoformat()}", status_code=303)


@router.get("/measures/counts/{request_id}")
def count_progress(request: Request, request_id: int, user: Supervisor, db: Db) -> Response:
    found = db.get(CountRequest, request_id)
    if found is None:
        raise NoSuchCount()
    response = render(request, "deadlines/_count_progress.html", {"pending": found})
    if found.status in ("done", "failed"):
        response.headers["HX-Refresh"] = "true"   # the page reloads with the stored counts
    return response


def editor(request: Request, db: Session, *, document: str = "", error: str | None = None,
            field: str | None = None, notice: str | None = None, status_code: int = 200) -> Response:
    locale = current_locale()
    rows = [{"row": v, "title": v.title_zh if locale.startswith("zh") else v.title_en,
             "region": region_name(v.region, locale)} for v in versions(db)]
    return render(request, "deadlines/admin_measures.html",
                  {"rows": rows, "document": document, "error": error, "field": field, "notice": notice},
                  status_code=status_code)


def _previewed(db: Session, preview_id: int) -> str:
    """The document of a preview, back in the editor to be changed ("" for none)."""
    found = db.get(MeasurePreview, preview_id) if preview_id else None
    return found.document if found is not None else ""


@router.get("/admin/measures")
def measure_editor(request: Request, user: Admin, db: Db, preview: int = 0) -> Response:
    return editor(request, db, document=_previewed(db, preview))


@router.post("/admin/measures")
def publish_measure(request: Request, user: Admin, db: Db,
                    document: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "publish",
                    upload: Annotated[UploadFile | None, File()] = None) -> Response:
    """Validate a pasted or uploaded document; with action=publish queue the count of what it would change today
    and show it (`/admin/measures/preview/{id}`), where the administrator confirms. A document that publishes
    nothing new is answered at once."""
    text = document
    if upload is not None and upload.filename:
        text = upload.file.read().decode("utf-8", errors="replace")
    if not text.strip():
        return editor(request, db, error=translate(NO_DOCUMENT), field="document", status_code=422)
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return editor(request, db, document=text, field="document", status_code=422,
                      error=translate(BAD_JSON, line=exc.lineno, column=exc.colno))
    try:
        parsed = parse_measures(doc, "measure")
        if action != "publish":
            refs = ", ".join(m.ref for m in parsed)
            return editor(request, db, document=text, notice=translate(N_("Valid: %(refs)s."), refs=refs))
        with db.begin_nested() as trial:   # the publish's own checks (version numbers), undone
            results = [publish(db, item) for item in (doc if isinstance(doc, list) else [doc])]
            trial.rollback()
    except JiaoguanError as exc:
        db.rollback()
        status = 409 if exc.status_code == 409 else 422
        return editor(request, db, document=text, error=exc.text(), field=exc.field, status_code=status)
    if not any(created for _, created in results):
        return editor(request, db, notice=publish_document(db, doc, user.username))
    new = [m for m, (_, created) in zip(parsed, results, strict=True) if created]
    preview = ask_preview(db, text, new, on=today(), by=user.username)
    return RedirectResponse(f"/admin/measures/preview/{preview.id}", status_code=303)


def publish_document(db: Session, doc: Any, by: str) -> str:
    """Store every measure of `doc` as new version(s), queue today's count of their reach; the notice to show."""
    results = [publish(db, item) for item in (doc if isinstance(doc, list) else [doc])]
    made = ", ".join(f"{row.measure_id}@{row.version}" for row, created in results if created)
    same = ", ".join(f"{row.measure_id}@{row.version}" for row, created in results if not created)
    if made:
        ask(db, today(), reason="publish", by=by)
    return translate(N_("Published: %(refs)s."), refs=made) if made else translate(
        N_("Already published with the same content: %(refs)s."), refs=same)
