"""passes (特事特办): key-material transport passes — application, issuance, signing, offline verification."""

import datetime as dt

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Job, NavEntry, Room

ROOM = Room(
    name="passes",
    models=("jiaoguan.passes.models",),
    api="jiaoguan.passes.api:router",
    pages="jiaoguan.passes.pages:router",
    lanes="jiaoguan.passes.lane:routes",
    nav=(
        NavEntry(N_("Transport passes"), "/passes/mine", frozenset({Role.enterprise_agent}), order=20),
        NavEntry(N_("Verify a pass"), "/checkpoint/verify", frozenset({Role.checkpoint_officer}), order=20),
        NavEntry(N_("Pass review"), "/passes/review", frozenset({Role.pass_issuer}), order=10),
        NavEntry(N_("My documents"), "/my/documents", frozenset({Role.citizen}), order=15),
    ),
    jobs=(Job("passes.review_sla", dt.timedelta(hours=1), "jiaoguan.passes.jobs:review_sla"),),
    commands=(("pass", "jiaoguan.passes.commands:app"),),
    demo="jiaoguan.passes.demo:load_demo_part",
    templates="jiaoguan.passes.messages:TEMPLATES",
    figures="jiaoguan.passes.figures:recount",
)
