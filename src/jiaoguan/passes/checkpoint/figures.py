"""Figures per checkpoint and day (Beijing time): vehicles released per hour, denials by reason, median
check time. The 2022 queues of 7–8 km (REFERENCE B.5) are what these numbers are meant to catch early."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.passes.checkpoint.scans import reason_texts
from jiaoguan.passes.models import Checkpoint, CheckpointScan


@dataclass(frozen=True)
class HourRow:
    hour: int
    released: int
    denied: int


@dataclass(frozen=True)
class DenialRow:
    reason: str
    count: int
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class CheckpointFigures:
    checkpoint: Checkpoint
    day: dt.date
    hours: list[HourRow]
    denials: list[DenialRow]
    total: int
    released: int
    median_check_ms: int | None
    offline: int

    @property
    def busiest(self) -> int:
        return max((h.released + h.denied for h in self.hours), default=0)

    def to_json(self) -> dict[str, object]:
        return {
            "checkpoint": self.checkpoint.code, "day": self.day.isoformat(), "total": self.total,
            "released": self.released, "denied": self.total - self.released, "offline": self.offline,
            "median_check_ms": self.median_check_ms,
            "per_hour": [{"hour": h.hour, "released": h.released, "denied": h.denied} for h in self.hours],
            "denials_by_reason": [{"reason": d.reason, "count": d.count, "message_zh": d.text_zh,
                                   "message_en": d.text_en} for d in self.denials],
        }


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), CHINA_TZ)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def checkpoint_figures(session: Session, checkpoint: Checkpoint, day: dt.date) -> CheckpointFigures:
    start, end = day_bounds(day)
    rows = session.execute(
        select(CheckpointScan.scanned_at, CheckpointScan.valid, CheckpointScan.reason, CheckpointScan.check_ms,
               CheckpointScan.source)
        .where(CheckpointScan.checkpoint_id == checkpoint.id, CheckpointScan.scanned_at >= start,
               CheckpointScan.scanned_at < end)
    ).all()
    released, denied = Counter[int](), Counter[int]()
    reasons = Counter[str]()
    times = []
    for r in rows:
        hour = r.scanned_at.astimezone(CHINA_TZ).hour
        if r.valid:
            released[hour] += 1
        else:
            denied[hour] += 1
            reasons[r.reason or "unknown"] += 1
        if r.check_ms:
            times.append(r.check_ms)
    denials = []
    for reason, count in reasons.most_common():
        zh, en = reason_texts(reason) if reason != "unknown" else ("?", "?")
        denials.append(DenialRow(reason, count, zh, en))
    return CheckpointFigures(
        checkpoint=checkpoint, day=day,
        hours=[HourRow(h, released[h], denied[h]) for h in range(24)],
        denials=denials, total=len(rows), released=sum(released.values()),
        median_check_ms=round(statistics.median(times)) if times else None,
        offline=sum(1 for r in rows if r.source == "offline"),
    )
