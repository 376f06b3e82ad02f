"""The hotline's lists: kinds of emergency case and of call (English msgids, shown translated)."""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

CASE_KINDS = {
    "ambulance": N_("Ambulance (救护车)"),
    "epidemic_vehicle": N_("Epidemic-response vehicle"),
    "epidemic_staff": N_("Epidemic-response staff"),
}
TICKET_TYPES = {
    "consultation": N_("Consultation"),
    "help": N_("Help request"),
    # Its own msgid: "Appointment" alone is the pass and service-request pages' word for an appointment *time*
    # (预约时间); one merged catalogue would give this kind of call that translation.
    "appointment": N_("Appointment request"),
}
