"""The bulk sweep (批量处理): statuses and reminders for every record, as of one date, set-based.

    sweep(session, on, *, batch=50_000, offsets=(30, 7, 1), progress=None) -> SweepReport

How it works: the engine is asked once per distinct key (`plan`), its answers go into the run's
scratch table, and SQL applies them to all records by joining on the key (`sql`), one id range
(`batch` ids) of one table at a time. Each range is committed with the run's progress
(`deadline_sweep_run.phase` / `next_id`), so a run that crashed continues where it stopped. Statuses
only move forward and reminders carry a dedupe key, so a second run on the same date changes nothing
and sends nothing. One audit record per finished run carries the counts.

The sweep commits (per range): call it with a session of its own, not inside a request.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Executable, delete, insert, select, text
from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.deadlines.sweep.models import SweepRegion, SweepRun, SweepTerm
from jiaoguan.deadlines.sweep.plan import (
    DEFAULT_OFFSETS,
    PHASES,
    SUBJECTS,
    Key,
    Term,
    key_spec,
    plan_terms,
    province_groups,
)
from jiaoguan.deadlines.sweep.sql import OUTBOX, PHASE_TABLES, distinct_keys, id_bounds, reminder_insert, status_updates
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import is_postgres
from jiaoguan.kit.errors import Conflict, InvalidInput
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.statistics import analyze

DEFAULT_BATCH = 50_000
LEASE = dt.timedelta(minutes=10)   # a run not heard of for this long is taken as crashed
INSERT_ROWS = 5_000
WORK_MEM = "64MB"
Progress = Callable[[str, int, int], None]   # (phase, ids done in the phase, ids in the phase)


class SweepBusy(Conflict):
    code = "deadlines.sweep_busy"
    message = N_("A sweep as of %(on)s is already running; it holds its lease until %(until)s.")


class BadOffsets(InvalidInput):
    code = "deadlines.bad_offsets"
    message = N_("Reminder offsets must be whole numbers of days from 0 to 366, e.g. 30,7,1.")


@dataclass
class SweepReport:
    run_id: int
    on: dt.date
    resumed: bool
    counts: dict[str, int] = field(default_factory=dict)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def updates(self) -> int:
        return sum(v for k, v in self.counts.items() if not k.startswith(("reminders", "terms")))

    @property
    def messages(self) -> int:
        return sum(v for k, v in self.counts.items() if k.startswith("reminders"))

    def to_json(self) -> dict[str, object]:
        return {"run_id": self.run_id, "on": self.on.isoformat(), "resumed": self.resumed, "chunks": self.chunks,
                "seconds": round(self.seconds, 3), "updates": self.updates, "messages": self.messages,
                "counts": dict(sorted(self.counts.items()))}


def parse_offsets(text: str | Sequence[int]) -> tuple[int, ...]:
    try:
        values = [int(v) for v in (text.split(",") if isinstance(text, str) else text) if str(v).strip()]
    except ValueError:
        raise BadOffsets(field="offsets") from None
    if not values or any(v < 0 or v > 366 for v in values):
        raise BadOffsets(field="offsets")
    return tuple(sorted(set(values), reverse=True))


def sweep(session: Session, on: dt.date, *, batch: int = DEFAULT_BATCH, offsets: Sequence[int] = DEFAULT_OFFSETS,
          measures: Sequence[Measure] | None = None, progress: Progress | None = None) -> SweepReport:
    started = time.perf_counter()
    offsets = parse_offsets(offsets)
    run, resumed = _claim(session, on, max(1, batch), offsets)
    offsets = parse_offsets(run.offsets)
    judged = tuple(stored_measures(session) if measures is None else measures)
    run.measures = ",".join(m.ref for m in judged)
    counts: dict[str, int] = json.loads(run.counts_json)
    spans = _prepare(session, run, on, judged, offsets)
    counts["terms"] = spans.terms
    session.commit()
    report = SweepReport(run.id, on, resumed, counts)
    phases = list(PHASES)
    for phase in phases[phases.index(run.phase):] if run.phase in PHASES else []:
        _sweep_phase(session, run, phase, judged, spans, report, max(1, batch), progress)
        following = phases.index(phase) + 1
        run.phase, run.next_id = (phases[following], 0) if following < len(phases) else ("finished", 0)
        session.commit()
    _finish(session, run, report)
    report.seconds = time.perf_counter() - started
    return report


def _claim(session: Session, on: dt.date, batch: int, offsets: tuple[int, ...]) -> tuple[SweepRun, bool]:
    """Continue the unfinished run for `on` whose lease ran out, or start a new one."""
    now = utc_now()
    run = session.execute(select(SweepRun).where(SweepRun.on_date == on, SweepRun.status == "running")
                          .order_by(SweepRun.id.desc()).limit(1).with_for_update()).scalar_one_or_none()
    if run is not None:
        if run.lease_until is not None and run.lease_until > now:
            raise SweepBusy(on=on.isoformat(), until=run.lease_until.isoformat(timespec="seconds"))
        run.lease_until, run.batch = now + LEASE, batch
        session.commit()
        return run, True
    run = SweepRun(on_date=on, status="running", batch=batch, offsets=",".join(map(str, offsets)),
                   phase=next(iter(PHASES)), next_id=0, counts_json="{}", measures="", started_at=now,
                   lease_until=now + LEASE, finished_at=None)
    session.add(run)
    session.commit()
    return run, False


@dataclass
class Spans:
    """The due dates the run's terms cover, per (subject, "status" | "remind"): records outside them
    cannot match, so each statement skips them, and a statement with no terms at all is not run."""

    terms: int = 0
    ranges: dict[tuple[str, str], tuple[dt.date, dt.date]] = field(default_factory=dict)

    def add(self, term: Term) -> None:
        self.terms += 1
        if term.overdue or term.consequence or term.missed:
            self._widen((term.subject, "status"), term.key.due)
        if term.remind_offset is not None:
            self._widen((term.subject, "remind"), term.key.due)

    def _widen(self, key: tuple[str, str], due: dt.date) -> None:
        lo, hi = self.ranges.get(key, (due, due))
        self.ranges[key] = (min(lo, due), max(hi, due))

    def get(self, subject: str, purpose: str) -> tuple[dt.date, dt.date] | None:
        return self.ranges.get((subject, purpose))


def _prepare(session: Session, run: SweepRun, on: dt.date, measures: Sequence[Measure],
             offsets: Sequence[int]) -> Spans:
    """(Re)compute the run's terms: deterministic, so a resumed run gets the same ones."""
    _clear(session, run.id)
    dialect = session.get_bind().dialect.name
    groups = province_groups(measures, on)
    session.execute(insert(SweepRegion), [{"run_id": run.id, "province_code": p, "grp": g}
                                          for p, g in groups.items()])
    horizon = on + dt.timedelta(days=max(offsets))
    spans = Spans()
    for subject in SUBJECTS:
        keys = keys_of(session, subject, measures, on, dialect, horizon)
        write_terms(session, run.id, plan_terms(subject, keys, on, measures, groups, offsets), spans)
    analyze_scratch(session)
    return spans


