"""容缺办 obligations as the business room sees them: the registry keeps the records (an outstanding medical
certificate with its due date); this room tells the figures (events), blocks new business past the due date
and closes an obligation when the material is handed in.

The registry's functions are looked up by name (`register.py`): without them no obligation is opened and
nothing is blocked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business.errors import ObligationOverdue
from jiaoguan.business.models import BusinessApplication
from jiaoguan.business.register import EffectOutcome, registry_function
from jiaoguan.kit import events
from jiaoguan.kit.clock import today


def _payload(app: BusinessApplication, **more: Any) -> dict[str, Any]:
    return {"province": app.province_code, "day": today().isoformat(), "business": app.business_code,
            "person": str(app.applicant_person_id or f"user:{app.applicant_user_id}"), "application": app.id, **more}


def effect_opened_obligation(session: Session, app: BusinessApplication, outcome: EffectOutcome) -> None:
    data = outcome.data or {}
    obligation = data.get("obligation") or data.get("obligation_id")
    if obligation:
        due = data.get("due") or data.get("obligation_due") or ""
        events.emit(session, "business.obligation_opened",
                    _payload(app, obligation=str(obligation if not isinstance(obligation, dict)
                                                 else obligation.get("id")), due=str(due)),
                    province_code=app.province_code)


def overdue_for(session: Session, person_id: int | None, on: dt.date | None = None) -> list[Any]:
    fn = registry_function("overdue_obligations")
    if fn is None or person_id is None:
        return []
    return list(fn(session, person_id, on or today()))


def ensure_not_blocked(session: Session, applicant: Principal) -> None:
    found = overdue_for(session, applicant.person_id)
    if found:
        first = found[0]
        what = getattr(first, "kind", None) or (first.get("kind") if isinstance(first, dict) else None) or "-"
        raise ObligationOverdue(what=str(what))


def material_handed_in(session: Session, app: BusinessApplication, material_code: str) -> bool:
    """The 容缺 material arrived: the registry closes the obligation; the figures hear of it."""
    fn = registry_function("close_obligation")
    if fn is None or app.applicant_person_id is None:
        return False
    closed = fn(session, person_id=app.applicant_person_id, kind=material_code, on=today())
    if closed:
        events.emit(session, "business.obligation_closed", _payload(app, kind=material_code),
                    province_code=app.province_code)
    return bool(closed)
