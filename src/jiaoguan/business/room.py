"""business (网上办 + 容缺办): the catalogue of businesses as data, applications worked by seats on working-day
SLAs, 一次告知, proxies, identity levels, documents, post delivery; effects on the register through the
registry room."""

import datetime as dt

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Handler, Job, NavEntry, Room

ROOM = Room(
    name="business",
    models=("jiaoguan.business.models",),
    api="jiaoguan.business.api:router",
    pages="jiaoguan.business.pages:router",
    nav=(
        NavEntry(N_("Online business"), "/business", frozenset({Role.citizen}), order=15),
        NavEntry(N_("My applications"), "/business/mine", frozenset({Role.citizen}), order=16),
        NavEntry(N_("Business inbox"), "/business/inbox",
                 frozenset({Role.online_seat, Role.window_clerk, Role.supervisor}), order=10),
        NavEntry(N_("SLA board"), "/business/board", frozenset({Role.supervisor, Role.admin}), order=30),
        NavEntry(N_("Business catalogue"), "/business/admin/catalogue", frozenset({Role.admin}), order=30),
    ),
    jobs=(Job("business.sla_escalation", dt.timedelta(hours=1), "jiaoguan.business.jobs:sla_escalation"),),
    commands=(("business", "jiaoguan.business.commands:app"),),
    demo="jiaoguan.business.demo:load_demo_part",
    figures="jiaoguan.business.figures:recount",
    templates="jiaoguan.business.messages:TEMPLATES",
    handlers=(Handler("registry.obligation_overdue", "business.obligation_overdue",
                      "jiaoguan.business.obligations:on_registry_overdue"),),
)
