"""registry: persons, licences, vehicles, learner permits, preselected plates."""

from jiaoguan.accounts.roles import REGISTRY_READERS, Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import NavEntry, Room

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
)
