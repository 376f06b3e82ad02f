"""What every hotline page shares: rendering with the room's vocabularies and the masker."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from jiaoguan.accounts.principal import Principal
from jiaoguan.hotline.states import EMERGENCY, TICKET
from jiaoguan.hotline.vocab import CASE_KINDS, TICKET_TYPES
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids.masking import mask_id_number, mask_name
from jiaoguan.kit.web import render

STATUS_CLASS = {"registered": "warn", "accepted": "warn", "in_service": "ok", "completed": "grey", "refused": "bad",
                "open": "warn", "waiting_caller": "grey", "closed": "grey", "on_time": "ok", "due_soon": "warn",
                "overdue": "bad", "stopped": "grey", "kept": "ok", "missed": "bad"}
SLA_LABELS = {"on_time": N_("On time"), "due_soon": N_("Due soon"), "overdue": N_("Overdue"),
              "stopped": N_("Clock stopped"), "kept": N_("Kept"), "missed": N_("Missed")}


def page(request: Request, user: Principal | None, template: str, status_code: int = 200, **ctx: Any) -> Response:
    return render(request, template, {
        "user": user, "status_class": STATUS_CLASS, "case_kinds": CASE_KINDS, "ticket_types": TICKET_TYPES,
        "case_label": EMERGENCY.label, "ticket_label": TICKET.label, "sla_labels": SLA_LABELS,
        "mask_id": mask_id_number, "mask_name": mask_name, **ctx,
    }, status_code=status_code)
