"""CSV batch: the fleet manager gets forty passes from one file; a bad row is reported by line and column
and the good rows are kept."""

from __future__ import annotations

import csv
import dataclasses
import io

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.passes.applications.csv_batch import COLUMNS, parse_csv, submit_batch, template_csv
from jiaoguan.passes.applications.form import ApplicationInput
from jiaoguan.passes.applications.policy import add_auto_rule
from jiaoguan.passes.models import PassApplication, TransportPass
from tests.factories.passes import application


def row_of(a: ApplicationInput) -> dict[str, str]:
    row = {k: str(getattr(a, k)) for k in COLUMNS if not k.startswith("crew")}
    for i, m in enumerate(a.crew, start=1):
        row |= {f"crew{i}_name": m.name, f"crew{i}_id_number": m.id_number, f"crew{i}_phone": m.phone}
    return row


def to_csv(rows: list[dict[str, str]], *, chinese: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([COLUMNS[k] if chinese else k for k in COLUMNS])
    for row in rows:
        writer.writerow([row.get(k, "") for k in COLUMNS])
    return out.getvalue()


def test_forty_good_rows_give_forty_applications(db: Session, agent: Principal) -> None:
    data = to_csv([row_of(application(n)) for n in range(1, 41)], chinese=True).encode("utf-8-sig")
    report = submit_batch(db, agent, "fleet.csv", data)
    assert (len(report.accepted), report.problems) == (40, [])
    assert [line for line, _ in report.accepted] == list(range(2, 42))
    assert report.batch.rows_total == 40 and report.batch.rows_accepted == 40


def test_the_fleet_manager_gets_forty_passes_from_one_csv_under_an_auto_approval_rule(
        db: Session, agent: Principal, keys: None) -> None:
    add_auto_rule(db, "31", "daily necessities", cargo_categories=["daily_necessities"])
    rows = [row_of(application(n, cargo_category="daily_necessities")) for n in range(1, 41)]
    report = submit_batch(db, agent, "fleet.csv", to_csv(rows).encode())
    assert len(report.accepted) == 40
    numbers = db.execute(select(TransportPass.pass_no).order_by(TransportPass.pass_no)).scalars().all()
    assert numbers == [f"310000{n:06d}" for n in range(1, 41)]


def test_a_bad_row_is_reported_by_line_and_column_and_the_good_rows_are_kept(db: Session, agent: Principal) -> None:
    rows = [row_of(application(n)) for n in range(1, 6)]
    rows[2]["crew1_id_number"] = rows[2]["crew1_id_number"][:-1] + ("0" if rows[2]["crew1_id_number"][-1] != "0"
                                                                     else "1")
    rows[3]["valid_to"] = "2022-13-01"
    report = submit_batch(db, agent, "fleet.csv", to_csv(rows, chinese=True).encode())
    assert [line for line, _ in report.accepted] == [2, 3, 6]
    assert [(p.line, p.column, p.code) for p in report.problems] == [
        (4, "驾驶员身份证号", "id_number.checksum"), (5, "有效期止", "date.format")]
    assert report.problems[0].message_zh and report.problems[0].message_en
    stored = db.execute(select(func.count()).select_from(PassApplication)).scalar_one()
    assert stored == 3
    assert (report.batch.rows_accepted, report.batch.rows_rejected) == (3, 2)


def test_a_row_that_repeats_a_vehicle_of_an_earlier_row_is_refused_with_the_overlap(db: Session,
                                                                                     agent: Principal) -> None:
    rows = [row_of(application(1)), row_of(application(2)), row_of(application(1))]
    report = submit_batch(db, agent, "fleet.csv", to_csv(rows).encode())
    assert [line for line, _ in report.accepted] == [2, 3]
    (only,) = report.problems
    assert (only.line, only.column, only.code) == (4, "plate_no", "passes.overlap")


def test_a_quoted_address_over_two_lines_keeps_the_following_line_numbers_right(db: Session,
                                                                              agent: Principal) -> None:
    rows = [row_of(dataclasses.replace(application(1), origin_address="浦东新区\n外高桥1号")), row_of(application(2))]
    rows[1]["contact_phone"] = "123"
    report = submit_batch(db, agent, "fleet.csv", to_csv(rows).encode())
    assert [line for line, _ in report.accepted] == [2]
    assert [(p.line, p.column) for p in report.problems] == [(4, "contact_phone")]


def test_chinese_words_for_colour_and_cargo_and_gb18030_files_are_read() -> None:
    row = row_of(application(1)) | {"plate_colour": "黄", "cargo_category": "原材料"}
    parsed = parse_csv(to_csv([row], chinese=True).encode("gb18030"))
    assert parsed.problems == []
    (only,) = parsed.rows
    assert (only.application.plate_colour, only.application.cargo_category) == ("yellow", "raw_materials")


def test_a_missing_column_is_reported_on_the_header_line() -> None:
    text = to_csv([row_of(application(1))]).replace("vin,", "", 1)
    parsed = parse_csv(text.encode())
    assert [(p.line, p.code, p.column) for p in parsed.problems] == [(1, "csv.missing_column", "vin")]


def test_the_downloadable_template_has_every_column_and_parses() -> None:
    parsed = parse_csv(template_csv().encode())
    assert parsed.problems == [] and len(parsed.rows) == 1
    assert set(parsed.headers) == set(COLUMNS)
