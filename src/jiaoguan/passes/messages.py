"""What the pass room tells people through the outbox; rendered in the recipient's language when delivered.

Parameters ending in `_msgid` are themselves translated (a refusal reason chosen from a list).
"""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

TEMPLATES: dict[str, tuple[str, str]] = {
    "pass_issued": (N_("Pass issued"),
                    N_("Pass %(pass_no)s for %(plate)s has been issued, valid %(start)s to %(end)s.")),
    "pass_refused": (N_("Pass application refused"),
                     N_("Your pass application for %(plate)s was refused: %(reason)s %(note)s")),
    "pass_revoked": (N_("Pass revoked"), N_("Pass %(pass_no)s for %(plate)s has been revoked: %(reason)s")),
    "pass_reissued": (N_("Pass re-issued"), N_("Pass %(pass_no)s for %(plate)s was re-issued with a new QR code; "
                                               "print or show the new one.")),
    "pass_review_due": (N_("Pass review due today"),
                        N_("Pass application #%(application)s (%(plate)s): the review is due today, %(due)s.")),
    "pass_review_overdue": (N_("Pass review overdue"),
                            N_("Pass application #%(application)s (%(plate)s): the review was due on %(due)s "
                               "and is overdue. Please handle it now.")),
    "pass_driver_link": (N_("Your e-pass"),
                         N_("E-pass %(pass_no)s for %(plate)s, valid until %(until)s: %(url)s — show it at the "
                            "checkpoint. Do not pass this link on.")),
}
