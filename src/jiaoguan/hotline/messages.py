"""What the hotline room tells people through the outbox; rendered in the recipient's language when delivered."""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

TEMPLATES: dict[str, tuple[str, str]] = {
    "hotline_emergency_registered": (
        N_("Emergency case registered"),
        N_("Your emergency case #%(case)s (%(unit)s) is registered and will be handled within %(hours)s hours.")),
    "hotline_emergency_waiting": (
        N_("Emergency case waiting"),
        N_("Emergency case #%(case)s (%(unit)s) waits for a clerk to accept it; it is due within %(hours)s hours.")),
    "hotline_emergency_accepted": (
        N_("Emergency case accepted"),
        N_("Your emergency case #%(case)s is accepted; %(owner)s handles it from start to end.")),
    "hotline_emergency_completed": (
        N_("Emergency case completed"), N_("Your emergency case #%(case)s is completed.")),
    "hotline_emergency_refused": (
        N_("Emergency case refused"), N_("Your emergency case #%(case)s was refused: %(reason)s")),
    "hotline_emergency_ticket": (
        N_("Your emergency-window ticket"),
        N_("Emergency case #%(case)s: your ticket is %(number)s at %(office)s; the emergency window calls it first.")),
    "hotline_ticket_opened": (
        N_("Hotline ticket opened"),
        N_("Your call is recorded as ticket #%(ticket)s; we answer within %(hours)s working hours.")),
    "hotline_ticket_closed": (
        N_("Hotline ticket closed"), N_("Your hotline ticket #%(ticket)s is closed.")),
    "hotline_callback_due": (
        N_("Callback due"), N_("Call back the caller of ticket #%(ticket)s by %(due)s.")),
}
