"""Loading measures: every problem is named by its field; versions replace each other by announcement."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from jiaoguan.deadlines.engine import evaluate
from jiaoguan.deadlines.measures.loader import MeasureError, load_measures, parse_measure, parse_measures
from jiaoguan.deadlines.measures.model import measures_in_force

D = dt.date.fromisoformat
DATA = Path(__file__).resolve().parents[2] / "src/jiaoguan/deadlines/data"


def base() -> dict[str, Any]:
    return {
        "id": "TEST-1", "version": 1, "title": {"zh": "测试", "en": "Test"},
        "announced": "2023-01-10", "effective_from": "2023-01-10", "effective_to": "2023-03-31",
        "region": "national",
        "provisions": [{"classes": ["inspection"], "mode": "grace_window", "end_date": "2023-03-31",
                        "penalty_waiver": True}],
    }


def broken(path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base())
    target: Any = doc
    keys = path.split("/")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if value is DELETE:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return doc


DELETE = object()


@pytest.mark.parametrize(("path", "value", "field"), [
    ("id", "has space", "measure.id"),
    ("version", 0, "measure.version"),
    ("version", True, "measure.version"),
    ("title/en", "", "measure.title.en"),
    ("announced", "2023-1-10", "measure.announced"),
    ("effective_from", DELETE, "measure.effective_from"),
    ("effective_to", "2022-12-31", "measure.effective_to"),
    ("region", ["99"], "measure.region"),
    ("region", "everywhere", "measure.region"),
    ("supersedes", 3, "measure.supersedes"),
    ("colour", "red", "measure.colour"),
    ("provisions", [], "measure.provisions"),
    ("provisions/0/classes", ["inspections"], "measure.provisions[0].classes"),
    ("provisions/0/mode", "stretch", "measure.provisions[0].mode"),
    ("provisions/0/months", 3, "measure.provisions[0].months"),
    ("provisions/0/end_date", "2022-12-01", "measure.provisions[0].end_date"),
    ("provisions/0/penalty_waiver", "yes", "measure.provisions[0].penalty_waiver"),
    ("provisions/0/staged_end", {"lorry": "2023-02-01"}, "measure.provisions[0].staged_end.lorry"),
    ("provisions/0/condition", {"all": [1]}, "measure.provisions[0].condition"),
    ("provisions/0/due_from", "soon", "measure.provisions[0].due_from"),
])
def test_a_bad_measure_names_the_field(path: str, value: Any, field: str) -> None:
    with pytest.raises(MeasureError) as caught:
        parse_measure(broken(path, value))
    assert caught.value.field == field
    assert caught.value.code == "deadlines.invalid_measure"
    assert caught.value.text("en").startswith(field + ": ")


def test_the_valid_base_parses_and_months_give_a_grace_end() -> None:
    doc = broken("provisions/0/end_date", DELETE)
    doc["provisions"][0]["months"] = 2
    assert parse_measure(doc).provisions[0].end_date == D("2023-03-10")


def test_a_due_window_must_not_end_before_it_starts() -> None:
    doc = base()
    doc["provisions"][0] = {"classes": ["learner-permit"], "mode": "shift", "months": 3, "due_to": "2022-12-31"}
    with pytest.raises(MeasureError) as caught:
        parse_measure(doc)
    assert caught.value.field == "measure.provisions[0].due_to"


def test_only_consequences_can_be_suspended() -> None:
    doc = base()
    doc["suspends"] = [{"consequences": ["inspection"], "resume_on": "2023-05-01"}]
    with pytest.raises(MeasureError) as caught:
        parse_measure(doc)
    assert caught.value.field == "measure.suspends[0].consequences"


def test_a_file_with_the_same_version_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    path.write_text(json.dumps([base(), base()]), "utf-8")
    with pytest.raises(MeasureError, match="TEST-1@1 appears twice"):
        load_measures([path])


def test_broken_json_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"id": "X",\n "version": }', "utf-8")
    with pytest.raises(MeasureError, match="line 2"):
        load_measures([path])


def test_the_shipped_files_load() -> None:
    measures = load_measures(sorted(DATA.glob("measure_*.json")))
    assert sorted(m.ref for m in measures) == [
        "MPS-2020-EPIDEMIC@1", "MPS-2020-EPIDEMIC@2", "MPS-2020-EPIDEMIC@3", "MPS-2022-04-21@1", "MPS-2022-04-21@2",
        "SX-2022-12-20@1", "SX-2022-12-20@2"]


def test_a_new_version_takes_over_from_its_own_announcement_only() -> None:
    v1 = base()
    v2 = copy.deepcopy(v1)
    v2.update(version=2, announced="2023-02-01")
    v2["provisions"][0]["end_date"] = "2023-04-30"
    measures = parse_measures([v1, v2])
    early = evaluate("inspection", D("2023-01-01"), D("2023-01-20"), measures)
    late = evaluate("inspection", D("2023-01-01"), D("2023-02-01"), measures)
    assert (early.effective_due, early.measure_refs) == (D("2023-03-31"), ("TEST-1@1",))
    assert (late.effective_due, late.measure_refs) == (D("2023-04-30"), ("TEST-1@2",))


def test_supersedes_retires_another_measure_from_the_successors_announcement() -> None:
    old = base()
    new = copy.deepcopy(base())
    new.update(id="TEST-2", announced="2023-02-01", supersedes="TEST-1@1")
    measures = parse_measures([old, new])
    assert [m.ref for m in measures_in_force(measures, D("2023-01-31"))] == ["TEST-1@1"]
    assert [m.ref for m in measures_in_force(measures, D("2023-02-01"))] == ["TEST-2@1"]
