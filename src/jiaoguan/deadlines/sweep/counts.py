"""The measures' reach, stored: how many deadlines each measure changes, per kind and province, as of a day.

    count_affected(session, on, progress=None) -> list[Reach]     the computation (set-based, the sweep's way)
    ask(session, on, reason, by) -> CountRequest                   queue a count (reuses one already queued)
    run_request(session, request) -> None                         compute, store, mark done (commits)
    process_queued(session) -> int                                  the worker's job: every queued count
    counted(session, on) -> Counted                                 what `/measures` shows for a day

The supervisor's page never recomputes (issue #13): it reads `deadline_measure_count`, written by the
nightly sweep for its day, after a publish (queued for today) and for any other day a supervisor asks
about (queued, processed by the worker with its progress on the request row). A count commits as it
goes (its progress, then its rows): run it with a session of its own, not inside a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.deadlines.sweep.models import (
    CountRequest,
    MeasureCount,
    SweepRegion,
    SweepRun,
    SweepTerm,
    WorkerProgress,
)
from jiaoguan.deadlines.sweep.plan import SUBJECTS, affecting_terms, key_spec, province_groups
from jiaoguan.deadlines.sweep.run import analyze_scratch, keys_of, write_terms
from jiaoguan.deadlines.sweep.sql import affected
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import is_postgres

LEASE = dt.timedelta(minutes=10)   # a count not heard of for this long is taken as crashed
PENDING = ("queued", "running")
Step = Callable[[int, int], None]   # (steps done, steps in all)
P = TypeVar("P", bound=WorkerProgress)


@dataclass(frozen=True)
class Reach:
    measure_ref: str
    kind: str
    province: str
    records: int
    waived: int | None = None   # of `records`, those whose penalty the measure waives (None: not counted)


@dataclass
class Counted:
    """A day's stored counts: per measure ref, the total and the parts by kind and by province."""

    on: dt.date
    request: CountRequest | None            # the count they come from (None: never counted)
    pending: CountRequest | None            # a count of this day queued or running
    by_measure: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def total(self, ref: str) -> int:
        return sum(self.by_measure.get(ref, {}).get("kind", {}).values())


def count_affected(session: Session, on: dt.date, measures: Sequence[Measure] | None = None,
                   progress: Step | None = None) -> list[Reach]:
    """Every (measure, kind, province) whose answer on `on` a measure changes, with its number of records.

    The sweep's way: the engine once per distinct key and province group, SQL to join the answers to the
    records. The scratch rows belong to a `count` run, removed at the end (and, should the process die,
    by the next count once its lease has run out)."""
    judged = tuple(stored_measures(session) if measures is None else measures)
    _clear_stale(session)
    now = utc_now()
    run = SweepRun(on_date=on, status="count", batch=0, offsets="", phase="count", next_id=0, counts_json="{}",
                   measures=",".join(m.ref for m in judged), started_at=now, lease_until=now + LEASE,
                   finished_at=None)
    session.add(run)
    session.flush()
    groups = province_groups(judged, on)
    session.execute(insert(SweepRegion), [{"run_id": run.id, "province_code": p, "grp": g}
                                          for p, g in groups.items()])
    dialect = session.get_bind().dialect.name
    found: list[Reach] = []
    for step, subject in enumerate(SUBJECTS, start=1):
        keys = keys_of(session, subject, judged, on, dialect, None)
        if write_terms(session, run.id, affecting_terms(subject, keys, on, judged, groups)):
            analyze_scratch(session)
            for row in session.execute(affected(key_spec(subject, judged, on), dialect, run.id)):
                ref, _, kind = str(row[0]).partition("|")
                found.append(Reach(ref, kind, str(row[1]), int(row[2]), int(row[3])))
        if progress is not None:
            progress(step, len(SUBJECTS))
    _clear(session, run.id)
    session.delete(run)
    session.flush()
    return _merged(found)


def _merged(found: list[Reach]) -> list[Reach]:
    # Two subjects may count one kind (none do today); add them up so the stored key stays unique.
    totals: dict[tuple[str, str, str], tuple[int, int]] = {}
    for r in found:
        n, w = totals.get((r.measure_ref, r.kind, r.province), (0, 0))
        totals[(r.measure_ref, r.kind, r.province)] = n + r.records, w + (r.waived or 0)
    return [Reach(ref, kind, province, n, w) for (ref, kind, province), (n, w) in sorted(totals.items())]


def _clear(session: Session, run_id: int) -> None:
    session.execute(delete(SweepTerm).where(SweepTerm.run_id == run_id))
    session.execute(delete(SweepRegion).where(SweepRegion.run_id == run_id))


def _clear_stale(session: Session) -> None:
    stale = session.scalars(select(SweepRun.id).where(SweepRun.status == "count",
                                                      SweepRun.lease_until < utc_now())).all()
    for run_id in stale:
        _clear(session, run_id)
        session.execute(delete(SweepRun).where(SweepRun.id == run_id))


