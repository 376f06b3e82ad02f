"""容缺办 obligations as the business room sees them: the registry keeps the records (an outstanding medical
certificate with its due date, reminders, the overdue sweep); this room tells the figures (the business.*
events of the shared contract), refuses new business past the due date (the registry's `no overdue
obligation` check, when its policy blocks) and closes an obligation when the certificate is handed in on the
application that promised it (the registry's `medical-certificate-submit` effect).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.business import register
from jiaoguan.business.errors import ObligationOverdue
from jiaoguan.business.models import BusinessApplication
from jiaoguan.business.outcomes import EffectOutcome, Subject
from jiaoguan.kit import events
from jiaoguan.kit.clock import today
from jiaoguan.kit.events import Event
from jiaoguan.kit.i18n import translate
from jiaoguan.registry.changes.obligations import figure_fact, obligation

CERTIFICATE = "medical_certificate"
DONE = ("approved", "issued", "completed")


def _tell_figures(session: Session, what: str, obligation_id: Any, **more: Any) -> None:
    """One `business.obligation_<what>` per obligation, with the registry's facts of it (its province, person
    and day), so the figures' recount from the registry's records (business/figures.py) finds the same."""
    ob = obligation(session, int(obligation_id))
    if ob is None:
        return
    fact = {**figure_fact(ob, what), "business": "licence_renewal", **more}
    events.emit(session, f"business.obligation_{what}", fact, province_code=ob.province_code)


def effect_opened_obligation(session: Session, app: BusinessApplication, outcome: EffectOutcome) -> None:
    """An approval's effect on the register opened an obligation (a renewal without the certificate) or closed
    some (the certificate handed in as a business of its own): the figures hear of each."""
    data = outcome.data or {}
    if data.get("obligation_id"):
        _tell_figures(session, "opened", data["obligation_id"], application=app.id)
    for obligation_id in (data.get("changed") or {}).get("obligations_closed") or ():
        _tell_figures(session, "closed", obligation_id, application=app.id)


def ensure_not_blocked(session: Session, applicant: Principal, on: dt.date | None = None) -> None:
    """容缺: an obligation past its due date blocks new business (when the registry's policy says so)."""
    failed = register.blocking(session, Subject(applicant.person_id), on or today())
    if failed is not None:
        raise ObligationOverdue(what=translate(failed.rule_msgid, None, **(failed.params or {})))


def material_handed_in(session: Session, app: BusinessApplication, material_code: str, actor: Any) -> bool:
    """The 容缺 certificate arrived on the application that promised it: the register records it and the
    obligation closes."""
    if material_code != CERTIFICATE or app.licence_id is None or app.status not in DONE:
        return False
    outcome = register.apply_effect(session, "medical_certificate", Subject(app.applicant_person_id,
                                                                            app.licence_id), actor=actor, on=today())
    closed = (outcome.data or {}).get("changed", {}).get("obligations_closed") if outcome.data else None
    for obligation_id in closed or ():
        _tell_figures(session, "closed", obligation_id, application=app.id, kind=material_code)
    return outcome.applied


def owed_by(session: Session, app: BusinessApplication) -> list[dict[str, Any]]:
    """The 容缺 obligations of this application's licence still open (kind, due, status)."""
    from jiaoguan.registry.changes.obligations import open_obligations

    if app.licence_id is None or app.applicant_person_id is None or not app.later_materials:
        return []
    return [{"id": ob.id, "kind": ob.kind, "due": ob.due, "status": ob.status}
            for ob in open_obligations(session, app.applicant_person_id) if ob.licence_id == app.licence_id]


def on_registry_overdue(session: Session, event: Event) -> None:
    """registry.obligation_overdue → business.obligation_overdue (the figures count the business side)."""
    p = event.payload
    if p.get("obligation") is not None:
        _tell_figures(session, "overdue", p["obligation"], consequence=p.get("consequence"))
