"""halls (便捷办): offices and windows, opening hours, slots, bookings, fair allocation, the on-site queue,
kiosks and the display board."""

import datetime as dt

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.rooms import Handler, Job, NavEntry, Room

ROOM = Room(
    name="halls",
    models=("jiaoguan.halls.models",),
    api="jiaoguan.halls.api:router",
    pages="jiaoguan.halls.pages:router",
    nav=(
        NavEntry(N_("Book an appointment"), "/halls/book", frozenset({Role.citizen, Role.hotline_agent}), order=30),
        NavEntry(N_("My appointments"), "/halls/mine", frozenset({Role.citizen}), order=31),
        NavEntry(N_("Window console"), "/halls/console", frozenset({Role.window_clerk}), order=10),
        NavEntry(N_("Hall view"), "/halls/hall", frozenset({Role.supervisor, Role.admin}), order=30),
        NavEntry(N_("Hall schedule"), "/halls/schedule", frozenset({Role.admin}), order=31),
    ),
    jobs=(
        Job("halls.expire_holds", dt.timedelta(minutes=1), "jiaoguan.halls.jobs:expire_holds"),
        Job("halls.no_shows", dt.timedelta(minutes=10), "jiaoguan.halls.jobs:mark_no_shows"),
        Job("halls.slots", dt.timedelta(hours=6), "jiaoguan.halls.jobs:generate_slots"),
        Job("halls.allocations", dt.timedelta(hours=1), "jiaoguan.halls.jobs:run_allocations"),
    ),
    demo="jiaoguan.halls.demo:load_demo_part",
    figures="jiaoguan.halls.figures:recount",
    templates="jiaoguan.halls.messages:TEMPLATES",
    handlers=(Handler("business.booking_requested", "halls.book_for_business",
                      "jiaoguan.halls.handlers:on_booking_requested"),),
)
