"""The installed rooms, bottom layer first: the one list to edit when a room is added or removed.

Each entry names a room's declaration module (`<room>/room.py`, which holds `ROOM`). The order is the
layers' order (ARCHITECTURE.md): demo data loads in it, navigation follows it, and a room's handlers
and jobs may rely on the rooms before it.
"""

INSTALLED: tuple[str, ...] = (
    "jiaoguan.notify.room",
    "jiaoguan.accounts.room",
    "jiaoguan.registry.room",
    "jiaoguan.deadlines.room",
    "jiaoguan.passes.room",
    "jiaoguan.business.room",
    "jiaoguan.halls.room",
    "jiaoguan.hotline.room",
    "jiaoguan.stats.room",
    "jiaoguan.web.room",
)
