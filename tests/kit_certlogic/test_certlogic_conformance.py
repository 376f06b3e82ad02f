"""Every assertion of the public CertLogic test suites, run unchanged (one case per assertion).

Assertions marked `"directive": "skip"` run too: the evaluator implements the two extensions they
describe (null-safe `in`, `reduce` seeing `data`), so nothing in the suite is left out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jiaoguan.kit.certlogic import CertLogicError, evaluate, validate
from tests.conformance import CERTLOGIC

SUITE = CERTLOGIC


def _evaluation_cases() -> list[Any]:
    cases = []
    for path in sorted((SUITE / "testSuite").glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for case in suite["cases"]:
            for i, assertion in enumerate(case["assertions"]):
                expr = assertion.get("certLogicExpression", case.get("certLogicExpression"))
                label = f"{path.stem}: {case['name']} #{i}"
                cases.append(pytest.param(expr, assertion["data"], assertion["expected"], id=label))
    return cases


def _validation_cases() -> list[Any]:
    cases = []
    for path in sorted((SUITE / "validation-testSuite").glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(suite["cases"]):
            label = f"{path.stem} #{i}"
            cases.append(pytest.param(case["certLogicExpression"], case["issues"], id=label))
    return cases


def same_json(actual: Any, expected: Any) -> bool:
    """Equality as JSON means it: true is not 1, and containers compare item by item."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, list):
        return (isinstance(actual, list) and len(actual) == len(expected)
                and all(same_json(a, e) for a, e in zip(actual, expected, strict=True)))
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and actual.keys() == expected.keys()
                and all(same_json(actual[k], expected[k]) for k in expected))
    if expected is None:
        return actual is None
    return type(actual) is type(expected) and actual == expected


EVALUATION = _evaluation_cases()
VALIDATION = _validation_cases()


def test_the_suites_are_found_and_complete() -> None:
    assert len(EVALUATION) == 232, f"expected the CertLogic suite under {SUITE}"
    assert len(VALIDATION) == 23


@pytest.mark.parametrize(("expr", "data", "expected"), EVALUATION)
def test_evaluator_meets_each_assertion_of_the_certlogic_suite(expr: Any, data: Any, expected: Any) -> None:
    assert same_json(evaluate(expr, data), expected)


@pytest.mark.parametrize(("expr", "issues"), VALIDATION)
def test_validator_reports_exactly_the_expected_issues(expr: Any, issues: list[dict[str, Any]]) -> None:
    assert validate(expr) == issues


@pytest.mark.parametrize("expr", [None, {}, {"all": []}, {"var": 0}, {"if": [True, 1]}])
def test_evaluating_an_invalid_expression_raises_a_certlogic_error(expr: Any) -> None:
    with pytest.raises(CertLogicError):
        evaluate(expr, {})