def ask(session: Session, on: dt.date, *, reason: str, by: str) -> CountRequest:
    """Queue a count as of `on`, or return the one already queued for that day (flushes). One already
    running is not reused: it may have read the measures before a publish that prompted this one."""
    pending = session.scalars(select(CountRequest).where(CountRequest.on_date == on,
                                                         CountRequest.status == "queued")
                              .order_by(CountRequest.id).limit(1)).first()
    if pending is not None:
        return pending
    request = CountRequest(on_date=on, status="queued", reason=reason, requested_by=by[:64], requested_at=utc_now(),
                           started_at=None, finished_at=None, lease_until=None, done=0, total=len(SUBJECTS),
                           error=None)
    session.add(request)
    session.flush()
    return request


def run_request(session: Session, request: CountRequest, measures: Sequence[Measure] | None = None) -> None:
    """Count as of the request's day, committing its progress after each step, then store the rows."""
    found = count_with_progress(session, request, request.on_date, lambda: measures)
    session.execute(delete(MeasureCount).where(MeasureCount.on_date == request.on_date))
    if found:
        session.execute(insert(MeasureCount), [
            {"on_date": request.on_date, "measure_ref": r.measure_ref, "kind": r.kind, "province_code": r.province,
             "records": r.records, "waived": r.waived, "request_id": request.id} for r in found])
    request.status, request.finished_at, request.lease_until = "done", utc_now(), None
    session.commit()


def count_with_progress(session: Session, row: WorkerProgress, on: dt.date,
                        measures: Callable[[], Sequence[Measure] | None]) -> list[Reach]:
    """`count_affected` of the measures `measures()` gives (read inside, so a document that cannot be read fails
    the row too) as of `on`, the row's progress committed after each step (the page polls it);
    on failure the row says so and the error is raised again. The caller stores the result and marks it done."""
    row.status, row.started_at, row.done = "running", utc_now(), 0
    row.lease_until = utc_now() + LEASE
    session.commit()

    def step(done: int, total: int) -> None:
        row.done, row.total, row.lease_until = done, total, utc_now() + LEASE
        session.commit()

    try:
        return count_affected(session, on, measures(), step)
    except Exception as exc:
        session.rollback()
        row.status, row.error, row.finished_at = "failed", str(exc)[:300], utc_now()
        session.commit()
        raise


def count_now(session: Session, on: dt.date, *, reason: str, by: str) -> CountRequest:
    """Ask and run at once (the nightly sweep's count of its own day)."""
    request = ask(session, on, reason=reason, by=by)
    session.commit()
    if request.status == "queued":
        run_request(session, request)
    return request


def claim(session: Session, model: type[P] = CountRequest) -> P | None:  # type: ignore[assignment]
    """The oldest queued count (or preview), or one whose worker died (lease run out); locked so one worker
    takes it."""
    q = (select(model)
         .where(or_(model.status == "queued", (model.status == "running") & (model.lease_until < utc_now())))
         .order_by(model.id).limit(1))
    if is_postgres(session):
        q = q.with_for_update(skip_locked=True)
    return session.scalars(q).first()


def process_queued(session: Session, limit: int = 10) -> int:
    """Run the queued counts (at most `limit`); returns how many were done."""
    done = 0
    while done < limit and (request := claim(session)) is not None:
        run_request(session, request)
        done += 1
    return done


def counted(session: Session, on: dt.date) -> Counted:
    last = session.scalars(select(CountRequest).where(CountRequest.on_date == on, CountRequest.status == "done")
                           .order_by(CountRequest.finished_at.desc(), CountRequest.id.desc()).limit(1)).first()
    pending = session.scalars(select(CountRequest).where(CountRequest.on_date == on,
                                                         CountRequest.status.in_(PENDING))
                              .order_by(CountRequest.id).limit(1)).first()
    view = Counted(on, last, pending)
    for row in session.scalars(select(MeasureCount).where(MeasureCount.on_date == on)):
        parts = view.by_measure.setdefault(row.measure_ref, {"kind": {}, "province": {}})
        parts["kind"][row.kind] = parts["kind"].get(row.kind, 0) + row.records
        parts["province"][row.province_code] = parts["province"].get(row.province_code, 0) + row.records
    return view


def stored_reach(session: Session, start: dt.date | None = None, end: dt.date | None = None
                 ) -> list[tuple[dt.date, Reach]]:
    """Every stored count (day, reach) with its day in [start, end] (None: unbounded), for the figures room."""
    stmt = select(MeasureCount).order_by(MeasureCount.on_date, MeasureCount.id)
    if start is not None:
        stmt = stmt.where(MeasureCount.on_date >= start)
    if end is not None:
        stmt = stmt.where(MeasureCount.on_date <= end)
    return [(row.on_date, Reach(row.measure_ref, row.kind, row.province_code, row.records, row.waived))
            for row in session.scalars(stmt)]
