"""Before a measure is published: how many records it would change today, per kind and province (issue 9.8).

    ask_preview(session, text, measures, by) -> MeasurePreview     queue (the worker counts)
    run_preview(session, preview) -> None                         count, store the result (commits)
    process_previews(session) -> int                              the worker's job
    reach_of(preview) -> PreviewReach                             the stored result, grouped for the page
    is_stale(session, preview) -> bool                            published measures changed since it was asked

The count is the sweep's (`counts.count_affected`: the engine once per distinct key, SQL to join the answers to
the records), judged by the published measures plus the new document's: on a large register it takes longer
than a request may, so it runs in the worker with its progress on the row, like `/measures`' counts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.loader import parse_measures
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.measures.store import stored_measures
from jiaoguan.deadlines.sweep.counts import claim, count_with_progress
from jiaoguan.deadlines.sweep.models import MeasurePreview
from jiaoguan.deadlines.sweep.plan import SUBJECTS
from jiaoguan.kit.clock import utc_now

PENDING = ("queued", "running")
log = logging.getLogger("jiaoguan.deadlines")


@dataclass
class PreviewReach:
    """The records the new versions change on the preview's day: in all, by kind, by province (and both)."""

    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_province: dict[str, dict[str, int]] = field(default_factory=dict)   # province -> kind -> records


def basis_of(measures: Sequence[Measure]) -> str:
    return ",".join(sorted(m.ref for m in measures))


def ask_preview(session: Session, text: str, measures: Sequence[Measure], *, on: dt.date, by: str) -> MeasurePreview:
    """Queue the count of what `measures` (parsed from `text`, not yet published) change on `on` (flushes)."""
    row = MeasurePreview(document=text, refs=", ".join(m.ref for m in measures)[:400],
                         basis=basis_of(stored_measures(session)), on_date=on, status="queued", requested_by=by[:64],
                         requested_at=utc_now(), started_at=None, finished_at=None, lease_until=None, done=0,
                         total=len(SUBJECTS), result_json="[]", error=None)
    session.add(row)
    session.flush()
    return row


def run_preview(session: Session, preview: MeasurePreview) -> None:
    """Count with the published measures plus the document's, committing progress after each step."""
    refs = {r.strip() for r in preview.refs.split(",") if r.strip()}   # the versions not yet published

    def judged() -> list[Measure]:
        new = [m for m in parse_measures(json.loads(preview.document), "measure") if m.ref in refs]
        return [m for m in stored_measures(session) if m.ref not in refs] + new

    found = count_with_progress(session, preview, preview.on_date, judged)
    preview.result_json = json.dumps([[r.measure_ref, r.kind, r.province, r.records]
                                      for r in found if r.measure_ref in refs])
    preview.status, preview.finished_at, preview.lease_until = "done", utc_now(), None
    session.commit()


def process_previews(session: Session, limit: int = 5) -> int:
    """Run the queued previews (at most `limit`); a failed one is marked and the next is taken."""
    done = 0
    while done < limit and (preview := claim(session, MeasurePreview)) is not None:
        try:
            run_preview(session, preview)
        except Exception:  # marked failed on its row (the page says so); the others still run
            log.exception("deadlines.preview.failed", extra={"preview_id": preview.id})
        done += 1
    return done


def reach_of(preview: MeasurePreview) -> PreviewReach:
    reach = PreviewReach()
    for _ref, kind, province, records in json.loads(preview.result_json or "[]"):
        reach.total += records
        reach.by_kind[kind] = reach.by_kind.get(kind, 0) + records
        kinds = reach.by_province.setdefault(province, {})
        kinds[kind] = kinds.get(kind, 0) + records
    return reach


def is_stale(session: Session, preview: MeasurePreview) -> bool:
    """A measure was published after the preview was asked: its figures may no longer hold."""
    return basis_of(stored_measures(session)) != preview.basis
