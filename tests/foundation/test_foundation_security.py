"""Every route declares who may call it, and everyone else is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from jiaoguan.accounts.roles import Role
from jiaoguan.web.app import api_routes


def _declared_roles(dependant: Any) -> set[str] | None:
    found: set[str] | None = None
    for dep in dependant.dependencies:
        roles = getattr(dep.call, "__roles__", None)
        if roles is not None:
            found = (found or set()) | {str(r) for r in roles}
        inner = _declared_roles(dep)
        if inner is not None:
            found = (found or set()) | inner
    return found


def _routes() -> list[tuple[str, APIRoute]]:
    return api_routes()


def test_every_route_declares_its_roles() -> None:
    routes = _routes()
    assert len(routes) > 5
    missing = [f"{sorted(r.methods)} {p}" for p, r in routes if _declared_roles(r.dependant) is None]
    assert missing == [], f"routes without declared roles: {missing}"


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


RESTRICTED = [(p, r, sorted(_declared_roles(r.dependant) or set())) for p, r in _routes()
              if "public" not in (_declared_roles(r.dependant) or {"public"})]


@pytest.mark.parametrize("full_path,route,allowed", RESTRICTED,
                         ids=[f"{sorted(r.methods)[0]} {p}" for p, r, _ in RESTRICTED])
def test_roles_not_allowed_are_refused(full_path: str, route: APIRoute, allowed: list[str], client, make_user,
                                       sign_in) -> None:
    method = sorted(route.methods)[0]
    path = _concrete(full_path)
    anonymous = client.request(method, path, follow_redirects=False)
    assert anonymous.status_code in (401, 303), f"anonymous got {anonymous.status_code} on {path}"
    for role in Role:
        if role.value in allowed:
            continue
        sign_in(client, make_user(role))
        response = client.request(method, path, follow_redirects=False)
        assert response.status_code == 403, f"{role.value} got {response.status_code} on {method} {path}"


def test_a_state_change_without_the_csrf_token_is_refused(client, make_user, sign_in) -> None:
    sign_in(client, make_user(Role.citizen))
    del client.headers["X-CSRF-Token"]
    response = client.post("/signout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "刷新页面" in response.text
