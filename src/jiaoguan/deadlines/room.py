"""deadlines (延期办): base rules, temporary measures, as-of evaluation, the nightly sweep."""

import datetime as dt

from jiaoguan.accounts.roles import SUPERVISORS, Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Job, NavEntry, Room

ROOM = Room(
    name="deadlines",
    models=("jiaoguan.deadlines.models", "jiaoguan.deadlines.sweep.models"),
    api="jiaoguan.deadlines.api:router",
    pages="jiaoguan.deadlines.pages:router",
    nav=(
        NavEntry(N_("My deadlines"), "/my/deadlines", frozenset({Role.citizen}), order=20),
        NavEntry(N_("May I penalise?"), "/enforcement/check", frozenset({Role.checkpoint_officer}), order=30),
        NavEntry(N_("Temporary measures"), "/measures", SUPERVISORS, order=30),
        NavEntry(N_("Edit measures"), "/admin/measures", frozenset({Role.admin}), order=31),
    ),
    jobs=(Job("deadlines.sweep", dt.timedelta(days=1), "jiaoguan.deadlines.jobs:nightly_sweep"),
          Job("deadlines.counts", dt.timedelta(seconds=10), "jiaoguan.deadlines.jobs:asked_counts"),
          # An administrator waits on the page for this one: every worker tick.
          Job("deadlines.previews", dt.timedelta(seconds=2), "jiaoguan.deadlines.jobs:measure_previews")),
    commands=(("deadlines", "jiaoguan.deadlines.commands:app"),
              ("measures", "jiaoguan.deadlines.measures.commands:app")),
    demo="jiaoguan.deadlines.demo:load_demo_part",
    templates="jiaoguan.deadlines.messages:TEMPLATES",
    figures="jiaoguan.deadlines.figures:recount",
    # The registry's pages state deadlines through this provider, so records and deadlines agree.
    extra={"registry.deadline_states": "jiaoguan.deadlines.record_states:states_for",
           # 容缺: the due date of an obligation the registry opens, from the measure in force.
           "registry.obligation_due": "jiaoguan.deadlines.checks:obligation_due"},
)
