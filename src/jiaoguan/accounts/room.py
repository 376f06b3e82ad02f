"""accounts: users and roles, sign-in, sessions, device tokens."""

from jiaoguan.kit.rooms import Room

ROOM = Room(
    name="accounts",
    models=("jiaoguan.accounts.models",),
    api="jiaoguan.accounts.api:router",
    pages="jiaoguan.accounts.pages:router",
    commands=(("user", "jiaoguan.accounts.commands:app"),),
)
