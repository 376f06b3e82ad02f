"""schemathesis over the whole OpenAPI (issue 10.13), with a bounded budget: every operation, as a device of a
role the route admits and as an anonymous caller, never answers 500 and answers what it documents (status, body
schema, content type). JIAOGUAN_SCHEMATHESIS_EXAMPLES=200 makes a deeper probe."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import create_user, issue_api_token
from jiaoguan.kit.db import unit_of_work
from jiaoguan.web.app import api_routes
from tests.foundation.test_foundation_security import _declared_roles
from tests.security.conftest import Live

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import checks  # noqa: E402

# Cases per operation and caller: bounded so the suite stays fast; raise it for a deeper probe.
BUDGET = int(os.environ.get("JIAOGUAN_SCHEMATHESIS_EXAMPLES", "6"))
ANONYMOUS_BUDGET = 1  # an anonymous caller is refused before its input matters


def _allowed_role(method: str, path: str) -> str | None:
    """A role the route admits (the security walk reads the same declarations); None for a public route."""
    for full_path, route in api_routes():
        if full_path == path and method.upper() in route.methods:
            roles = sorted(_declared_roles(route.dependant) or set())
            return None if "public" in roles else roles[0]
    raise AssertionError(f"no route {method} {path}")


def _probe(operation, headers: dict[str, str], budget: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    found: dict = {"cases": 0, "statuses": Counter(), "failures": []}  # type: ignore[type-arg]

    @settings(max_examples=budget, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def probe(case) -> None:  # type: ignore[no-untyped-def]
        found["cases"] += 1
        response = case.call(headers=headers)
        found["statuses"][response.status_code] += 1
        try:
            case.validate_response(response, checks=[checks.not_a_server_error, checks.response_schema_conformance,
                                                     checks.content_type_conformance], headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # collected and reported together by the caller
            found["failures"].append(" | ".join(str(exc).strip().splitlines())[:600] if str(exc).strip() else repr(exc))

    probe()
    return found


def test_schemathesis_over_the_whole_openapi_finds_no_server_error_and_no_undocumented_answer(live: Live) -> None:
    tokens: dict[str, str | None] = {"anonymous": None}
    with unit_of_work() as s:
        for role in Role:
            user = create_user(s, username=f"st_{role.value}", display_name=role.value, role=role,
                               password="probe-password-1", province_code="31",
                               phone="13800000000" if role is Role.citizen else None)
            tokens[role.value] = issue_api_token(s, user, "schemathesis")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", live.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    cases = 0
    for operation in operations:
        role = _allowed_role(operation.method, operation.path)
        callers = {"anonymous": ANONYMOUS_BUDGET} | ({role: BUDGET} if role else {"anonymous": BUDGET})
        for caller, budget in callers.items():
            token = tokens[caller]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            outcome = _probe(operation, headers, budget)
            cases += outcome["cases"]
            statuses.update(outcome["statuses"])
            failures += [f"{caller} {operation.label}: {f}" for f in outcome["failures"]]
    print(f"\nschemathesis: {len(operations)} operations (each as a role it admits, budget {BUDGET}, and anonymous, "
          f"budget {ANONYMOUS_BUDGET}), {cases} cases; answers {dict(sorted(statuses.items()))}; "
          f"failures {len(failures)}")
    assert len(operations) >= 10 and cases >= len(operations)
    for failure in sorted(set(failures))[:40]:
        print("FAILURE", failure)
    assert statuses[500] == 0 and failures == [], "\n".join(sorted(set(failures))[:40])
