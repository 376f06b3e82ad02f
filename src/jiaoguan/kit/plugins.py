"""Rooms plug in by convention (`<room>/api.py`, `<room>/demo.py`, `<room>/jobs.py` …), found by module name.

Lower layers find higher rooms this way without importing them by name in code, so the layers
contract holds and a room that is not there yet is simply skipped.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(module: str) -> ModuleType | None:
    """Import `module` if it exists; None if it does not. An import error *inside* it still raises."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
