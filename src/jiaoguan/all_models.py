"""Imports every room's models so the metadata is complete (Alembic, tests)."""

from __future__ import annotations

from jiaoguan.kit.db import Base
from jiaoguan.kit.plugins import import_optional

MODULES = ["jiaoguan.kit.audit", "jiaoguan.kit.outbox", "jiaoguan.kit.calendar_models", "jiaoguan.notify.models",
           "jiaoguan.notify.worker"]
DOMAINS = ("accounts", "registry", "deadlines", "passes", "business", "halls", "hotline", "stats")


def load() -> type[Base]:
    for module in MODULES + [f"jiaoguan.{d}.models" for d in DOMAINS]:
        import_optional(module)
    return Base
