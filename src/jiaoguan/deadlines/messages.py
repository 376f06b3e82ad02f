"""What the deadlines room tells people through the outbox (the sweep's reminders); rendered in the
recipient's language when delivered. `what_msgid` is the deadline kind's name, itself translated."""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

TEMPLATES: dict[str, tuple[str, str]] = {
    "deadline_reminder": (N_("Deadline reminder"),
                          N_("Reminder: %(what)s is due on %(due)s (%(days)s days left).")),
    # A vehicle's (or a held plate number's) deadline: the plate tells the owner's vehicles apart.
    "plate_deadline_reminder": (N_("Deadline reminder"),
                                N_("Reminder: %(what)s of %(plate)s is due on %(due)s (%(days)s days left).")),
    "obligation_reminder": (N_("Outstanding item"),
                            N_("Reminder: please hand in %(what)s by %(due)s.")),
}
