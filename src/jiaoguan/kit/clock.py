"""One clock for the whole product, injectable so every rule can be replayed "as of" a date."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that stands still (tests, replays); `advance` moves it on."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> dt.datetime:
        return self._at

    def advance(self, delta: dt.timedelta) -> None:
        self._at += delta


_clock: Clock = SystemClock()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> None:
    global _clock
    _clock = clock


def utc_now() -> dt.datetime:
    return _clock.now().astimezone(dt.UTC)


def today() -> dt.date:
    """The civil date in China: deadlines and working days are Beijing-time dates."""
    return _clock.now().astimezone(CHINA_TZ).date()


def on_china_days(column: Any, start: dt.date | None, end: dt.date | None) -> list[Any]:
    """Conditions on a time column for the Beijing days `start` to `end` inclusive (either open): a figure of a day
    counts what happened on that day in China, whatever the server's zone."""
    where = []
    if start is not None:
        where.append(column >= dt.datetime.combine(start, dt.time(0), CHINA_TZ))
    if end is not None:
        where.append(column < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), CHINA_TZ))
    return where
