"""Periodic work of the pass room, run by `jiaoguan worker` (and the in-process worker of `serve`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jiaoguan.notify.worker import periodic
from jiaoguan.passes.applications.sla import escalate_reviews


@periodic("passes.review_sla", dt.timedelta(hours=1))
def review_sla(session: Session) -> object:
    return escalate_reviews(session)
