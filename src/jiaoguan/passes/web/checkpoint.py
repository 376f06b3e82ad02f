"""The checkpoint officer's pages: verify a pass (paste, a keyboard-wedge scanner, or the camera where the
browser has BarcodeDetector) with a full-screen green or grey answer; figures per checkpoint.

With no network the page verifies in the browser (checkpoint/offline.py: the trust snapshot; assets/offline_*.js),
and a service worker at /checkpoint/sw.js keeps the page and its scripts for opening it offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from jiaoguan.accounts.auth import Anyone
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.clock import today
from jiaoguan.kit.i18n import N_, current_locale
from jiaoguan.kit.web import Db, UnitOfWorkRoute
from jiaoguan.passes.auth import FigureReader, Officer
from jiaoguan.passes.checkpoint import offline
from jiaoguan.passes.checkpoint import scans as cp
from jiaoguan.passes.checkpoint.figures import checkpoint_figures
from jiaoguan.passes.models import Checkpoint
from jiaoguan.passes.vocab import CARGO_CATEGORIES, PLATE_COLOURS
from jiaoguan.passes.web.common import page

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
CHECKPOINT_COOKIE, LANE_COOKIE = "jg_checkpoint", "jg_lane"
ASSETS = FsPath(__file__).resolve().parents[1] / "templates" / "passes" / "assets"
# Served under /checkpoint/ so that the service worker's default scope covers the verify page.
SCRIPTS = {"sw.js": "checkpoint_sw.js", "offline-verify.js": "offline_verify.js", "offline-page.js": "offline_page.js"}


def _offline_data() -> dict[str, object]:
    """What the page's offline verifier needs besides the snapshot: URLs, and texts from one source."""
    return {
        "snapshot_url": "/api/v1/passes/offline-trust", "scans_url": "/api/v1/checkpoint/scans",
        "worker_url": "/checkpoint/sw.js", "locale": current_locale(), "snapshot_version": offline.SNAPSHOT_VERSION,
        "reasons": offline.reason_texts_json(),
        "colours": offline.labels_json(PLATE_COLOURS), "cargo": offline.labels_json(CARGO_CATEGORIES),
    }


def _verify_page(request: Request, user: Principal, db: Db, **ctx: object) -> Response:
    points = cp.checkpoints_for(db, user)
    chosen = str(ctx.pop("checkpoint", "") or request.cookies.get(CHECKPOINT_COOKIE, ""))
    lane = str(ctx.pop("lane", "") or request.cookies.get(LANE_COOKIE, "1"))
    status = int(str(ctx.pop("status_code", 200)))
    return page(request, user, "passes/verify.html", status, checkpoints=points, chosen=chosen, lane=lane,
                offline_data=_offline_data(), **ctx)


@router.get("/checkpoint/verify")
def verify_form(request: Request, user: Officer, db: Db) -> Response:
    return _verify_page(request, user, db)


@router.post("/checkpoint/verify")
def verify(request: Request, user: Officer, db: Db, qr: Annotated[str, Form()] = "",
           checkpoint: Annotated[str, Form()] = "", lane: Annotated[str, Form()] = "1",
           plate: Annotated[str, Form()] = "", check_ms: Annotated[str, Form()] = "") -> Response:
    if not qr.strip():
        return _verify_page(request, user, db, checkpoint=checkpoint, lane=lane, status_code=422,
                            error=N_("Scan or paste the QR code of the pass."))
    point = cp.checkpoint_for(db, user, checkpoint)
    ms = int(check_ms) if check_ms.isdigit() else None
    result = cp.verify_online(db, qr, checkpoint=point, lane=lane, officer=user, plate=plate or None, check_ms=ms)
    zh, en = result.texts()
    response = page(request, user, "passes/verify_result.html", result=result, text_zh=zh, text_en=en,
                    content=result.verdict.content, claims=result.verdict.claims or {}, checkpoint=point, lane=lane,
                    app=result.application)
    response.set_cookie(CHECKPOINT_COOKIE, point.code, max_age=30 * 86400, samesite="lax", httponly=True)
    response.set_cookie(LANE_COOKIE, lane[:12], max_age=30 * 86400, samesite="lax", httponly=True)
    return response


def _script(name: str) -> Response:
    # no-cache: the browser revalidates each time it is online, so a new verifier reaches every lane.
    headers = {"Cache-Control": "no-cache"}
    if name == "sw.js":
        headers["Service-Worker-Allowed"] = "/checkpoint/"
    return Response((ASSETS / SCRIPTS[name]).read_text("utf-8"), media_type="text/javascript", headers=headers)


@router.get("/checkpoint/sw.js")
def service_worker(_: Anyone) -> Response:
    return _script("sw.js")


@router.get("/checkpoint/offline-verify.js")
def offline_verifier(_: Anyone) -> Response:
    return _script("offline-verify.js")


@router.get("/checkpoint/offline-page.js")
def offline_page_script(_: Anyone) -> Response:
    return _script("offline-page.js")


@router.get("/checkpoint/figures")
def figures(request: Request, user: FigureReader, db: Db, checkpoint: str = "", day: dt.date | None = None) -> Response:
    points = cp.checkpoints_for(db, user) if user.role == Role.checkpoint_officer else _all_checkpoints(db)
    chosen: Checkpoint | None = next((p for p in points if p.code == checkpoint), points[0] if points else None)
    if checkpoint and chosen is not None and chosen.code != checkpoint:
        raise cp.OtherProvinceCheckpoint()
    day = day or today()
    result = checkpoint_figures(db, chosen, day) if chosen is not None else None
    return page(request, user, "passes/figures.html", checkpoints=points, chosen=chosen, day=day, figures=result)


def _all_checkpoints(db: Db) -> list[Checkpoint]:
    from sqlalchemy import select

    return list(db.execute(select(Checkpoint).order_by(Checkpoint.code)).scalars())
