"""Every JSON route under /api/v1 declares its response model, so OpenAPI describes what it answers; a route
that returns a file declares its media type instead. A response model is a pydantic model or a dataclass that is a
room's view (pydantic describes both; docs/DECISIONS.md, "One declaration per shape")."""

from __future__ import annotations

import dataclasses
import typing

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from jiaoguan.web.app import api_routes, create_app


def _is_model(annotation: object) -> bool:
    if isinstance(annotation, type) and (issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation)):
        return True
    return typing.get_origin(annotation) is list and all(_is_model(a) for a in typing.get_args(annotation))


def _api_routes() -> list[tuple[str, object]]:
    return [(path, route) for path, route in api_routes()
            if path.startswith("/api/v1/") and getattr(route, "include_in_schema", False)]


def test_every_json_route_declares_a_response_model() -> None:
    routes = _api_routes()
    assert len(routes) > 25
    undescribed = []
    for path, route in routes:
        response_class = getattr(route.response_class, "value", route.response_class)  # type: ignore[attr-defined]
        returns_a_file = isinstance(response_class, type) and not issubclass(response_class, JSONResponse)
        if returns_a_file:
            documented = route.responses.get(200, {}).get("content")  # type: ignore[attr-defined]
            if not documented:
                undescribed.append(f"{sorted(route.methods)} {path}: a file without its media type")  # type: ignore[attr-defined]
        elif not _is_model(route.response_model):  # type: ignore[attr-defined]
            undescribed.append(f"{sorted(route.methods)} {path}: {route.response_model!r}")  # type: ignore[attr-defined]
    assert undescribed == []


def test_openapi_names_a_schema_for_every_json_answer() -> None:
    spec = create_app().openapi()
    missing = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ok = op["responses"].get("200") or op["responses"].get("201")
            content = (ok or {}).get("content", {})
            json_schema = content.get("application/json", {}).get("schema")
            if "application/json" in content and (not json_schema or json_schema == {}):
                missing.append(f"{method.upper()} {path}")
            if not content:
                missing.append(f"{method.upper()} {path} (no content)")
    assert missing == []
