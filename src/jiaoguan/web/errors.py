"""One handler for every error: problem+json (RFC 9457) under /api, a readable page elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from jiaoguan.accounts.auth import SESSION_COOKIE
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import principal_for_session
from jiaoguan.kit.errors import JiaoguanError, Unauthenticated
from jiaoguan.kit.i18n import N_, current_locale, translate
from jiaoguan.kit.web import render, request_session, run_blocking

log = logging.getLogger("jiaoguan.web")

STATUS_TITLES = {
    400: N_("Bad request"), 401: N_("Please sign in"), 403: N_("Not allowed"), 404: N_("Page not found"),
    405: N_("Method not allowed"), 409: N_("Conflict"), 422: N_("Invalid input"), 429: N_("Too many requests"),
    500: N_("Something went wrong"),
}
VALIDATION_REASONS = {
    "missing": N_("this field is required"),
    "string_too_short": N_("too short"),
    "string_too_long": N_("too long"),
    "string_pattern_mismatch": N_("wrong format"),
    "date_from_datetime_parsing": N_("not a valid date (YYYY-MM-DD)"),
    "date_parsing": N_("not a valid date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("not a valid date (YYYY-MM-DD)"),
    "int_parsing": N_("not a whole number"),
    "enum": N_("not one of the allowed values"),
    "literal_error": N_("not one of the allowed values"),
    "json_invalid": N_("the body is not valid JSON"),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


API_TITLES = {**STATUS_TITLES, 404: N_("Not found")}


PROBLEM_TYPES = "https://jiaoguan.example/problems/"


def problem(request: Request, status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    """The one maker of problem+json bodies (RFC 9457); `code` is `<room>.<reason>`, the type URL ends with it."""
    body = {"type": PROBLEM_TYPES + code, "title": translate(API_TITLES.get(
        status, API_TITLES[400 if status < 500 else 500])), "status": status, "code": code,
        "detail": detail, "instance": request.url.path}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


# What every error answer of the API is, as OpenAPI says it (RFC 9457 plus the code; a refusal may add members).
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object", "required": ["type", "title", "status", "code", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "code": {"type": "string"}, "detail": {"type": "string"}, "instance": {"type": "string"}},
    "additionalProperties": True,
}


def document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document say what the API answers on an error: problem+json, not FastAPI's default
    `HTTPValidationError` as application/json (schemathesis found the difference)."""
    generate = app.openapi
    done: list[bool] = []

    def openapi() -> dict[str, Any]:
        spec = generate()
        if not done:
            for operations in spec.get("paths", {}).values():
                for op in operations.values():
                    for status, response in op.get("responses", {}).items():
                        if status.isdigit() and int(status) >= 400:
                            response["content"] = {"application/problem+json": {
                                "schema": {"$ref": "#/components/schemas/Problem"}}}
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            schemas["Problem"] = PROBLEM_SCHEMA
            done.append(True)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


async def _viewer_of(request: Request, token: str) -> Principal | None:
    # The request's own way to a session (an override of `get_db` is honoured), the look-up itself off the loop
    # (`run_blocking`).
    async with request_session(request) as session:
        return await run_blocking(session, principal_for_session, session, token)


async def _page(request: Request, status: int, detail: str) -> Response:
    # An error raised before any dependency ran (an unknown address, a bad path parameter) still shows a
    # signed-in user as signed in, with their navigation.
    token = request.cookies.get(SESSION_COOKIE)
    if getattr(request.state, "viewer", None) is None and token:
        try:
            request.state.viewer = await _viewer_of(request, token)
        except Exception:  # noqa: BLE001 - the error page must render even when the database is what failed
            log.warning("error.viewer_lookup_failed")
    title = translate(STATUS_TITLES.get(status, STATUS_TITLES[400 if status < 500 else 500]))
    return render(request, "web/error.html", {"status": status, "title": title, "detail": detail},
                  status_code=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(JiaoguanError)
    async def _domain(request: Request, exc: JiaoguanError) -> Response:
        log.info("error.%s", exc.code)
        if _is_api(request):
            return problem(request, exc.status_code, exc.code, exc.text(current_locale()), **exc.problem_members())
        if isinstance(exc, Unauthenticated) and request.method == "GET":
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/signin?next={quote(here, safe='/')}", status_code=303)
        return await _page(request, exc.status_code, exc.text(current_locale()))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
            field = ".".join(loc) or "body"
            reason_id = VALIDATION_REASONS.get(err.get("type", ""))
            reason = translate(reason_id) if reason_id else str(err.get("msg", ""))
            errors.append({"field": field, "reason": reason, "type": err.get("type")})
        first = errors[0] if errors else {"field": "body", "reason": ""}
        detail = translate("The field %(field)s is not valid: %(reason)s", field=first["field"],
                           reason=first["reason"])
        if _is_api(request):
            return problem(request, 422, "web.validation_failed", detail, field=first["field"], errors=errors)
        return await _page(request, 422, detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        detail = translate(STATUS_TITLES.get(status, STATUS_TITLES[400 if status < 500 else 500]))
        if _is_api(request):
            detail = translate(API_TITLES.get(status, API_TITLES[400 if status < 500 else 500]))
            return problem(request, status, {404: "web.not_found", 405: "web.method_not_allowed"}.get(status,
                                                                                        "web.http_error"),
                           detail)
        return await _page(request, status, detail)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A number too large for the database column (e.g. /persons/99999999999999999999): the request is wrong,
        # not the server; the request's transaction has already been rolled back.
        detail = translate("A number in the request is out of range.")
        if _is_api(request):
            return problem(request, 422, "web.out_of_range", detail)
        return await _page(request, 422, detail)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("error.unexpected")
        detail = translate("An unexpected error occurred. Nothing was saved. Reference: %(rid)s",
                           rid=request.state.page_context.get("request_id", "-")
                           if hasattr(request.state, "page_context") else "-")
        if _is_api(request):
            return problem(request, 500, "web.internal_error", detail)
        return await _page(request, 500, detail)
