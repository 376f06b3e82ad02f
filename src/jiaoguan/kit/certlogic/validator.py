"""Format validation of CertLogic expressions, before anything is evaluated (e.g. when a measure is loaded).

Returns the list of issues, each `{"expr": <offending sub-expression>, "message": <sentence>}`; an empty
list means the expression is well-formed. Messages match the reference validator's, which the
conformance suite compares literally.
"""

from __future__ import annotations

import re
from typing import Any

from jiaoguan.kit.certlogic.datetimes import TIME_UNITS
from jiaoguan.kit.certlogic.values import is_int

Issue = dict[str, Any]

_PATH = re.compile(r"^([^.]+?)(\.[^.]+?)*$")
_INFIX = frozenset(("===", "and", ">", "<", ">=", "<=", "in", "+",
                    "after", "before", "not-after", "not-before"))
_COMPARISONS = frozenset(("<", ">", "<=", ">=", "after", "before", "not-after", "not-before"))


def validate(expr: Any) -> list[Issue]:
    if isinstance(expr, str | bool) or is_int(expr):
        return []
    if isinstance(expr, float):
        return [_issue(expr, f"{expr} is a non-integer number")]
    if expr is None:
        return [_issue(expr, "invalid CertLogic expression")]
    if isinstance(expr, list):
        return [issue for item in expr for issue in validate(item)]
    if not isinstance(expr, dict):
        return [_issue(expr, "invalid CertLogic expression")]
    if len(expr) != 1:
        return [_issue(expr, f"expression object must have exactly one key, but it has {len(expr)}")]
    ((op, values),) = expr.items()
    if op == "var":
        return _var(expr, values)
    if not isinstance(values, list):
        return [_issue(expr, 'operation not of the form { "<operator>": [ <values...> ] }')]
    if op in _INFIX:
        return _infix(expr, op, values)
    shape = _SHAPES.get(op)
    if shape is None:
        return [_issue(expr, f'unrecognised operator: "{op}"')]
    return shape(expr, values)


def is_valid(expr: Any) -> bool:
    return not validate(expr)


def _issue(expr: Any, message: str) -> Issue:
    return {"expr": expr, "message": message}


def _var(expr: Any, path: Any) -> list[Issue]:
    if not isinstance(path, str):
        return [_issue(expr, 'not of the form { "var": "<path>" }')]
    if path == "" or _PATH.match(path):
        return []
    return [_issue(expr, f"data access path doesn't have a valid format: {path}")]


def _operands(values: list[Any]) -> list[Issue]:
    return [issue for value in values for issue in validate(value)]


def _exactly(expr: Any, name: str, values: list[Any], count: int) -> list[Issue]:
    if len(values) == count:
        return []
    return [_issue(expr, f'a "{name}"-operation must have exactly {count} values/operands, '
                         f"but it has {len(values)}")]


def _infix(expr: Any, op: str, values: list[Any]) -> list[Issue]:
    n = len(values)
    if op == "and":
        issues = [] if n >= 2 else [_issue(expr, f'an "and" operation must have at least 2 operands, '
                                                  f"but it has {n}")]
        return issues + _operands(values)
    if op in _COMPARISONS:
        issues = [] if 2 <= n <= 3 else [_issue(expr, f'an operation with operator "{op}" must have '
                                                       f"2 or 3 operands, but it has {n}")]
        return issues + _operands(values[:3])
    issues = [] if n == 2 else [_issue(expr, f'an operation with operator "{op}" must have 2 operands, '
                                              f"but it has {n}")]
    return issues + _operands(values[:2])


def _if(expr: Any, values: list[Any]) -> list[Issue]:
    return _exactly(expr, "if", values, 3) + _operands(values[:3])


def _not(expr: Any, values: list[Any]) -> list[Issue]:
    if len(values) != 1:
        return [_issue(expr, "a !-operation (logical not/negation) must have exactly 1 operand, "
                             f"but it has {len(values)}")]
    return validate(values[0])


def _plus_time(expr: Any, values: list[Any]) -> list[Issue]:
    issues = _exactly(expr, "plusTime", values, 3) + _operands(values[:1])
    if len(values) > 1 and not is_int(values[1]):
        issues.append(_issue(expr, f'"amount" argument (#2) of "plusTime" must be an integer, '
                                   f"but it is: {values[1]}"))
    if len(values) > 2 and values[2] not in TIME_UNITS:
        issues.append(_issue(expr, f'"unit" argument (#3) of "plusTime" must be a string equal to one of '
                                   f"{', '.join(TIME_UNITS)}, but it is: {values[2]}"))
    return issues


def _reduce(expr: Any, values: list[Any]) -> list[Issue]:
    return _exactly(expr, "reduce", values, 3) + _operands(values[:3])


def _extract_from_uvci(expr: Any, values: list[Any]) -> list[Issue]:
    issues = _exactly(expr, "extractFromUVCI", values, 2) + _operands(values[:1])
    if len(values) > 1 and not is_int(values[1]):
        issues.append(_issue(expr, f'"index" argument (#2) of "extractFromUVCI" must be an integer, '
                                   f"but it is: {values[1]}"))
    return issues


def _date_of_birth(expr: Any, values: list[Any]) -> list[Issue]:
    return _exactly(expr, "dccDateOfBirth", values, 1) + _operands(values[:1])


_SHAPES = {
    "if": _if,
    "!": _not,
    "plusTime": _plus_time,
    "reduce": _reduce,
    "extractFromUVCI": _extract_from_uvci,
    "dccDateOfBirth": _date_of_birth,
}
