"""Each province's desk hours and SLA budgets: a row an admin may change, defaults until then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiaoguan.hotline.models import (
    DEFAULT_DESK_CLOSES,
    DEFAULT_DESK_OPENS,
    DEFAULT_EMERGENCY_HOURS,
    DEFAULT_TICKET_HOURS,
    HotlineSettings,
)
from jiaoguan.hotline.sla import DeskHours
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_


@dataclass(frozen=True)
class DeskSettings:
    province_code: str
    hours: DeskHours
    ticket_hours: dict[str, float]
    emergency_hours: float


def desk_settings(session: Session, province_code: str) -> DeskSettings:
    row = session.get(HotlineSettings, province_code)
    if row is None:
        return DeskSettings(province_code, DeskHours(DEFAULT_DESK_OPENS, DEFAULT_DESK_CLOSES),
                            dict(DEFAULT_TICKET_HOURS), DEFAULT_EMERGENCY_HOURS)
    return DeskSettings(province_code, DeskHours(row.desk_opens, row.desk_closes),
                        {"consultation": row.consultation_hours, "help": row.help_hours,
                         "appointment": row.appointment_hours}, row.emergency_hours)


def configure(session: Session, province_code: str, *, opens: dt.time, closes: dt.time,
              ticket_hours: dict[str, float] | None = None, emergency_hours: float | None = None) -> DeskSettings:
    """Set a province's desk hours and budgets (audited); budgets not given keep their value."""
    if closes <= opens:
        raise InvalidInput(N_("The desk must close after it opens."), code="hotline.desk_hours", field="closes")
    current = desk_settings(session, province_code)
    hours = {**current.ticket_hours, **(ticket_hours or {})}
    emergency = current.emergency_hours if emergency_hours is None else emergency_hours
    if min(hours.values()) <= 0 or emergency <= 0:
        raise InvalidInput(N_("A time limit must be more than zero hours."), code="hotline.budget")
    row = session.get(HotlineSettings, province_code) or HotlineSettings(province_code=province_code)
    row.desk_opens, row.desk_closes = opens, closes
    row.consultation_hours, row.help_hours = hours["consultation"], hours["help"]
    row.appointment_hours, row.emergency_hours, row.updated_at = hours["appointment"], emergency, utc_now()
    session.add(row)
    audit.record(session, "hotline.settings", "hotline_settings", province_code,
                 f"desk {opens:%H:%M}-{closes:%H:%M}, hours {hours}, emergency {emergency}")
    session.flush()
    return desk_settings(session, province_code)
