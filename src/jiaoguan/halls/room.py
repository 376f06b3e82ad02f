"""halls (便捷办): offices and windows, opening hours, slots, bookings, fair allocation, the on-site queue,
kiosks and the display board."""

from jiaoguan.kit.rooms import Room

ROOM = Room(
    name="halls",
    models=("jiaoguan.halls.models",),
    templates="jiaoguan.halls.messages:TEMPLATES",
)
