"""What the business room tells people through the outbox; rendered in the reader's language when delivered.

`%(business)s` is the business's name in the applicant's language (the application keeps it); `%(items)s` is
the 一次告知 list, rendered in the applicant's language when the seat sends it.
"""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

TEMPLATES: dict[str, tuple[str, str]] = {
    "business_submitted": (N_("Application received"),
                           N_("Your application #%(id)s (%(business)s) has been received.")),
    "business_accepted": (N_("Application accepted"),
                          N_("Your application #%(id)s (%(business)s) has been accepted (受理); it is due by "
                             "%(due)s.")),
    "business_correction": (N_("Please complete your application"),
                            N_("Your application #%(id)s (%(business)s) needs the following, all at once "
                               "(一次告知):\n%(items)s")),
    "business_approved": (N_("Application approved"),
                          N_("Your application #%(id)s (%(business)s) has been approved.")),
    "business_rejected": (N_("Application rejected"),
                          N_("Your application #%(id)s (%(business)s) was rejected: %(reason)s")),
    "business_issued": (N_("Result issued"),
                        N_("The result of your application #%(id)s (%(business)s) is ready: %(delivery)s "
                           "%(tracking)s")),
    "business_sla_due": (N_("Case due today"),
                         N_("Application #%(id)s (%(business_code)s) is due today, %(due)s.")),
    "business_sla_overdue": (N_("Case overdue"),
                             N_("Application #%(id)s (%(business_code)s) was due on %(due)s and is overdue.")),
    "business_sla_escalated": (N_("Overdue case escalated"),
                               N_("Application #%(id)s (%(business_code)s) was due on %(due)s and is overdue; "
                                  "please see to it.")),
    "business_service_scheduled": (N_("Service scheduled"),
                                   N_("Your request #%(id)s for batch or door-to-door service is scheduled for "
                                      "%(when)s.")),
    "business_service_cancelled": (N_("Service request cancelled"),
                                   N_("Your request #%(id)s for batch or door-to-door service was cancelled by "
                                      "the vehicle office.")),
    "business_deferral_reminder": (N_("Deferred deadline approaching"),
                                   N_("Your deferral of the %(matter)s ends on %(until)s (%(days)s day(s) left). "
                                      "You may not drive until it is done: please handle it before then.")),
}
