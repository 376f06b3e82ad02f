"""The authorization matrix (issue 10.13): every route the rooms declare, called by every role it does not admit
and by an anonymous caller, is refused; prints routes x roles checked and the violations (0)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from jiaoguan.accounts.auth import SESSION_COOKIE
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import start_session
from jiaoguan.web.app import api_routes
from tests.foundation.test_foundation_security import _declared_roles


def test_every_route_refuses_every_role_it_does_not_admit(client: TestClient, db, make_user) -> None:
    sessions = {role: start_session(db, make_user(role)) for role in Role}
    db.commit()
    checked, violations, routes = 0, [], 0
    for full_path, route in api_routes():
        allowed = _declared_roles(route.dependant) or set()
        if "public" in allowed:
            continue
        routes += 1
        path = re.sub(r"\{[^}]+\}", "1", full_path)
        for method in sorted(route.methods):
            client.cookies.pop(SESSION_COOKIE, None)
            answer = client.request(method, path, follow_redirects=False).status_code
            checked += 1
            if answer not in (401, 303):
                violations.append(f"anonymous {method} {path}: {answer}")
            for role, token in sessions.items():
                if role.value in allowed:
                    continue
                client.cookies.set(SESSION_COOKIE, token)
                answer = client.request(method, path, follow_redirects=False).status_code
                checked += 1
                if answer != 403:
                    violations.append(f"{role.value} {method} {path}: {answer}")
    print(f"\nauthorization matrix: {routes} restricted routes x {len(Role) + 1} callers (roles and anonymous), "
          f"{checked} refusals checked, violations {len(violations)}")
    assert routes > 20 and checked > routes
    assert violations == []
