"""The catalogue as data: the shipped 34 businesses, JSON and CSV round trips, every problem reported at once."""

from __future__ import annotations

import json

import pytest

from jiaoguan.business.catalogue import (
    CatalogueInvalid,
    from_csv,
    from_json,
    parse_catalogue,
    shipped_catalogue,
    to_csv,
    to_json,
)


def test_the_shipped_catalogue_lists_the_34_businesses_of_reference_a2_each_complete() -> None:
    specs = shipped_catalogue()
    assert len(specs) == 34
    assert [s.number for s in specs] == list(range(1, 35))
    assert len({s.code for s in specs}) == 34
    assert {s.group for s in specs} == {"licence", "vehicle", "violation", "accident", "freight"}
    renewal = next(s for s in specs if s.code == "licence_renewal")
    assert renewal.name_zh == "期满换证" and renewal.sla_working_days == 1
    cert = next(m for m in renewal.materials if m.code == "medical_certificate")
    assert cert.required and cert.original and cert.later_allowed
    assert renewal.rongque_allowed("11") and renewal.rongque_allowed(None) is not False
    assert "licence not detained" in renewal.checks and "inside the renewal window" in renewal.checks
    assert all(s.materials and s.channels for s in specs)
    assert {s.identity_level for s in specs} == {"real_name", "face"}


def test_json_and_csv_exports_read_back_to_the_same_catalogue() -> None:
    specs = shipped_catalogue()
    assert from_json(to_json(specs)) == specs
    assert from_csv(to_csv(specs)) == specs
    assert from_csv(to_csv(specs).encode("utf-8-sig")) == specs


def test_a_province_switch_overrides_the_default_for_that_province_only() -> None:
    doc = json.loads(to_json(shipped_catalogue()))
    doc["businesses"][4]["provinces"] = {"*": {"online": True, "rongque": False}, "31": {"online": False,
                                                                                        "rongque": True}}
    renewal = parse_catalogue(doc)[4]
    assert renewal.offered_online("11") and not renewal.rongque_allowed("11")
    assert not renewal.offered_online("31") and renewal.rongque_allowed("31")


def test_an_invalid_file_lists_every_problem_at_once_and_imports_nothing() -> None:
    doc = json.loads(to_json(shipped_catalogue()))
    rows = doc["businesses"]
    rows[0]["sla_working_days"] = 99
    rows[1]["channels"] = ["fax"]
    rows[2]["code"] = rows[3]["code"]
    rows[5]["materials"].append(dict(rows[5]["materials"][0]))
    rows[6]["provinces"] = {"Beijing": {"online": "maybe"}}
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(doc)
    found = {(p.row, p.field) for p in caught.value.problems}
    assert found == {(1, "sla_working_days"), (2, "channels"), (4, "code"), (6, "materials"), (7, "provinces")}
    assert caught.value.code == "business.catalogue_invalid"
    assert [e["field"] for e in caught.value.problem_members()["errors"]][0] == "sla_working_days"


def test_csv_problems_are_reported_by_line_with_the_header_as_line_1() -> None:
    lines = to_csv(shipped_catalogue()).splitlines()
    lines[3] = lines[3].replace(",real_name,", ",retina,", 1)
    with pytest.raises(CatalogueInvalid) as caught:
        from_csv("\n".join(lines))
    assert [(p.row, p.field) for p in caught.value.problems] == [(4, "identity_level")]
    with pytest.raises(CatalogueInvalid) as missing:
        from_csv("code,number\nx,1\n")
    assert {p.field for p in missing.value.problems} >= {"materials", "sla_working_days"}


def test_a_file_that_is_not_json_or_lists_nothing_is_refused() -> None:
    with pytest.raises(CatalogueInvalid):
        from_json("{not json")
    with pytest.raises(CatalogueInvalid):
        from_json('{"businesses": []}')
