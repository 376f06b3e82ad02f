"""Publishing temporary measures: validated, versioned, never edited in place, audited."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest
from sqlalchemy import select

from jiaoguan.deadlines.measures.loader import MeasureError
from jiaoguan.deadlines.measures.store import (
    MeasureVersionExists,
    MeasureVersionTooLow,
    preload_shipped,
    publish,
    stored_measures,
)
from jiaoguan.kit.audit import AuditRecord


def _mps() -> dict:
    path = resources.files("jiaoguan.deadlines") / "data" / "measure_mps_2022_04_21.json"
    doc = json.loads(path.read_text("utf-8"))
    return doc[0] if isinstance(doc, list) else doc


def test_publishing_a_measure_stores_it_and_writes_an_audit_record(db) -> None:
    row, created = publish(db, _mps())
    assert created and row.version == 1
    assert [m.id for m in stored_measures(db)] == [row.measure_id]
    assert db.execute(select(AuditRecord).where(AuditRecord.action == "measure.publish")).scalars().first()


def test_publishing_the_same_content_twice_is_harmless(db) -> None:
    publish(db, _mps())
    _, created = publish(db, _mps())
    assert not created


def test_a_published_version_is_never_edited_in_place(db) -> None:
    publish(db, _mps())
    changed = copy.deepcopy(_mps())
    changed["title"]["en"] = "edited"
    with pytest.raises(MeasureVersionExists):
        publish(db, changed)


def test_a_correction_is_a_new_higher_version(db) -> None:
    publish(db, _mps())
    v2 = copy.deepcopy(_mps())
    v2["version"] = 2
    v2["title"]["en"] += " (corrected)"
    row, created = publish(db, v2)
    assert created and row.version == 2
    v0 = copy.deepcopy(_mps())
    v0["version"] = 1
    v0["title"]["en"] = "older"
    with pytest.raises((MeasureVersionExists, MeasureVersionTooLow)):
        publish(db, v0)


def test_a_bad_document_is_refused_naming_the_field_and_nothing_is_stored(db) -> None:
    bad = copy.deepcopy(_mps())
    bad["effective_from"] = "2022-13-40"
    with pytest.raises(MeasureError) as err:
        publish(db, bad)
    assert "effective_from" in (err.value.field or "")
    assert stored_measures(db) == []


def test_the_demo_preloads_the_mps_measure(db) -> None:
    assert preload_shipped(db) >= 1
    assert any("2022" in m.id for m in stored_measures(db))


def test_the_demo_publishes_every_shipped_measure_so_explain_answers_alike_with_or_without_a_database(db) -> None:
    from jiaoguan.deadlines.measures.loader import shipped_measures

    preload_shipped(db)
    assert sorted(m.ref for m in stored_measures(db)) == sorted(m.ref for m in shipped_measures())
