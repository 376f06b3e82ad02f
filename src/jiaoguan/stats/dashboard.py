"""The dashboard as data: per measure its headline figures (each with how it is counted) and its tables
(trend by day, by province or office, funnel, breakdowns); the page, the exports and the API all show this.

Built from a `Source`: `SqlSource` reads the maintained aggregates (the page's way); `MemorySource` holds a
recount from the rooms' raw data (the rebuild's and the benchmark's baseline). Both give the same dashboard.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.ids import PROVINCES
from jiaoguan.stats import queries
from jiaoguan.stats.catalog import (
    BY_METRIC,
    CHECK_MS_BOUNDS,
    FIGURES,
    FUNNELS,
    MEASURES,
    PEOPLE_HOW,
    Figure,
)
from jiaoguan.stats.queries import Reading, Scope
from jiaoguan.stats.rebuild import Totals

Cell = str | int | float | None


class Source(Protocol):
    def read(self, scope: Scope) -> Reading: ...


@dataclass(frozen=True)
class SqlSource:
    session: Session

    def read(self, scope: Scope) -> Reading:
        return queries.read(self.session, scope)


@dataclass(frozen=True)
class MemorySource:
    """The same answers from a recount held in memory (no aggregate table involved)."""

    recount: Totals

    def read(self, scope: Scope) -> Reading:
        return Reading(self.totals(scope), self.by_day(scope), self.by_region(scope), self.people(scope))

    def _rows(self, scope: Scope) -> list[tuple[Any, int]]:
        return [(k, v) for k, v in self.recount.counts.items()
                if scope.start <= k[0] <= scope.end and (not scope.province or k[1] == scope.province)
                and (not scope.office or k[2] == scope.office)]

    def totals(self, scope: Scope) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = defaultdict(int)
        last: dict[str, dt.date] = {}
        rows = self._rows(scope)
        for k, _ in rows:
            if BY_METRIC[k[4]].level:
                last[k[4]] = max(last.get(k[4], k[0]), k[0])
        for k, v in rows:
            if not BY_METRIC[k[4]].level or k[0] == last[k[4]]:
                out[(k[4], k[5])] += v
        return dict(out)

    def by_day(self, scope: Scope) -> dict[str, dict[dt.date, int]]:
        out: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        for k, v in self._rows(scope):
            out[k[4]][k[0]] += v
        return {m: dict(d) for m, d in out.items()}

    def by_region(self, scope: Scope) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for k, v in self._rows(scope):
            if not BY_METRIC[k[4]].level:
                out[k[4]][k[2] if scope.province else k[1]] += v
        return {m: dict(d) for m, d in out.items()}

    def people(self, scope: Scope) -> dict[str, int]:
        seen: dict[str, set[str]] = defaultdict(set)
        for measure, day, province, office, person in self.recount.persons:
            if scope.start <= day <= scope.end and (not scope.province or province == scope.province) \
                    and (not scope.office or office == scope.office):
                seen[measure].add(person)
        return {m: len(s) for m, s in seen.items()}


@dataclass(frozen=True)
class Headline:
    metric: str
    label: str      # msgid
    how: str        # msgid
    value: float | int | None
    shown: str      # total | median | average | share
    unit: str = ""  # msgid

    def text(self, locale: str | None = None) -> str:
        if self.value is None:
            return "—"
        if self.shown == "share":
            return f"{self.value:.1f} %"
        if self.shown == "median":
            return f"≤ {self.value:,} {translate(self.unit, locale)}" if self.value else "—"
        if self.shown == "average":
            return f"{self.value:,.1f} {translate(self.unit, locale)}"
        return f"{self.value:,}"


@dataclass(frozen=True)
class Table:
    id: str
    title: str                  # msgid
    columns: list[str]          # msgids (or plain codes)
    rows: list[list[Cell]]
    chart: str | None = None    # line | bar | funnel | None

    def header(self, locale: str | None = None) -> list[str]:
        return [translate(c, locale) for c in self.columns]


@dataclass
class MeasureView:
    measure: str
    name: str  # msgid
    people: int
    headlines: list[Headline] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Dashboard:
    scope: Scope
    measures: list[MeasureView]

    def tables(self) -> list[Table]:
        return [t for m in self.measures for t in m.tables]

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables() if t.id == table_id), None)


def region_name(code: str, national: bool) -> str:
    if national:
        return f"{code} {PROVINCES.get(code, '')}".strip()
    return code or "—"


def _median(buckets: dict[str, int]) -> int | None:
    total = sum(buckets.values())
    if not total:
        return None
    seen = 0
    for bound in CHECK_MS_BOUNDS:
        seen += buckets.get(f"le_{bound}", 0)
        if seen * 2 >= total:
            return bound
    return CHECK_MS_BOUNDS[-1] + 1


def _headline(f: Figure, sums: dict[str, int], dims: dict[str, dict[str, int]]) -> Headline:
    value: float | int | None = sums.get(f.metric, 0)
    if f.shown == "median":
        value = _median(dims.get(f.metric, {}))
    elif f.shown in ("average", "share"):
        over = sums.get(f.over, 0)
        value = (sums.get(f.metric, 0) / over * (100 if f.shown == "share" else 1)) if over else None
    return Headline(f.metric, f.label, f.how, value, f.shown, f.unit)


def _per_temporary_measure(dims: dict[str, dict[str, int]]) -> Table:
    """延期办 per temporary measure: the records it covers (every kind) and those whose penalty it waives."""
    covered: dict[str, int] = defaultdict(int)
    for dim, v in dims.get("deadlines.covered", {}).items():
        covered[dim.partition("|")[0]] += v
    waived = dims.get("deadlines.waived", {})
    return Table("m3-measures", N_("Per temporary measure"),
                 [N_("Measure"), N_("Records covered by temporary measures"), N_("Penalties waived")],
                 [[ref, n, waived.get(ref, 0)] for ref, n in sorted(covered.items())], chart="bar")


def build(source: Source, scope: Scope) -> Dashboard:
    """The whole dashboard for a scope: one reading from the source, the rest in memory."""
    reading = source.read(scope)
    totals, days, regions, people = reading.totals, reading.by_day, reading.by_region, reading.people
    sums: dict[str, int] = defaultdict(int)
    dims: dict[str, dict[str, int]] = defaultdict(dict)
    for (metric, dimension), v in totals.items():
        sums[metric] += v
        dims[metric][dimension] = v
    national = not scope.province
    all_days = [scope.start + dt.timedelta(days=i) for i in range((scope.end - scope.start).days + 1)]
    views = []
    for measure, name in MEASURES:
        figures = [f for f in FIGURES if f.measure == measure]
        view = MeasureView(measure, name, people.get(measure, 0))
        view.headlines = [Headline("people", N_("People served"), PEOPLE_HOW, view.people, "total")]
        view.headlines += [_headline(f, sums, dims) for f in figures]
        view.tables.append(Table(f"m{measure}-summary", N_("Figures"), [N_("Figure"), N_("Value"), N_("How counted")],
                                 [[h.label, h.text(), h.how] for h in view.headlines]))
        if not view.people and not any(sums.get(f.metric) for f in figures):
            views.append(view)  # nothing counted: the figures say so, no empty charts
            continue
        flows = [f for f in figures if f.shown == "total"]
        view.tables.append(Table(
            f"m{measure}-trend", N_("By day"), [N_("Day"), *(f.label for f in flows)],
            [[d.isoformat(), *(days.get(f.metric, {}).get(d, 0) for f in flows)] for d in all_days], chart="line"))
        region_flows = [f for f in flows if not f.level]
        if region_flows:
            names = sorted({r for f in region_flows for r in regions.get(f.metric, {})})
            view.tables.append(Table(
                f"m{measure}-regions", N_("By province") if national else N_("By office"),
                [N_("Province") if national else N_("Office"), *(f.label for f in region_flows)],
                [[region_name(r, national), *(regions.get(f.metric, {}).get(r, 0) for f in region_flows)]
                 for r in names], chart="bar"))
        if measure == "3" and dims.get("deadlines.covered"):
            view.tables.append(_per_temporary_measure(dims))
        if measure in FUNNELS:
            view.tables.append(Table(f"m{measure}-funnel", N_("Funnel of applications"), [N_("Step"), N_("Count")],
                                     [[BY_METRIC[m].label, sums.get(m, 0)] for m in FUNNELS[measure]],
                                     chart="funnel"))
        for f in figures:
            if f.by is not None and dims.get(f.metric):
                ordered = sorted(dims[f.metric].items(), key=lambda kv: (-kv[1], kv[0]))
                if f.shown == "average":  # a total per lane means little: its average over those served
                    per = dims.get(f.over, {})
                    view.tables.append(Table(
                        f"{f.metric}-by", f.label, [f.by_label, N_("Total"), N_("Average")],
                        [[f.dim_label(dim), v, round(v / per[dim], 1) if per.get(dim) else None]
                         for dim, v in ordered]))
                else:
                    view.tables.append(Table(f"{f.metric}-by", f.label, [f.by_label, N_("Value")],
                                             [[f.dim_label(dim), v] for dim, v in ordered]))
        views.append(view)
    return Dashboard(scope, views)


def to_json(board: Dashboard, locale: str | None = None) -> dict[str, Any]:
    """The dashboard as plain JSON, texts in `locale`; ids and codes stay as they are."""
    s = board.scope
    return {
        "start": s.start.isoformat(), "end": s.end.isoformat(), "province": s.province, "office": s.office,
        "measures": [{
            "measure": m.measure, "name": translate(m.name, locale), "people": m.people,
            "figures": [{"metric": h.metric, "label": translate(h.label, locale), "value": h.value,
                         "shown": h.shown, "text": h.text(locale), "how_counted": translate(h.how, locale)}
                        for h in m.headlines],
            "tables": [table_json(t, locale) for t in m.tables],
        } for m in board.measures],
    }


def table_json(t: Table, locale: str | None = None) -> dict[str, Any]:
    return {"id": t.id, "title": translate(t.title, locale), "columns": t.header(locale), "chart": t.chart,
            "rows": [[translate(c, locale) if isinstance(c, str) else c for c in r]
                     for r in t.rows]}
