"""Imports every room's models so the metadata is complete (Alembic, tests)."""

from __future__ import annotations

import importlib

from jiaoguan.kit.db import Base

MODULES = ["jiaoguan.kit.audit", "jiaoguan.kit.outbox", "jiaoguan.kit.calendar_models", "jiaoguan.notify.models",
           "jiaoguan.notify.worker"]
DOMAINS = ("accounts", "registry", "deadlines", "passes", "business", "halls", "hotline", "stats")


def load() -> type[Base]:
    for module in MODULES + [f"jiaoguan.{d}.models" for d in DOMAINS]:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return Base
