"""CertLogic's view of JSON values: integers, truthiness and strict equality as JavaScript sees them."""

from __future__ import annotations

import datetime as dt
from typing import Any


def is_int(value: Any) -> bool:
    # JSON has one number type; Python's bool is an int subclass and must not count as one.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def boolsiness(value: Any) -> bool | None:
    """True for truthy, False for falsy, None for values that are neither (e.g. date-times)."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, str | list | dict):
        return len(value) > 0
    if isinstance(value, int | float):
        return value != 0
    return None


def strictly_equal(left: Any, right: Any) -> bool:
    """JavaScript `===`: no coercion; arrays, objects and date-times are equal only to themselves."""
    if left is None or right is None:
        return left is right
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, str) or isinstance(right, str):
        return isinstance(left, str) and isinstance(right, str) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return left is right


def is_date_time(value: Any) -> bool:
    return isinstance(value, dt.datetime)
