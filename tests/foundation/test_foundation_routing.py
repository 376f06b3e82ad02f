"""A room's router is asked only for paths whose first segment its routes start with (web.app): every route is
still reached, an unknown path is still a 404, a wrong method still a 405, and behind a proxy's prefix as well."""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.routing import Match

from jiaoguan.web.app import api_routes


def test_every_declared_route_is_still_matched_by_the_app(app) -> None:  # type: ignore[no-untyped-def]
    missed = []
    for path, route in api_routes():
        concrete = path.replace("{", "").replace("}", "").replace(":path", "")
        method = sorted(route.methods)[0]
        scope = {"type": "http", "path": concrete, "root_path": "", "method": method, "headers": []}
        if not any(r.matches(scope)[0] == Match.FULL for r in app.router.routes):
            missed.append(f"{method} {path}")
    assert missed == []


def test_unknown_paths_and_methods_answer_as_before(client: TestClient) -> None:
    assert client.get("/no-such-room/page").status_code == 404
    assert client.get("/api/v1/no-such-thing").json()["code"] == "web.not_found"
    assert client.delete("/api/v1/passes/verify").status_code == 405


def test_behind_a_proxy_prefix_the_rooms_are_still_found(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, root_path="/jg") as behind:
        response = behind.get("/jg/my/records", follow_redirects=False)
        assert response.status_code == 303 and "/signin" in response.headers["location"]
        assert behind.get("/jg/healthz").status_code == 200
