"""The catalogue in the database: seeded by the CLI and the demo, exported and imported as JSON and CSV by the
CLI and the administrator's API and pages, edited one business at a time, every change validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jiaoguan.accounts.principal import Principal
from jiaoguan.business.catalogue import shipped_catalogue, to_csv, to_json
from jiaoguan.business.catalogue_store import all_specs, get_spec
from jiaoguan.business.commands import app
from jiaoguan.kit import db as kitdb


@pytest.fixture()
def cli(db: Session, monkeypatch: pytest.MonkeyPatch, clock) -> CliRunner:  # type: ignore[no-untyped-def]
    connection = db.connection()
    monkeypatch.setattr(kitdb, "get_sessionmaker",
                        lambda: sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    return CliRunner()


def test_the_cli_seeds_exports_checks_and_imports_the_catalogue(cli: CliRunner, db: Session, tmp_path: Path) -> None:
    seeded = cli.invoke(app, ["catalogue", "seed"])
    assert seeded.exit_code == 0 and "34 business(es) added" in seeded.output
    assert cli.invoke(app, ["catalogue", "seed"]).output.startswith("0 business")
    out = tmp_path / "cat.csv"
    assert cli.invoke(app, ["catalogue", "export", str(out)]).exit_code == 0
    text = out.read_text("utf-8").replace("期满换证", "期满换领驾驶证")
    out.write_text(text, "utf-8")
    assert "34 business(es), no problem found" in cli.invoke(app, ["catalogue", "check", str(out)]).output
    imported = cli.invoke(app, ["catalogue", "import", str(out)])
    assert imported.exit_code == 0 and "0 added, 34 updated, 0 removed" in imported.output
    assert get_spec(db, "licence_renewal").name_zh == "期满换领驾驶证"


def test_the_cli_refuses_a_bad_file_listing_each_problem_by_line(cli: CliRunner, db: Session, tmp_path: Path) -> None:
    cli.invoke(app, ["catalogue", "seed"])
    bad = tmp_path / "bad.csv"
    lines = to_csv(shipped_catalogue()).splitlines()
    lines[2] = lines[2].replace(",real_name,", ",retina,", 1)
    bad.write_text("\n".join(lines), "utf-8")
    result = cli.invoke(app, ["catalogue", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv:3: identity_level" in result.output and "Traceback" not in result.output
    assert get_spec(db, "exam_booking_cancel").identity_level == "real_name"


def test_the_admin_exports_json_and_csv_and_imports_them_back(as_user, admin: Principal, db: Session) -> None:
    c = as_user(admin)
    exported = c.get("/api/v1/business/catalogue-export?format=json")
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/json"
    doc = exported.json()
    assert len(doc["businesses"]) == 34
    doc["businesses"][0]["sla_working_days"] = 2
    r = c.post("/api/v1/business/catalogue-import", files={"file": ("c.json", json.dumps(doc), "application/json")})
    assert r.status_code == 200 and r.json() == {"added": 0, "updated": 34, "removed": 0}
    assert get_spec(db, "exam_booking").sla_working_days == 2
    csv_text = c.get("/api/v1/business/catalogue-export?format=csv").text
    r = c.post("/api/v1/business/catalogue-import", files={"file": ("c.csv", csv_text.splitlines(True)[0]
                                                                    + csv_text.splitlines(True)[5], "text/csv")},
               data={"replace": "true"})
    assert r.status_code == 200 and r.json()["removed"] == 33
    assert [s.code for s in all_specs(db)] == ["licence_renewal"]


def test_an_invalid_import_answers_422_with_every_problem_and_changes_nothing(as_user, admin: Principal,
                                                                              db: Session) -> None:
    doc = json.loads(to_json(shipped_catalogue()))
    doc["businesses"][0]["group"] = "boats"
    doc["businesses"][9]["sla_working_days"] = -1
    r = as_user(admin).post("/api/v1/business/catalogue-import",
                            files={"file": ("c.json", json.dumps(doc), "application/json")})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "business.catalogue_invalid"
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(1, "group"), (10, "sla_working_days")]
    assert get_spec(db, "exam_booking").group == "licence"


def test_the_admin_edits_one_business_through_the_api_and_the_editor_page(as_user, admin: Principal,
                                                                          db: Session) -> None:
    c = as_user(admin)
    entry = c.get("/api/v1/business/catalogue/licence_lost").json()
    entry["provinces"] = {"*": {"online": True, "rongque": False}, "11": {"online": False, "rongque": False}}
    entry["materials"] = [{"code": m["code"], "name_zh": "身份证明", "name_en": "ID", "required": m["required"],
                           "original": m["original"], "later_allowed": m["later_allowed"]}
                          for m in entry["materials"]]
    r = c.put("/api/v1/business/catalogue/licence_lost", json=entry)
    assert r.status_code == 200, r.text
    assert not get_spec(db, "licence_lost").offered_online("11")
    page = c.get("/business/admin/catalogue/licence_lost")
    assert page.status_code == 200 and 'name="sla_working_days"' in page.text
    form = {"number": "7", "name_zh": "遗失补领驾驶证", "name_en": "Replace a lost licence", "group": "licence",
            "channels": ["online", "window"], "sla_working_days": "2", "identity_level": "face",
            "proxy_allowed": "", "subject": "licence", "workflow": "standard", "handling": "review",
            "checks": "licence not detained; no open violations", "materials": json.dumps(entry["materials"]),
            "provinces": '{"*": {"online": true, "rongque": false}}'}
    saved = c.post("/business/admin/catalogue/licence_lost", data=form, follow_redirects=False)
    assert saved.status_code == 303
    spec = get_spec(db, "licence_lost")
    assert spec.name_zh == "遗失补领驾驶证" and spec.sla_working_days == 2 and spec.offered_online("11")
    refused = c.post("/business/admin/catalogue/licence_lost", data=form | {"sla_working_days": "100",
                                                                            "materials": "[not json"})
    assert refused.status_code == 422 and "materials" in refused.text


def test_the_citizen_catalogue_says_what_is_offered_online_in_their_province(as_user, citizen, db: Session) -> None:
    c = as_user(citizen.user)
    listing = c.get("/api/v1/business/catalogue").json()
    renewal = next(b for b in listing if b["code"] == "licence_renewal")
    assert renewal["offered_online_here"] is True and renewal["rongque_here"] is True
    assert renewal["name"] == "期满换证"
    page = c.get("/business")
    assert page.status_code == 200 and "期满换证" in page.text
    detail = c.get("/business/licence_renewal")
    assert detail.status_code == 200 and 'id="apply-form"' in detail.text and "身体条件证明" in detail.text


def test_each_process_keeps_the_parsed_catalogue_and_sees_a_change_made_elsewhere(db: Session, catalogue: None,
                                                                                   clock) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from jiaoguan.business.catalogue_store import update_business
    from jiaoguan.business.models import BusinessType

    before = get_spec(db, "licence_renewal")
    db.commit()
    assert get_spec(db, "licence_renewal") is before  # kept: not parsed again
    # Another process's edit, as it leaves the row (the same clock tick: the revision tells it apart).
    db.execute(update(BusinessType).where(BusinessType.code == "licence_renewal")
               .values(sla_working_days=before.sla_working_days + 4, revision=BusinessType.revision + 1))
    db.commit()
    assert get_spec(db, "licence_renewal").sla_working_days == before.sla_working_days + 4
    # This transaction's own edit is seen in it at once.
    raw = {**get_spec(db, "licence_renewal").to_json(), "sla_working_days": 2}
    update_business(db, "licence_renewal", raw)
    assert get_spec(db, "licence_renewal").sla_working_days == 2
    db.rollback()
    assert get_spec(db, "licence_renewal").sla_working_days == before.sla_working_days + 4
