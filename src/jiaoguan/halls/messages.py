"""What the halls room tells people through the outbox (rendered in the reader's language on delivery)."""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

TEMPLATES: dict[str, tuple[str, str]] = {
    "hall_booking_confirmed": (N_("Appointment confirmed"),
                               N_("Your appointment at %(office)s on %(day)s at %(time)s is confirmed. "
                                  "Check-in code: %(code)s.")),
    "hall_booking_moved": (N_("Appointment moved"),
                           N_("The hall is closed at the time of your appointment (%(reason)s). It was moved to "
                              "%(day)s at %(time)s at %(office)s.")),
    "hall_booking_cancelled_blackout": (N_("Appointment cancelled"),
                                        N_("The hall is closed at the time of your appointment on %(day)s at "
                                           "%(time)s (%(reason)s) and no other time was free. Please book again.")),
    # 代办: the principal hears of what a proxy they authorised booked or cancelled for them.
    "hall_booking_by_proxy": (N_("Appointment booked for you"),
                              N_("%(proxy)s booked an appointment for you: %(group)s at %(office)s on "
                                 "%(day)s at %(time)s. Check-in code: %(code)s. You can see or cancel it under "
                                 "My appointments.")),
    "hall_booking_cancelled_by_proxy": (N_("Appointment cancelled for you"),
                                        N_("%(proxy)s cancelled your appointment: %(group)s at %(office)s "
                                           "on %(day)s at %(time)s.")),
    "hall_allocation_result": (N_("Allocation result"),
                               N_("Allocation for %(group)s on %(day)s at %(office)s: you are number "
                                  "%(position)s; %(outcome)s")),
}
