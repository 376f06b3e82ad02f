"""Where a submitted case goes: its calling order (急事急办 emergencies, then 特事特办 vehicles holding an active
key-material pass, asked of the pass room, then the rest) and the fraud hook that sends repeated replacements
to a window (Decree 162 art. 83)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.business.models import BusinessApplication
from jiaoguan.business.states import Status
from jiaoguan.kit.clock import utc_now
from jiaoguan.passes.service import active_pass_no_for_vehicle

# Fraud hook (Decree 162 art. 83): so many replacements by one person within the window switch the case to
# the window (in person). Configurable here; a province's own rule is a data change later.
REPLACEMENTS = ("licence_lost", "licence_damaged", "plate_replacement", "vehicle_licence_replacement",
                "sticker_replacement")
REPLACEMENT_LIMIT = 2          # earlier replacements tolerated in the window
REPLACEMENT_WINDOW_DAYS = 365
PRIORITY_EMERGENCY, PRIORITY_KEY_MATERIAL, PRIORITY_NORMAL = 0, 1, 2


def fraud_hook(session: Session, app: BusinessApplication) -> None:
    """Repeated replacements switch the case to in-person handling at a window (Decree 162 art. 83)."""
    if app.business_code not in REPLACEMENTS or app.applicant_person_id is None:
        return
    since = utc_now() - dt.timedelta(days=REPLACEMENT_WINDOW_DAYS)
    earlier = session.execute(select(func.count()).select_from(BusinessApplication).where(
        BusinessApplication.applicant_person_id == app.applicant_person_id,
        BusinessApplication.business_code.in_(REPLACEMENTS), BusinessApplication.id != app.id,
        BusinessApplication.status.notin_([Status.draft.value, Status.withdrawn.value]),
        BusinessApplication.submitted_at >= since)).scalar_one()
    if earlier >= REPLACEMENT_LIMIT:
        app.in_person, app.in_person_reason = True, "repeated_replacements"
        app.queue_role = Role.window_clerk.value
def set_priority(session: Session, app: BusinessApplication) -> None:
    app.key_pass_no = active_pass_no_for_vehicle(session, app.plate_no) if app.plate_no else None
    app.priority = (PRIORITY_EMERGENCY if app.emergency else
                    PRIORITY_KEY_MATERIAL if app.key_pass_no else PRIORITY_NORMAL)
