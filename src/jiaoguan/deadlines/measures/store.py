"""Publishing and reading temporary measures in the database.

A published version is never changed: a correction is a new version (same id, higher number), which
takes over from its own announcement date, so any decision taken earlier replays exactly.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.deadlines.measures.loader import parse_measure, parse_measures, read_measure_file, shipped_documents
from jiaoguan.deadlines.measures.model import Measure
from jiaoguan.deadlines.models import MeasureVersion
from jiaoguan.kit import audit, changes
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.context import current_actor
from jiaoguan.kit.errors import Conflict
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.prepared import Prepared


class MeasureVersionExists(Conflict):
    code = "deadlines.measure_version_exists"
    message = N_("Measure %(ref)s is already published with different content; publish it as a new version.")


class MeasureVersionTooLow(Conflict):
    code = "deadlines.measure_version_too_low"
    message = N_("Measure %(id)s already has version %(latest)s; a new version must have a higher number.")


def _canonical(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_SESSION_KEY = "jiaoguan.deadlines.measures"   # session.info: (transaction, the measures it read)


def publish(session: Session, doc: Any) -> tuple[MeasureVersion, bool]:
    """Validate and store one measure document; returns (row, created). Re-loading the same content is a no-op."""
    session.info.pop(_SESSION_KEY, None)
    changes.changed(session)
    measure = parse_measure(doc)
    text = _canonical(doc)
    digest = hashlib.sha256(text.encode()).hexdigest()
    same = session.execute(select(MeasureVersion).where(
        MeasureVersion.measure_id == measure.id, MeasureVersion.version == measure.version)).scalar_one_or_none()
    if same is not None:
        if same.sha256 == digest:
            return same, False
        raise MeasureVersionExists(ref=measure.ref)
    latest = session.execute(select(func.max(MeasureVersion.version)).where(
        MeasureVersion.measure_id == measure.id)).scalar_one_or_none()
    if latest is not None and measure.version < latest:
        raise MeasureVersionTooLow(id=measure.id, latest=latest)
    row = MeasureVersion(
        measure_id=measure.id, version=measure.version, title_zh=measure.title.zh, title_en=measure.title.en,
        announced=measure.announced, effective_from=measure.effective_from, effective_to=measure.effective_to,
        region="national" if measure.region is None else ",".join(sorted(measure.region)),
        document=text, sha256=digest, loaded_at=utc_now(), loaded_by=current_actor().label[:64])
    session.add(row)
    session.flush()
    audit.record(session, "measure.publish", "measure", measure.ref,
                 f"{measure.title.zh} / announced {measure.announced} / effective {measure.effective_from}"
                 f"..{measure.effective_to or ''} / region {row.region}")
    return row, True


def publish_file(session: Session, path: Path | str) -> list[tuple[MeasureVersion, bool]]:
    """Publish every measure of a JSON file (one object or an array), all or nothing."""
    doc = read_measure_file(path)
    parse_measures(doc, Path(path).name)  # validate the whole file before storing any of it
    return [publish(session, d) for d in (doc if isinstance(doc, list) else [doc])]


@lru_cache(maxsize=256)
def _parsed(document: str) -> Measure:
    return parse_measure(json.loads(document))


# Published versions are never edited (a correction is a new version), and each row carries its document's
# SHA-256: every request reads only the digests, and the documents of digests this process has not parsed yet.
_by_digest: dict[str, Measure] = {}
# Every page that judges a record reads them (see kit.prepared.Prepared), unless this process has heard of no change
# since it last did (kit.changes): (the count of changes heard then, the measures).
_heard: tuple[int, tuple[Measure, ...]] | None = None
_DIGESTS = Prepared(select(MeasureVersion.id, MeasureVersion.sha256).order_by(MeasureVersion.id))


def stored_measures(session: Session) -> list[Measure]:
    """Every published version; the engine picks, for each date, the ones announced by then.

    Read once per transaction (a page judging many records asks for them per record); a publish in the same
    transaction forgets them."""
    global _heard
    known = session.info.get(_SESSION_KEY)
    if known is not None and known[0] is session.get_transaction():
        return list(known[1])
    generation = changes.generation(session)   # before the read: a change heard during it is read next time
    if generation is not None and _heard is not None and _heard[0] == generation:
        found = _heard[1]
    else:
        rows = _DIGESTS.rows(session)
        missing = [vid for vid, digest in rows if digest not in _by_digest]
        if missing:
            for digest, doc in session.execute(select(MeasureVersion.sha256, MeasureVersion.document)
                                               .where(MeasureVersion.id.in_(missing))):
                _by_digest[digest] = _parsed(doc)
        found = tuple(_by_digest[digest] for _, digest in rows)
        if generation is not None:
            _heard = (generation, found)
    session.info[_SESSION_KEY] = (session.get_transaction(), found)
    return list(found)


def versions(session: Session) -> list[MeasureVersion]:
    return list(session.execute(select(MeasureVersion).order_by(
        MeasureVersion.measure_id, MeasureVersion.version)).scalars().all())


def preload_shipped(session: Session) -> int:
    """Publish every measure shipped with the product (`deadlines/data/measure_*.json`).

    The demo starts with all of them: MPS 2022-04-21 is the one acting on today's records, and the
    2020 and Shanxi files are history, so `jiaoguan deadlines explain` answers the same with or
    without a database behind it.
    """
    created = 0
    for _, doc in shipped_documents():
        for item in doc if isinstance(doc, list) else [doc]:
            created += publish(session, item)[1]
    return created
