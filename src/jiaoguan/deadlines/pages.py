"""Deadlines pages: a citizen's countdowns, the supervisor's measures and their reach today, the admin's
measure editor (publish a new version, never edit one), and the checkpoint officer's check."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jiaoguan.accounts.auth import Admin, Citizen, Supervisor, allow
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines import service
from jiaoguan.deadlines.engine import Decision
from jiaoguan.deadlines.measures.loader import parse_measures
from jiaoguan.deadlines.measures.store import publish, versions
from jiaoguan.deadlines.rules.kinds import Nature
from jiaoguan.deadlines.sweep.run import affected_counts
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import InvalidInput, JiaoguanError
from jiaoguan.kit.i18n import N_, current_locale, translate
from jiaoguan.kit.ids.divisions import PROVINCES
from jiaoguan.kit.web import UnitOfWorkRoute, get_db, render

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
Db = Annotated[Session, Depends(get_db)]
Enforcer = Annotated[Principal, Depends(allow(Role.checkpoint_officer, Role.supervisor, Role.admin))]
RECORD_TITLES = {"licence": N_("Driving licence"), "vehicle": N_("Vehicle"), "learner-permit": N_("Learner permit"),
                 "preselected-plate": N_("Preselected plate")}
BAD_JSON = N_("The document is not valid JSON (line %(line)s, column %(column)s).")
NO_DOCUMENT = N_("Paste a measure document or choose a JSON file.")


@dataclass(frozen=True)
class Countdown:
    """One deadline as a citizen sees it: what, until when, how many days left (or past), and why."""

    kind: str
    effective_due: dt.date
    days: int            # days left (>= 0) or days past (< 0) the effective deadline
    tone: str            # ok | warn | bad | grey, the registry's tag colours
    reason: str

    @property
    def days_past(self) -> int:
        return -self.days


def countdown(d: Decision, locale: str) -> Countdown:
    days = (d.effective_due - d.on).days
    if d.kind.nature is Nature.CONSEQUENCE:
        tone = "grey" if days >= 0 else "bad"
    elif d.overdue:
        tone = "bad"
    elif d.past_deadline or days <= 30:
        tone = "warn"
    else:
        tone = "ok"
    return Countdown(translate(d.kind.label, locale), d.effective_due, days, tone,
                     d.reason_zh if locale.startswith("zh") else d.reason_en)


@router.get("/my/deadlines")
def my_deadlines(request: Request, user: Citizen, db: Db) -> Response:
    records = service.my_deadlines(db, user)
    locale = current_locale()
    shown = [(r, [countdown(d, locale) for d in r.decisions]) for r in records or []]
    return render(request, "deadlines/my_deadlines.html",
                  {"records": shown, "missing": records is None, "on": today(), "titles": RECORD_TITLES})


def _region(region: str, locale: str) -> str:
    if region == "national":
        return translate(N_("National"), locale)
    return "、".join(PROVINCES.get(code, code) for code in region.split(","))


@router.get("/measures")
def measures_page(request: Request, user: Supervisor, db: Db) -> Response:
    on = today()
    counts = affected_counts(db, on)
    locale = current_locale()
    rows = [{"row": v, "title": v.title_zh if locale.startswith("zh") else v.title_en,
             "region": _region(v.region, locale), "counts": counts.get(f"{v.measure_id}@{v.version}", {})}
            for v in versions(db)]
    return render(request, "deadlines/measures.html", {"rows": rows, "on": on, "titles": RECORD_TITLES})


def _editor(request: Request, db: Session, *, document: str = "", error: str | None = None,
            field: str | None = None, notice: str | None = None, status_code: int = 200) -> Response:
    locale = current_locale()
    rows = [{"row": v, "title": v.title_zh if locale.startswith("zh") else v.title_en,
             "region": _region(v.region, locale)} for v in versions(db)]
    return render(request, "deadlines/admin_measures.html",
                  {"rows": rows, "document": document, "error": error, "field": field, "notice": notice},
                  status_code=status_code)


@router.get("/admin/measures")
def measure_editor(request: Request, user: Admin, db: Db) -> Response:
    return _editor(request, db)


@router.post("/admin/measures")
def publish_measure(request: Request, user: Admin, db: Db,
                    document: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "publish",
                    upload: Annotated[UploadFile | None, File()] = None) -> Response:
    """Validate a pasted or uploaded document; with action=publish store it as new version(s)."""
    text = document
    if upload is not None and upload.filename:
        text = upload.file.read().decode("utf-8", errors="replace")
    if not text.strip():
        return _editor(request, db, error=translate(NO_DOCUMENT), field="document", status_code=422)
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return _editor(request, db, document=text, field="document", status_code=422,
                       error=translate(BAD_JSON, line=exc.lineno, column=exc.colno))
    try:
        parsed = parse_measures(doc, "measure")
        if action != "publish":
            refs = ", ".join(m.ref for m in parsed)
            return _editor(request, db, document=text, notice=translate(N_("Valid: %(refs)s."), refs=refs))
        results = [publish(db, item) for item in (doc if isinstance(doc, list) else [doc])]
    except JiaoguanError as exc:
        db.rollback()
        status = 409 if exc.status_code == 409 else 422
        return _editor(request, db, document=text, error=exc.text(), field=exc.field, status_code=status)
    made = ", ".join(f"{row.measure_id}@{row.version}" for row, created in results if created)
    same = ", ".join(f"{row.measure_id}@{row.version}" for row, created in results if not created)
    notice = translate(N_("Published: %(refs)s."), refs=made) if made else translate(
        N_("Already published with the same content: %(refs)s."), refs=same)
    return _editor(request, db, notice=notice)


@router.get("/enforcement/check")
def enforcement_check(request: Request, user: Enforcer, db: Db,
                      plate: Annotated[str, Query()] = "", plate_type: Annotated[str, Query()] = "",
                      licence: Annotated[str, Query()] = "", on: Annotated[str, Query()] = "") -> Response:
    form = {"plate": plate, "plate_type": plate_type, "licence": licence, "on": on or today().isoformat()}
    answer, error, status = None, None, 200
    if plate.strip() or licence.strip():
        try:
            day = _day(on)
            answer = (service.check_vehicle(db, plate, plate_type or None, day) if plate.strip()
                      else service.check_licence(db, licence, day))
        except (InvalidInput, service.RecordNotFound) as exc:
            error, status = exc.text(), exc.status_code
    locale = current_locale()
    reason = None if answer is None else answer.reason_zh if locale.startswith("zh") else answer.reason_en
    return render(request, "deadlines/enforcement_check.html",
                  {"form": form, "answer": answer, "reason": reason, "error": error}, status_code=status)


class BadDay(InvalidInput):
    code = "deadlines.bad_day"
    message = N_("The date must be written YYYY-MM-DD, e.g. 2022-07-31.")


def _day(text: str) -> dt.date:
    if not text.strip():
        return today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadDay(field="on") from None
