"""Deadlines pages: a citizen's countdowns and the checkpoint officer's "may I penalise?" as of a date.

The supervisor's measures page and the admin's editor are in `measure_pages.py`, included here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jiaoguan.accounts.auth import Citizen
from jiaoguan.deadlines import measure_pages, measure_preview_pages, service
from jiaoguan.deadlines.auth import Enforcer
from jiaoguan.deadlines.engine import Decision
from jiaoguan.deadlines.page_parts import RECORD_TITLES, day_from_form
from jiaoguan.deadlines.rules.kinds import Nature
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import current_locale, translate
from jiaoguan.kit.ids.plate_types import PLATE_TYPES
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
router.include_router(measure_pages.router)
router.include_router(measure_preview_pages.router)


@dataclass(frozen=True)
class Countdown:
    """One deadline as a citizen sees it: what, until when, how many days left (or past), and why."""

    kind: str
    effective_due: dt.date
    days: int            # days left (>= 0) or days past (< 0) the effective deadline
    tone: str            # ok | warn | bad | grey, the registry's tag colours
    reason: str
    open_ended: bool = False   # carried until further notice: no day to count down to

    @property
    def days_past(self) -> int:
        return -self.days


def countdown(d: Decision, locale: str) -> Countdown:
    days = (d.effective_due - d.on).days
    if d.open_ended:
        tone = "warn" if d.kind.nature is Nature.HANDLING else "grey"
    elif d.kind.nature is Nature.CONSEQUENCE:
        tone = "grey" if days >= 0 else "bad"
    elif d.overdue:
        tone = "bad"
    elif d.past_deadline or days <= 30:
        tone = "warn"
    else:
        tone = "ok"
    return Countdown(translate(d.kind.label, locale), d.effective_due, days, tone,
                     d.reason_zh if locale.startswith("zh") else d.reason_en, d.open_ended)


@router.get("/my/deadlines")
def my_deadlines(request: Request, user: Citizen, db: Db) -> Response:
    records = service.my_deadlines(db, user)
    locale = current_locale()
    shown = [(r, [countdown(d, locale) for d in r.decisions]) for r in records or []]
    return render(request, "deadlines/my_deadlines.html",
                  {"records": shown, "missing": records is None, "on": today(), "titles": RECORD_TITLES})


@router.get("/enforcement/check")
def enforcement_check(request: Request, user: Enforcer, db: Db,
                      plate: Annotated[str, Query()] = "", plate_type: Annotated[str, Query()] = "",
                      licence: Annotated[str, Query()] = "", on: Annotated[str, Query()] = "") -> Response:
    form = {"plate": plate, "plate_type": plate_type, "licence": licence, "on": on or today().isoformat()}
    answer, error, status = None, None, 200
    if plate.strip() or licence.strip():
        try:
            day = day_from_form(on)
            answer = (service.check_vehicle(db, plate, plate_type or None, day) if plate.strip()
                      else service.check_licence(db, licence, day))
        except (InvalidInput, service.RecordNotFound) as exc:
            error, status = exc.text(), exc.status_code
    locale = current_locale()
    reason = None if answer is None else answer.reason_zh if locale.startswith("zh") else answer.reason_en
    return render(request, "deadlines/enforcement_check.html",
                  {"form": form, "answer": answer, "reason": reason, "error": error, "plate_types": CHOOSABLE_TYPES},
                  status_code=status)


# The plate types an officer meets on the road, most common first (GA 36 / GA 24.7 codes, shown by name).
CHOOSABLE_TYPES = tuple(PLATE_TYPES[c] for c in ("02", "01", "52", "51", "15", "07", "08", "16", "22", "13", "14",
                                                  "05", "06", "26", "27", "03", "04", "20", "23", "99"))
