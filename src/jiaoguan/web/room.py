"""web: the page shell — home, language and large-text switches, the audit trail, admin tools."""

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import NavEntry, Room

ROOM = Room(
    name="web",
    pages="jiaoguan.web.pages:router",
    nav=(
        NavEntry(N_("Audit trail"), "/admin/audit", frozenset({Role.supervisor, Role.admin}), order=20),
        NavEntry(N_("Development SMS"), "/admin/dev-sms", frozenset({Role.admin}), order=25),
        NavEntry(N_("Deliveries and events"), "/admin/outbox", frozenset({Role.admin}), order=26),
    ),
)
