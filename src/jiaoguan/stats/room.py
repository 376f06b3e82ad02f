"""stats: the six measures' figures, kept as aggregates that the rooms' domain events maintain."""

from jiaoguan.kit.rooms import Handler, Room

ROOM = Room(
    name="stats",
    models=("jiaoguan.stats.models",),
    handlers=(Handler("pass.revoked", "stats.count_pass_revoked", "jiaoguan.stats.handlers:count_pass_revoked"),),
)
