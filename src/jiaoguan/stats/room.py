"""stats: the six measures' figures, kept as aggregates that the rooms' domain events maintain."""

import datetime as dt

from jiaoguan.accounts.roles import SUPERVISORS
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Handler, Job, NavEntry, Room
from jiaoguan.stats.catalog import EVENTS


def _handler_name(event: str) -> str:
    # pass.revoked kept the name it had before the dashboard, so its receipts stay valid.
    return "stats.count_pass_revoked" if event == "pass.revoked" else f"stats.count:{event}"


ROOM = Room(
    name="stats",
    models=("jiaoguan.stats.models",),
    api="jiaoguan.stats.api:router",
    pages="jiaoguan.stats.pages:router",
    nav=(NavEntry(N_("Figures of the measures"), "/stats", frozenset(SUPERVISORS), order=15),),
    jobs=(Job("stats.levels", dt.timedelta(minutes=10), "jiaoguan.stats.jobs:refresh_levels"),),
    commands=(("stats", "jiaoguan.stats.commands:app"),),
    demo="jiaoguan.stats.demo:load_demo_part",
    handlers=tuple(Handler(event, _handler_name(event), "jiaoguan.stats.handlers:count") for event in EVENTS),
)
