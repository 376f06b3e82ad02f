"""CertLogic evaluator (specification 1.3.3, `tests/conformance/certlogic/README.md`).

Two documented extensions, both of which the conformance suite asks for under a `skip` directive:
`in` with a `null` right-hand side is false (null-safe membership), and the `reduce` lambda also sees
the outer data context as `data` (the "patched reduce" the specification anticipates).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

from jiaoguan.kit.certlogic import datetimes
from jiaoguan.kit.certlogic.errors import CertLogicError
from jiaoguan.kit.certlogic.values import boolsiness, is_date_time, is_int, strictly_equal

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
    "before": operator.lt, "after": operator.gt, "not-after": operator.le, "not-before": operator.ge,
}
_DATE_TIME_COMPARISONS = frozenset(("before", "after", "not-after", "not-before"))
_UVCI_PREFIX = "URN:UVCI:"
_UVCI_SEPARATORS = re.compile(r"[/#:]")


def evaluate(expr: Any, data: Any) -> Any:
    """The value of `expr` over the data context `data`; raises CertLogicError on an invalid expression."""
    if isinstance(expr, str | bool) or is_int(expr):
        return expr
    if isinstance(expr, list):
        return [evaluate(item, data) for item in expr]
    if isinstance(expr, dict):
        if len(expr) != 1:
            raise CertLogicError("unrecognised expression object encountered")
        ((op, values),) = expr.items()
        if op == "var":
            return _var(values, data)
        if not isinstance(values, list) or not values:
            raise CertLogicError('operation not of the form { "<operator>": [ <values...> ] }')
        handler = _OPERATIONS.get(op)
        if handler is None:
            raise CertLogicError(f'unrecognised operator: "{op}"')
        return handler(op, values, data)
    raise CertLogicError(f"invalid CertLogic expression: {expr!r}")


def access(data: Any, path: str) -> Any:
    """`var`: drill into `data` along a dotted path; anything missing is null."""
    if path == "":
        return data
    current = data
    for fragment in path.split("."):
        if current is None:
            return None
        if isinstance(current, dict):
            current = current.get(fragment)
        elif isinstance(current, list | str):
            index = int(fragment) if fragment.isdigit() else -1
            current = current[index] if 0 <= index < len(current) else None
        else:
            return None
    return current


def _var(path: Any, data: Any) -> Any:
    if not isinstance(path, str):
        raise CertLogicError('not of the form { "var": "<path>" }')
    return access(data, path)


def _arity(op: str, values: list[Any], low: int, high: int) -> None:
    if not low <= len(values) <= high:
        raise CertLogicError(f'an operation with operator "{op}" has {len(values)} operands')


def _if(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 3, 3)
    guard = evaluate(values[0], data)
    truth = boolsiness(guard)
    if truth is None:
        raise CertLogicError("if-guard evaluates to something neither truthy, nor falsy")
    return evaluate(values[1] if truth else values[2], data)


def _and(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 2, len(values))
    result: Any = True
    for operand in values:
        truth = boolsiness(result)
        if truth is None:
            raise CertLogicError('all operands of an "and" operation must be either truthy or falsy')
        if not truth:
            return result
        result = evaluate(operand, data)
    return result


def _not(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 1, 1)
    truth = boolsiness(evaluate(values[0], data))
    if truth is None:
        raise CertLogicError("operand of ! evaluates to something neither truthy, nor falsy")
    return not truth


def _binary(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 2, 2)
    left, right = (evaluate(v, data) for v in values)
    if op == "===":
        return strictly_equal(left, right)
    if op == "in":
        if right is None:
            return False
        if not isinstance(right, list):
            raise CertLogicError('right-hand side of an "in" operation must be an array')
        return any(strictly_equal(left, item) for item in right)
    if not (is_int(left) and is_int(right)):
        raise CertLogicError("operands of + must both be integers")
    return int(left) + int(right)


def _compare(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 2, 3)
    operands = [evaluate(v, data) for v in values]
    kind_ok = is_date_time if op in _DATE_TIME_COMPARISONS else is_int
    if not all(kind_ok(v) for v in operands):
        raise CertLogicError(f'operands of "{op}" are not all of the required type')
    compare = _COMPARE[op]
    return all(compare(a, b) for a, b in zip(operands, operands[1:], strict=False))


def _plus_time(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 3, 3)
    amount, unit = values[1], values[2]
    if not is_int(amount):
        raise CertLogicError('"amount" argument (#2) of "plusTime" must be an integer')
    if unit not in datetimes.TIME_UNITS:
        raise CertLogicError('"unit" argument (#3) of "plusTime" must be a time unit')
    text = evaluate(values[0], data)
    if not isinstance(text, str):
        raise CertLogicError('date argument of "plusTime" must be a string')
    return datetimes.plus_time(text, int(amount), unit)


def _date_of_birth(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 1, 1)
    text = evaluate(values[0], data)
    if not isinstance(text, str):
        raise CertLogicError('operand of "dccDateOfBirth" must be a string')
    return datetimes.date_of_birth(text)


def _reduce(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 3, 3)
    operand, body, initial = values
    items = evaluate(operand, data)
    accumulator = evaluate(initial, data)
    if items is None:
        return accumulator
    if not isinstance(items, list):
        raise CertLogicError("operand of reduce evaluated to a non-null non-array")
    for current in items:
        accumulator = evaluate(body, {"accumulator": accumulator, "current": current, "data": data})
    return accumulator


def _extract_from_uvci(op: str, values: list[Any], data: Any) -> Any:
    _arity(op, values, 2, 2)
    uvci, index = evaluate(values[0], data), values[1]
    if not (uvci is None or isinstance(uvci, str)):
        raise CertLogicError('"UVCI" argument (#1) of "extractFromUVCI" must be either a string or null')
    if not is_int(index):
        raise CertLogicError('"index" argument (#2) of "extractFromUVCI" must be an integer')
    if uvci is None or index < 0:
        return None
    fragments = _UVCI_SEPARATORS.split(uvci.removeprefix(_UVCI_PREFIX))
    return fragments[int(index)] if index < len(fragments) else None


_OPERATIONS: dict[str, Callable[[str, list[Any], Any], Any]] = {
    "if": _if,
    "and": _and,
    "!": _not,
    "===": _binary, "in": _binary, "+": _binary,
    **{op: _compare for op in _COMPARE},
    "plusTime": _plus_time,
    "dccDateOfBirth": _date_of_birth,
    "reduce": _reduce,
    "extractFromUVCI": _extract_from_uvci,
}

OPERATORS = frozenset(_OPERATIONS) | {"var"}
