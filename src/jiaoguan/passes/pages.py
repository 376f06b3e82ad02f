"""HTML pages of the pass room. The routes live in `web/` by who uses them (agent, issuer, checkpoint); this
module joins them and serves the room's own stylesheet and script."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from jiaoguan.accounts.auth import Anyone
from jiaoguan.kit.errors import NotFound
from jiaoguan.kit.web import UnitOfWorkRoute
from jiaoguan.passes.web import agent, checkpoint, documents, issuer

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
router.include_router(agent.router)
router.include_router(issuer.router)
router.include_router(checkpoint.router)
router.include_router(documents.router)

ASSETS = FsPath(__file__).resolve().parent / "templates" / "passes" / "assets"
MEDIA_TYPES = {"passes.css": "text/css", "verify.js": "text/javascript", "apply.js": "text/javascript"}


@router.get("/passes/assets/{name}")
def asset(name: Annotated[str, Path(pattern=r"^[a-z]+\.(css|js)$")], _: Anyone) -> Response:
    if name not in MEDIA_TYPES:
        raise NotFound()
    return Response((ASSETS / name).read_text("utf-8"), media_type=MEDIA_TYPES[name],
                    headers={"Cache-Control": "public, max-age=3600"})
