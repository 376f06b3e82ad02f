"""A room's router is asked only for paths whose first segment its routes start with, and remembers which route a
path matched (web.app): every route is still reached, an unknown path is still a 404, a wrong method still a 405,
and behind a proxy's prefix as well."""

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


def test_a_remembered_match_gives_each_request_its_own_path_parameters(app) -> None:  # type: ignore[no-untyped-def]
    """A room's router remembers which route a path matched: asked again for the same path (as FastAPI asks twice per
    request, and every later request does), it answers the same route with a fresh copy of the path's parameters, and
    another path with its own."""
    room = next(r for r in app.router.routes if hasattr(r, "original_router") and r.matches(
        {"type": "http", "path": "/registry/persons/7", "root_path": "", "method": "GET", "headers": []})[0]
        == Match.FULL)

    def match(path: str, method: str = "GET") -> tuple[Match, dict, object]:
        found, child, route, _ = room._match({"type": "http", "path": path, "root_path": "", "method": method,
                                              "headers": []})
        return found, child, route

    first, child, route = match("/registry/persons/7")
    child["path_params"]["person_id"] = 99   # a request that changes its copy changes nobody else's
    again, child_again, route_again = match("/registry/persons/7")
    other, child_other, _ = match("/registry/persons/8")
    assert (first, again, other) == (Match.FULL, Match.FULL, Match.FULL)
    assert route_again is route
    assert child_again["path_params"] == {"person_id": "7"} and child_other["path_params"] == {"person_id": "8"}
    assert match("/registry/persons/7", "DELETE")[0] == Match.PARTIAL   # the method is part of what is remembered
    assert match("/registry/no-such-page")[0] == Match.NONE