def analyze_scratch(session: Session) -> None:
    # Without statistics PostgreSQL takes the fresh scratch rows for one and walks the records by due date
    # for each of them, across every chunk; with them it scans the chunk and hash-joins the answers.
    if is_postgres(session):
        session.execute(text("ANALYZE deadline_sweep_term, deadline_sweep_region"))


def keys_of(session: Session, subject: str, measures: Sequence[Measure], on: dt.date, dialect: str,
          horizon: dt.date | None) -> list[Key]:
    spec = key_spec(subject, measures, on)
    return [Key(_day(row[0]), row[1] or "", _day(row[2]))
            for row in session.execute(distinct_keys(spec, dialect, horizon))]


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def write_terms(session: Session, run_id: int, terms: Iterable[Term], spans: Spans | None = None) -> int:
    rows: list[dict[str, object]] = []
    written = 0
    for term in terms:
        if spans is not None:
            spans.add(term)
        rows.append(term.row(run_id))
        if len(rows) >= INSERT_ROWS:
            session.execute(insert(SweepTerm), rows)
            written, rows = written + len(rows), []
    if rows:
        session.execute(insert(SweepTerm), rows)
        written += len(rows)
    return written


def _sweep_phase(session: Session, run: SweepRun, phase: str, measures: Sequence[Measure], spans: Spans,
                 report: SweepReport, batch: int, progress: Progress | None) -> None:
    low, high = session.execute(id_bounds(phase)).one()
    if low is None or high is None:
        return
    dialect = session.get_bind().dialect.name
    specs = [key_spec(s, measures, report.on) for s in PHASES[phase]]
    lo = max(low, run.next_id) if run.phase == phase else low
    while lo <= high:
        hi = lo + batch - 1
        now = utc_now()
        if dialect == "postgresql":
            # Plan each chunk for its own id range: the driver prepares statements it sees repeatedly, and a
            # generic plan (range unknown) scans the whole table. And room to sort a chunk in memory.
            session.execute(text(f"SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '{WORK_MEM}'"))
        for spec in specs:
            for name, stmt in status_updates(spec, dialect, run.id, lo, hi, spans.get(spec.subject, "status")):
                _add(report.counts, name, _rows(session, stmt))
            due = spans.get(spec.subject, "remind")
            inserted = _rows(session, reminder_insert(spec, dialect, run.id, lo, hi, now, due)) if due else 0
            _add(report.counts, f"reminders_{spec.subject}", inserted)
        run.next_id, run.lease_until = hi + 1, utc_now() + LEASE
        run.counts_json = json.dumps(report.counts, sort_keys=True)
        session.commit()
        report.chunks += 1
        if progress is not None:
            progress(phase, min(hi, high) - low + 1, high - low + 1)
        lo = hi + 1


def _rows(session: Session, stmt: Executable) -> int:
    # RETURNING, not rowcount: Python's sqlite3 reports no rowcount for a statement opening with WITH, and
    # drivers disagree on the rowcount of INSERT … ON CONFLICT DO NOTHING.
    return len(session.execute(stmt).all())


def _add(counts: dict[str, int], name: str, value: int | None) -> None:
    counts[name] = counts.get(name, 0) + max(0, value or 0)


def _finish(session: Session, run: SweepRun, report: SweepReport) -> None:
    run.status, run.phase, run.finished_at, run.lease_until = "done", "finished", utc_now(), None
    run.counts_json = json.dumps(report.counts, sort_keys=True)
    _clear(session, run.id)
    shown = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items()))
    audit.record(session, "deadlines.sweep", "sweep_run", run.id,
                 f"as of {run.on_date}: {report.updates} record(s) changed, {report.messages} reminder(s); "
                 f"{shown}; measures {run.measures or 'none'}")
    if report.updates or report.messages:
        # Statuses and reminders changed in bulk: the pages' plans need fresh statistics (issue 13.5).
        analyze(session, [*(t.name for t in PHASE_TABLES.values()), OUTBOX.name])
    session.commit()


def _clear(session: Session, run_id: int) -> None:
    session.execute(delete(SweepTerm).where(SweepTerm.run_id == run_id))
    session.execute(delete(SweepRegion).where(SweepRegion.run_id == run_id))
