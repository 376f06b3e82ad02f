"""accounts: users and roles, sign-in, sessions, device tokens."""

import datetime as dt

from jiaoguan.kit.rooms import Job, Room

ROOM = Room(
    name="accounts",
    models=("jiaoguan.accounts.models",),
    api="jiaoguan.accounts.api:router",
    pages="jiaoguan.accounts.pages:router",
    commands=(("user", "jiaoguan.accounts.commands:app"),),
    # Back-off rows and send counters are kept only as long as they can matter (24 h; windows of an hour).
    jobs=(Job("accounts.forget_counters", dt.timedelta(hours=1), "jiaoguan.accounts.service:forget_old_counters"),),
)
