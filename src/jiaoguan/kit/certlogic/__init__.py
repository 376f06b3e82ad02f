"""CertLogic: the JSON rule language of the EU DCC business rules, used here for temporary-measure conditions.

`evaluate(expr, data)` computes a value; `validate(expr)` lists format issues without evaluating;
`evaluate_condition(expr, data)` is the forgiving form for rules (any error counts as false, as the
specification advises).
"""

from __future__ import annotations

from typing import Any

from jiaoguan.kit.certlogic.errors import CertLogicError
from jiaoguan.kit.certlogic.evaluator import OPERATORS, access, evaluate
from jiaoguan.kit.certlogic.validator import is_valid, validate
from jiaoguan.kit.certlogic.values import boolsiness

SPEC_VERSION = "1.3.3"


def evaluate_condition(expr: Any, data: Any) -> bool:
    """True only when `expr` evaluates to a truthy value; errors and non-truthy values are false."""
    try:
        return boolsiness(evaluate(expr, data)) is True
    except (CertLogicError, RecursionError):
        return False


__all__ = ["OPERATORS", "SPEC_VERSION", "CertLogicError", "access", "evaluate", "evaluate_condition",
           "is_valid", "validate"]
