"""registry: persons, licences, vehicles, learner permits, preselected plates, and what businesses change
in them (`registry.changes`, `registry.checks`): documents, deferrals, temporary plates, violations and
points, 容缺 obligations.

Events it emits: `registry.changed` (one per effect), `registry.obligation_opened`,
`registry.obligation_closed` and `registry.obligation_overdue` (payloads carry province, day and person; the
business room re-emits the overdue one as `business.obligation_overdue` for the figures).
"""

import datetime as dt

from jiaoguan.accounts.roles import REGISTRY_READERS, Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Job, NavEntry, Room

ROOM = Room(
    name="registry",
    models=("jiaoguan.registry.models",),
    api="jiaoguan.registry.api:router",
    pages="jiaoguan.registry.pages:router",
    nav=(
        NavEntry(N_("My licences and vehicles"), "/my/records", frozenset({Role.citizen}), order=10),
        NavEntry(N_("Our fleet"), "/enterprise/fleet", frozenset({Role.enterprise_agent}), order=10),
        NavEntry(N_("Registry search"), "/registry/search", frozenset(REGISTRY_READERS), order=10),
    ),
    jobs=(Job("registry.obligations", dt.timedelta(days=1), "jiaoguan.registry.changes.obligations:job"),),
    templates="jiaoguan.registry.messages:TEMPLATES",
    demo="jiaoguan.registry.demo:load_demo_part",
)
