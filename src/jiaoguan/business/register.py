"""The adapter to the registry room's effects and eligibility checks (issue 11.4, 11.5).

The registry declares `jiaoguan.registry.changes.EFFECTS` (business code → function that changes the register)
and `jiaoguan.registry.checks.CHECKS` (check name → function answering a `CheckResult`). They are looked up by
name: a business with no effect runs the generic flow (no register change), and a check the registry does not
know yet is reported as "not checked" rather than failing the applicant.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.business.outcomes import CheckOutcome, EffectOutcome, Subject
from jiaoguan.kit.i18n import N_

__all__ = ["CheckOutcome", "EffectOutcome", "Subject", "apply_effect", "run_check"]


def _lookup(module: str, attribute: str) -> dict[str, Callable[..., Any]]:
    try:
        found = getattr(importlib.import_module(module), attribute, None)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return {}
        raise
    return dict(found) if isinstance(found, dict) else {}


def effects() -> dict[str, Callable[..., Any]]:
    return _lookup("jiaoguan.registry.changes", "EFFECTS")


def checks() -> dict[str, Callable[..., Any]]:
    return _lookup("jiaoguan.registry.checks", "CHECKS")


def _read(result: Any, *names: str, default: Any = "") -> Any:
    for name in names:
        if isinstance(result, dict) and name in result:
            return result[name]
        if hasattr(result, name):
            return getattr(result, name)
    return default


def run_check(session: Session, name: str, subject: Subject, on: dt.date) -> CheckOutcome:
    fn = checks().get(name)
    if fn is None:
        return CheckOutcome(name, True, N_("This condition is checked by the seat."), checked=False)
    result = fn(session, subject, on)
    params = _read(result, "params", default=None)
    return CheckOutcome(name, bool(_read(result, "ok", default=False)),
                        str(_read(result, "rule", "rule_msgid", "msgid", default=name)),
                        str(_read(result, "article", default="")),
                        str(_read(result, "remedy", "remedy_msgid", "satisfy", "satisfied_by", default="")),
                        dict(params) if isinstance(params, dict) else None)


def registry_function(name: str) -> Callable[..., Any] | None:
    """Another function the registry's `changes` package offers (obligations), or None before it exists."""
    try:
        module = importlib.import_module("jiaoguan.registry.changes")
    except ModuleNotFoundError as exc:
        if exc.name is not None and "jiaoguan.registry.changes".startswith(exc.name):
            return None
        raise
    fn = getattr(module, name, None)
    return fn if callable(fn) else None


def has_effect(code: str) -> bool:
    return code in effects()


def apply_effect(session: Session, code: str, subject: Subject, *, actor: str, on: dt.date,
                 defer_certificate: bool = False, answers: dict[str, Any] | None = None) -> EffectOutcome:
    """Run the registry's effect for this business; generic flow when it has none."""
    fn = effects().get(code)
    if fn is None:
        return EffectOutcome(False)
    offered = {"licence_id": subject.licence_id, "vehicle_id": subject.vehicle_id, "person_id": subject.person_id,
               "plate_no": subject.plate_no, "subject": subject, "actor": actor, "on": on,
               "defer_certificate": defer_certificate, "answers": answers or {}}
    params = inspect.signature(fn).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs = {k: v for k, v in offered.items() if takes_any or k in params}
    result = fn(session, **kwargs)
    data = _read(result, "data", "to_json", default=None)
    if callable(data):
        data = data()
    return EffectOutcome(True, str(_read(result, "summary", "message", default="")),
                         data if isinstance(data, dict) else None)
