"""The application factory: one process serves /api/v1 (JSON) and the pages."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match

from jiaoguan import __version__
from jiaoguan.kit import changes, logmask, rooms
from jiaoguan.kit.settings import get_settings
from jiaoguan.kit.web import PACKAGE_ROOT, add_context_provider, reload_templates_when_changed
from jiaoguan.web import errors
from jiaoguan.web.middleware import RequestContextMiddleware
from jiaoguan.web.nav import nav_for

log = logging.getLogger("jiaoguan.web")
DOCS_URL = "/api/v1/docs"

def domain_routers() -> list[tuple[str, APIRouter]]:
    """The JSON routers (under /api/v1) and page routers the installed rooms declare."""
    found: list[tuple[str, APIRouter]] = []
    for room in rooms.installed():
        for ref, prefix in ((room.api, "/api/v1"), (room.pages, "")):
            if ref is not None:
                found.append((prefix, rooms.resolve(ref)))
    return found


def _shell_context(request: Request) -> dict[str, object]:
    user = getattr(request.state, "viewer", None)
    return {"user": user, "nav": nav_for(user.role if user is not None else None)}


def _api_docs(app: FastAPI) -> None:
    """The API docs page (Swagger UI from its CDN) with a policy of its own: its one inline script admitted by
    its hash, not by 'unsafe-inline', and still framed by no one."""
    page = get_swagger_ui_html(openapi_url=app.openapi_url or "", title=f"{app.title} - API")
    body = bytes(page.body)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'"
                      for m in re.findall(rb"<script>(.*?)</script>", body, re.S))
    cdn = "https://cdn.jsdelivr.net"
    policy = (f"default-src 'self'; script-src {cdn} {hashes}; style-src {cdn}; img-src 'self' data: {cdn} "
              "https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; base-uri 'self'; "
              "frame-ancestors 'none'")

    async def docs(_: Request) -> HTMLResponse:
        return HTMLResponse(body, headers={"content-security-policy": policy})

    app.add_route(DOCS_URL, docs, include_in_schema=False)


def settle_heap() -> None:
    """Leave what the process built to start (modules, routes, templates, mappers: hundreds of thousands of objects)
    out of the cyclic garbage collector's passes, and run them less often.

    Measured with callgrind on the citizen's records page: a quarter of its instructions were the collector walking
    that heap again (a full pass every hundred young ones, each young pass every 700 allocations, and a page
    allocates tens of thousands of objects). Frozen objects are never traversed; a request's own cycles are still
    collected, in young passes that now come every 20,000 allocations."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def create_app(*, start_worker: bool | None = None) -> FastAPI:
    settings = get_settings()
    run_worker = settings.run_worker_in_process and settings.is_sqlite if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logmask.install()  # after the server configured its log handlers
        settle_heap()
        worker = None
        if run_worker:
            from jiaoguan.kit.worker import InProcessWorker

            worker = InProcessWorker()
            worker.start()
        listener = None
        if not settings.is_sqlite and settings.database_io_on_event_loop:
            listener = asyncio.create_task(changes.listen(settings.effective_database_url))
        yield
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        if worker is not None:
            worker.stop()

    app = FastAPI(
        title="jiaoguan 交管业务服务平台", version=__version__, lifespan=lifespan,
        openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None,
    )
    _api_docs(app)
    app.add_middleware(RequestContextMiddleware, secure_cookies=settings.secure_cookies)
    errors.install(app)
    errors.document_problems(app)
    add_context_provider(_shell_context)
    reload_templates_when_changed(settings.env == "development")
    for room in rooms.installed():
        if room.lanes is not None:
            app.router.routes.extend(rooms.resolve(room.lanes)())   # ahead of the routers included below
    for prefix, router in domain_routers():
        app.include_router(router, prefix=prefix)
    app.mount("/static", StaticFiles(directory=str(PACKAGE_ROOT / "web" / "static")), name="static")
    for route in app.router.routes:
        if hasattr(route, "original_router"):
            _match_by_first_segment(route)
            _remember_matches(route)
    return app


def _first_segments(prefix: str, routes: list[Any]) -> set[str] | None:
    """The first path segments of every route under an included router; None when one may match any segment (a
    parameter there, or a route of a kind this does not read)."""
    found: set[str] = set()
    for route in routes:
        if isinstance(route, APIRoute):
            first = (prefix + route.path).split("/", 2)[1]
            if "{" in first:
                return None
            found.add(first)
        elif hasattr(route, "original_router"):
            inner = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            below = _first_segments(prefix + inner, route.original_router.routes)
            if below is None:
                return None
            found |= below
        else:
            return None
    return found


def _match_by_first_segment(included: Any) -> None:
    """A room's router is asked to match a request only when its routes start with the request's first segment.

    FastAPI asks every included router in turn, and each asks every route it holds: the issuer's queue was matched
    against 83 routes (a sixth of its request's work) before its own. A router none of whose routes can start with
    the segment would answer "no match" anyway, so it is not asked."""
    prefix = getattr(getattr(included, "include_context", None), "prefix", "") or ""
    segments = _first_segments(prefix, included.original_router.routes)
    if segments is None:
        return
    matches = included.matches

    def matches_if_it_may(scope: Any) -> Any:
        path, root = scope.get("path", ""), scope.get("root_path", "")
        if root and path.startswith(root):   # as Starlette reads a route's path behind a proxy's prefix
            path = path[len(root):]
        if path.split("/", 2)[1 if path.startswith("/") else 0] not in segments:
            return Match.NONE, {}
        return matches(scope)

    included.matches = matches_if_it_may


REMEMBERED_MATCHES = 4096


def _remember_matches(included: Any) -> None:
    """A room's router remembers which of its routes a path matched (by request method and path, while its routes
    stay the same), instead of trying them in turn on every request, twice: FastAPI asks an included router whether
    it matches, then asks it again which route it was. The issuer's queue tried 33 routes' patterns (a tenth of its
    request's work, profiled). What is remembered is what the routes' own matching returned; a path's parameters are
    copied out for each request. At most `REMEMBERED_MATCHES` paths are kept (then forgotten all at once: a client
    asking for endless different paths costs what it cost before)."""
    match = included._match
    router = included.original_router
    remembered: dict[tuple[Any, ...], tuple[Any, dict[str, Any], Any, Any]] = {}

    def match_remembered(scope: Any) -> tuple[Any, dict[str, Any], Any, Any]:
        key = (scope["type"], scope.get("method"), scope.get("root_path", ""), scope["path"],
               router._get_routes_version())
        found = remembered.get(key)
        if found is None:
            if len(remembered) >= REMEMBERED_MATCHES:
                remembered.clear()
            found = remembered[key] = match(scope)
        result, child_scope, route, context = found
        child_scope = dict(child_scope)
        if "path_params" in child_scope:
            child_scope["path_params"] = dict(child_scope["path_params"])
        return result, child_scope, route, context

    included._match = match_remembered


def _flatten(prefix: str, routes: list[Any]) -> list[tuple[str, APIRoute]]:
    """APIRoutes with full paths, descending into routers a room includes into its own router."""
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):   # FastAPI's record of an included router
            inner = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            found.extend(_flatten(prefix + inner, route.original_router.routes))
    return found


def api_routes() -> list[tuple[str, APIRoute]]:
    """Every route the rooms declare, with its full path (for the security walk and docs)."""
    return [item for prefix, router in domain_routers() for item in _flatten(prefix, router.routes)]
