"""hotline (急事急办 + 专线服务电话): emergency cases with one owner from start to end, and the hotline desk."""

import datetime as dt

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Job, NavEntry, Room

# The domain events this room emits (the shared contract; payloads carry province, day, office, person).
EVENTS = ("hotline.ticket_opened", "hotline.ticket_closed", "hotline.emergency_opened", "hotline.emergency_closed")

ROOM = Room(
    name="hotline",
    models=("jiaoguan.hotline.models",),
    api="jiaoguan.hotline.api:router",
    pages="jiaoguan.hotline.pages:router",
    nav=(
        NavEntry(N_("Hotline desk"), "/hotline/desk", frozenset({Role.hotline_agent}), order=10),
        NavEntry(N_("Callbacks"), "/hotline/callbacks", frozenset({Role.hotline_agent}), order=11),
        NavEntry(N_("Common answers"), "/hotline/answers", frozenset({Role.hotline_agent, Role.admin}), order=12),
        NavEntry(N_("Emergency cases"), "/hotline/emergency",
                 frozenset({Role.window_clerk, Role.supervisor, Role.hotline_agent}), order=15),
        NavEntry(N_("Hotline SLA"), "/hotline/sla", frozenset({Role.supervisor, Role.admin}), order=40),
        NavEntry(N_("My calls and cases"), "/hotline/mine", frozenset({Role.citizen}), order=40),
    ),
    jobs=(Job("hotline.callbacks_due", dt.timedelta(minutes=5), "jiaoguan.hotline.tickets:remind_due_callbacks"),),
    commands=(("hotline", "jiaoguan.hotline.commands:app"),),
    demo="jiaoguan.hotline.demo:load_demo_part",
    templates="jiaoguan.hotline.messages:TEMPLATES",
    figures="jiaoguan.hotline.figures:recount",
    extra={"events": EVENTS},
)
