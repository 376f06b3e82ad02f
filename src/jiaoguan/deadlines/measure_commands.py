"""`jiaoguan measures …`, where the command line finds it; the commands live in `measures.commands`."""

from jiaoguan.deadlines.measures.commands import app

__all__ = ["app"]
