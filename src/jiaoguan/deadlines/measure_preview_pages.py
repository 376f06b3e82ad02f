"""The administrator confirms a publish after seeing what it changes (issue 9.8).

    GET  /admin/measures/preview/{id}            the new versions, the count's progress, then its figures:
                                                 records changed today by kind and by province
    GET  /admin/measures/preview/{id}/progress   the progress alone (htmx polls it; the page reloads when done)
    POST /admin/measures/preview/{id}/publish    confirmed: publish the previewed document as it was counted
    POST /admin/measures/preview/{id}/again      count again (after another publish made the figures stale)

The figures are the sweep's (`sweep/preview.py`), counted by the worker; the page only reads them.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts.auth import Admin
from jiaoguan.deadlines.measure_pages import editor, publish_document
from jiaoguan.deadlines.measures.loader import parse_measures
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.deadlines.sweep.models import MeasurePreview
from jiaoguan.deadlines.sweep.preview import ask_preview, is_stale, reach_of
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import Conflict, NotFound
from jiaoguan.kit.i18n import N_, current_locale, translate
from jiaoguan.kit.ids.divisions import PROVINCES
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)


class NoSuchPreview(NotFound):
    code = "deadlines.no_such_preview"
    message = N_("There is no such preview.")


class PreviewNotReady(Conflict):
    code = "deadlines.preview_not_ready"
    message = N_("The count is not finished yet: publish once its figures are shown.")


class PreviewStale(Conflict):
    code = "deadlines.preview_stale"
    message = N_("Another measure was published after this count: count again before publishing.")


class PreviewUsed(Conflict):
    code = "deadlines.preview_used"
    message = N_("This preview has already been published.")


def _found(db: Db, preview_id: int) -> MeasurePreview:
    found = db.get(MeasurePreview, preview_id)
    if found is None:
        raise NoSuchPreview()
    return found


def _page(request: Request, db: Db, preview: MeasurePreview, *, error: str = "", status_code: int = 200) -> Response:
    locale = current_locale()
    reach = reach_of(preview)
    kinds = sorted(reach.by_kind.items(), key=lambda kv: -kv[1])
    label = {k: translate(DeadlineKind(k).label, locale) for k in reach.by_kind}
    provinces = [(PROVINCES.get(p, p), sum(ks.values()), [(label[k], n) for k, n in sorted(ks.items())])
                 for p, ks in sorted(reach.by_province.items(), key=lambda kv: -sum(kv[1].values()))]
    titles = [m.title.zh if locale.startswith("zh") else m.title.en
              for m in parse_measures(json.loads(preview.document), "measure")]
    return render(request, "deadlines/measure_preview.html", {
        "preview": preview, "total": reach.total, "kinds": [(label[k], n) for k, n in kinds],
        "provinces": provinces, "titles": titles, "stale": preview.status == "done" and is_stale(db, preview),
        "error": error}, status_code=status_code)


@router.get("/admin/measures/preview/{preview_id}")
def preview_page(request: Request, preview_id: int, user: Admin, db: Db) -> Response:
    return _page(request, db, _found(db, preview_id))


@router.get("/admin/measures/preview/{preview_id}/progress")
def preview_progress(request: Request, preview_id: int, user: Admin, db: Db) -> Response:
    found = _found(db, preview_id)
    response = render(request, "deadlines/_preview_progress.html", {"preview": found})
    if found.status not in ("queued", "running"):
        response.headers["HX-Refresh"] = "true"   # the page reloads with the figures
    return response


@router.post("/admin/measures/preview/{preview_id}/publish")
def publish_previewed(request: Request, preview_id: int, user: Admin, db: Db) -> Response:
    preview = _found(db, preview_id)
    problem = (PreviewUsed() if preview.status == "published" else
               PreviewNotReady() if preview.status != "done" else
               PreviewStale() if is_stale(db, preview) else None)
    if problem is not None:
        return _page(request, db, preview, error=problem.text(), status_code=problem.status_code)
    notice = publish_document(db, json.loads(preview.document), user.username)
    preview.status = "published"
    return editor(request, db, notice=notice)


@router.post("/admin/measures/preview/{preview_id}/again")
def count_again(preview_id: int, user: Admin, db: Db) -> Response:
    old = _found(db, preview_id)
    published = {m.ref for m in stored_measures(db)}
    new = [m for m in parse_measures(json.loads(old.document), "measure") if m.ref not in published]
    fresh = ask_preview(db, old.document, new, on=today(), by=user.username)
    return RedirectResponse(f"/admin/measures/preview/{fresh.id}", status_code=303)
