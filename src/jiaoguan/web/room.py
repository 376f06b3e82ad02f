"""web: the page shell — home, language and large-text switches, the audit trail, admin tools."""

import datetime as dt

from jiaoguan.accounts.roles import SUPERVISORS, Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Job, NavEntry, Room

ROOM = Room(
    name="web",
    pages="jiaoguan.web.pages:router",
    nav=(
        NavEntry(N_("Messages"), "/my/messages", frozenset(Role), order=90),
        NavEntry(N_("Audit trail"), "/admin/audit", SUPERVISORS, order=20),
        NavEntry(N_("Development SMS"), "/admin/dev-sms", frozenset({Role.admin}), order=25),
        NavEntry(N_("Users"), "/admin/users", frozenset({Role.admin}), order=22),
        NavEntry(N_("Working-day calendar"), "/admin/calendar", frozenset({Role.admin}), order=24),
        NavEntry(N_("Deliveries and events"), "/admin/outbox", frozenset({Role.admin}), order=26),
    ),
    # The audit trail's upkeep: chain what after-commit chainers left (a busy head, a process that died right
    # after commit), and sign a checkpoint every JIAOGUAN_AUDIT_CHECKPOINT_MINUTES (the job decides).
    jobs=(Job("audit.chain", dt.timedelta(seconds=5), "jiaoguan.kit.audit:chain_job"),
          Job("audit.checkpoint", dt.timedelta(minutes=1), "jiaoguan.kit.audit:checkpoint_job")),
)
