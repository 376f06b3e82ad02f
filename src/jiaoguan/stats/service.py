"""What the page, the exports and the API ask: the dashboard for a period and a region the reader may see."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import Forbidden, InvalidInput
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.ids import PROVINCES
from jiaoguan.kit.settings import get_settings
from jiaoguan.stats import queries
from jiaoguan.stats.dashboard import Dashboard, SqlSource, Table, build
from jiaoguan.stats.queries import Scope

MAX_DAYS = 3 * 366
T = TypeVar("T")


class OutOfProvince(Forbidden):
    code = "stats.out_of_province"
    message = N_("You may only see the figures of your own province.")


class BadPeriod(InvalidInput):
    code = "stats.bad_period"
    message = N_("Give the period as two dates, YYYY-MM-DD, the first not after the last, at most three years.")


class UnknownProvince(InvalidInput):
    code = "stats.unknown_province"
    message = N_("There is no province with this code.")


class UnknownTable(InvalidInput):
    code = "stats.unknown_table"
    message = N_("There is no such table on the dashboard.")


@dataclass(frozen=True)
class Period:
    key: str
    label: str  # msgid


PERIODS = (Period("today", N_("Today")), Period("week", N_("Last 7 days")), Period("all", N_("Since it began")))


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadPeriod(field="start") from None


def scope_for(session: Session, user: Principal, *, start: str | None = None, end: str | None = None,
              period: str | None = None, province: str | None = None, office: str | None = None) -> Scope:
    """The scope asked for, as far as `user` may see it: a supervisor of a province sees only that province
    (asking for another is refused); an administrator sees the nation, any province or any office."""
    last = _date(end) or today()
    first = _date(start)
    if period == "today":
        first, last = today(), today()
    elif period == "all":
        first, last = min(queries.first_day(session) or today(), today()), today()
    elif first is None:
        first = last - dt.timedelta(days=6)
    if first > last or (last - first).days >= MAX_DAYS:
        raise BadPeriod(field="start")
    province = (province or "").strip() or None
    if province is not None and province not in PROVINCES:
        raise UnknownProvince(field="province")
    if user.role != Role.admin and user.province_code:
        if province is not None and province != user.province_code:
            raise OutOfProvince()
        province = user.province_code
    office = (office or "").strip()[:20] or None
    return Scope(first, last, province, office)


_CACHE_SIZE = 256
_cache: dict[object, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def cached(key: object, make: Callable[[], T]) -> T:
    """`make()` reused for `stats_cache_seconds` by this process (the page, its exports and the API of one
    period and region within seconds read the same figures once)."""
    ttl = get_settings().stats_cache_seconds
    if ttl <= 0:
        return make()
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < ttl:
        value: T = hit[1]
        return value
    value = make()
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = (now, value)
    return value


def dashboard(session: Session, scope: Scope) -> Dashboard:
    """The dashboard of a scope from the maintained aggregates (built once per scope every few seconds)."""
    return cached(scope, lambda: build(SqlSource(session), scope))


def offices(session: Session, province: str | None) -> list[str]:
    return cached(("offices", province), lambda: queries.offices(session, province))


def table_of(board: Dashboard, table_id: str) -> Table:
    table = board.table(table_id)
    if table is None:
        raise UnknownTable(field="table")
    return table


def csv_bytes(tables: list[Table], locale: str | None = None) -> bytes:
    """UTF-8 with a BOM (so Excel opens Chinese correctly); several tables are separated by a blank line,
    each under its title."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, t in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([f"{t.id}: {translate(t.title, locale)}"])
        writer.writerow(t.header(locale))
        for row in t.rows:
            writer.writerow([translate(c, locale) if isinstance(c, str) else ("" if c is None else c) for c in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
