"""notify: message templates and the channels that deliver the outbox (development SMS, in-app)."""

from jiaoguan.kit.rooms import Room

ROOM = Room(
    name="notify",
    models=("jiaoguan.notify.models",),
    templates="jiaoguan.notify.templates:TEMPLATES",
    pumps=("jiaoguan.notify.delivery:deliver_once",),
)
