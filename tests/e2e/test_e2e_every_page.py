"""Every page a role may open (GET, no path parameters) answers 200 and passes axe-core with no serious or
critical violation, in Chinese and in large-text mode."""

from __future__ import annotations

from typing import Any

import pytest

from jiaoguan.web.app import api_routes
from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.test_e2e_shell import DEMO_USERS

SKIP = {"/signin", "/healthz", "/readyz", "/prefs/lang", "/prefs/large-font"}


def _roles_of(route: Any) -> set[str]:
    found: set[str] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        found |= {str(r) for r in getattr(dep.call, "__roles__", ())}
        stack.extend(dep.dependencies)
    return found


def _pages_for(role: str) -> list[str]:
    pages = []
    for path, route in api_routes():
        if path.startswith("/api/") or "{" in path or "GET" not in route.methods or path in SKIP:
            continue
        if path.endswith((".js", ".csv", ".json")):
            continue
        roles = _roles_of(route)
        if role in roles:
            pages.append(path)
    return sorted(set(pages))


@pytest.mark.parametrize("role,username", DEMO_USERS.items())
def test_every_page_of_a_role_opens_and_is_accessible(page: Any, role: str, username: str) -> None:
    sign_in(page, username)
    page.goto("/prefs/large-font?on=1&next=/")
    problems: dict[str, Any] = {}
    for path in _pages_for(role):
        response = page.goto(path)
        status = response.status if response is not None else None
        if status != 200:
            problems[path] = status
            continue
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    assert problems == {}, problems
