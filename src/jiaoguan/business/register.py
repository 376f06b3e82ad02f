"""The adapter to the registry's effects and the named eligibility checks (issue 11.4, 11.5).

Effects: `jiaoguan.registry.changes.EFFECTS`, keyed by the registry's code for a business; `EFFECT_CODES` maps
the catalogue's codes onto them. Checks: `jiaoguan.deadlines.checks.all_checks()` (the registry's checks and
those that need the temporary measures), by name; the catalogue names a check in its words ("licence not
detained") or with underscores. Both are looked up by name: a business with no effect runs the generic flow
(no register change), and a check nobody knows yet is reported as "checked by the seat", never held against
the applicant.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.business.outcomes import CheckOutcome, EffectOutcome, Subject
from jiaoguan.kit.i18n import N_

__all__ = ["CheckOutcome", "EffectOutcome", "Subject", "apply_effect", "run_check"]

# Catalogue business code → the registry's effect code (registry/changes/__init__.py lists them).
EFFECT_CODES = {
    "learner_permit_print": "learner-permit-proof", "licence_renewal": "licence-renewal",
    "licence_age_renewal": "licence-age-renewal", "licence_lost": "licence-replace-lost",
    "licence_damaged": "licence-replace-damaged", "licence_renewal_deferral": "licence-defer-renewal",
    "review_deferral": "licence-defer-review", "medical_deferral": "licence-defer-medical",
    "medical_certificate": "medical-certificate-submit", "points_reduction_study": "study-points",
    "driver_contact_change": "driver-contact-change", "e_licence": "e-licence",
    "plate_preselect_new": "plate-preselect-new", "plate_preselect_transfer": "plate-preselect-transfer",
    "temporary_plate": "temporary-plate", "plate_replacement": "plate-replace",
    "vehicle_licence_replacement": "vehicle-licence-replace", "sticker_replacement": "sticker-replace",
    "exempt_sticker": "exempt-sticker", "owner_contact_change": "vehicle-contact-change",
    "camera_violation": "camera-violation", "fine_payment": "fine-payment",
}
# What the applicant's answers may carry to an effect, and how each is read from the form's text.
ANSWER_TYPES: dict[str, Callable[[str], Any]] = {
    "until": dt.date.fromisoformat, "issued_on": dt.date.fromisoformat,
    "insurance_valid_until": dt.date.fromisoformat, "days": int, "violation_id": int, "permit_id": int,
    "hold_working_days": int, "reason": str, "plate_no": str, "phone": str, "address": str, "vin": str,
    "plate_type": str,
}
# The checks' names as people read them (a passed check has no rule text of its own).
CHECK_LABELS = {
    "licence not detained": N_("The licence is not detained"), "licence not cancelled": N_("The licence is valid"),
    "licence not deferred": N_("The licence is not deferred"), "no open violations": N_("No open violations"),
    "points below 12": N_("Fewer than 12 points in this cycle"),
    "no overdue obligation": N_("No overdue 容缺 obligation"), "insurance valid": N_("Insurance (交强险) valid"),
    "inspection exempt": N_("Inspection-exempt vehicle"), "vehicle not detained": N_("The vehicle is not detained"),
    "inside the renewal window": N_("Inside the renewal window"), "review not overdue": N_("The review is not overdue"),
    "no vehicle overdue for inspection": N_("No vehicle of yours is overdue for inspection"),
}
BLOCKING_CHECK = "no overdue obligation"  # 容缺: past the due date new business is blocked (registry's policy)


def _module_attr(module: str, attribute: str) -> Any:
    try:
        return getattr(importlib.import_module(module), attribute, None)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None
        raise


def effects() -> dict[str, Callable[..., Any]]:
    found = _module_attr("jiaoguan.registry.changes", "EFFECTS")
    return dict(found) if isinstance(found, Mapping) else {}


def checks() -> dict[str, Callable[..., Any]]:
    merged = _module_attr("jiaoguan.deadlines.checks", "all_checks")
    if callable(merged):
        return dict(merged())
    found = _module_attr("jiaoguan.registry.checks", "CHECKS")
    return dict(found) if isinstance(found, Mapping) else {}


def _check_fn(name: str) -> Callable[..., Any] | None:
    known = checks()
    return known.get(name) or known.get(name.replace("_", " "))


def _read(result: Any, *names: str, default: Any = "") -> Any:
    for name in names:
        if isinstance(result, Mapping) and name in result:
            return result[name]
        if hasattr(result, name):
            return getattr(result, name)
    return default


def run_check(session: Session, name: str, subject: Subject, on: dt.date) -> CheckOutcome:
    fn = _check_fn(name)
    if fn is None:
        return CheckOutcome(name, True, N_("This condition is checked by the seat."), checked=False)
    result = fn(session, subject, on)
    params = _read(result, "params", default=None)
    ok = bool(_read(result, "ok", default=False))
    label = CHECK_LABELS.get(name) or CHECK_LABELS.get(name.replace("_", " ")) or name
    return CheckOutcome(name, ok, str(_read(result, "rule", "rule_msgid", default="") or label),
                        str(_read(result, "article", default="")), str(_read(result, "remedy", default="")),
                        dict(params) if isinstance(params, Mapping) else None)


def blocking(session: Session, subject: Subject, on: dt.date) -> CheckOutcome | None:
    """The overdue-obligation check, failed, or None (passed, or unknown)."""
    if _check_fn(BLOCKING_CHECK) is None:
        return None
    outcome = run_check(session, BLOCKING_CHECK, subject, on)
    return None if outcome.ok else outcome


def effect_code(code: str) -> str | None:
    known = effects()
    for candidate in (EFFECT_CODES.get(code), code, code.replace("_", "-")):
        if candidate and candidate in known:
            return candidate
    return None


def has_effect(code: str) -> bool:
    return effect_code(code) is not None


def apply_effect(session: Session, code: str, subject: Subject, *, actor: Any, on: dt.date,
                 defer_certificate: bool = False, answers: Mapping[str, Any] | None = None) -> EffectOutcome:
    """Run the registry's effect for this business; generic flow (nothing applied) when it has none."""
    found = effect_code(code)
    if found is None:
        return EffectOutcome(False)
    fn = effects()[found]
    offered: dict[str, Any] = {"licence_id": subject.licence_id, "vehicle_id": subject.vehicle_id,
                               "person_id": subject.person_id, "actor": actor, "on": on}
    if defer_certificate:
        offered["defer_certificate"] = True
    for key, value in (answers or {}).items():
        if key in ANSWER_TYPES and value not in (None, ""):
            try:
                offered[key] = ANSWER_TYPES[key](str(value))
            except ValueError:
                continue
    params = inspect.signature(fn).parameters
    kwargs = {k: v for k, v in offered.items() if k in params}
    result = fn(session, **kwargs)
    data = {"business": _read(result, "business", default=found), "msgid": _read(result, "msgid", default=""),
            "params": dict(_read(result, "params", default={}) or {}),
            "changed": dict(_read(result, "changed", default={}) or {}),
            "documents": list(_read(result, "documents", default=()) or ()),
            "obligation_id": _read(result, "obligation_id", default=None)}
    return EffectOutcome(True, str(data["msgid"]), data)
