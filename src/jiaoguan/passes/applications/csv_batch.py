"""CSV batch applications for a fleet (批量申请): read the file (pure), then submit row by row.

A bad row is reported by its line in the file and the column it concerns; every good row is kept,
each in its own savepoint, so one refused vehicle never loses the other thirty-nine. Headers may be
the English column names or the Chinese ones of the template; Excel's GB18030 export is read too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit import audit
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.passes.applications.form import ApplicationInput, CrewInput
from jiaoguan.passes.applications.service import ApplicationInvalid, enterprise_of_agent, submit_application
from jiaoguan.passes.models import PassBatch
from jiaoguan.passes.vocab import CARGO_CATEGORIES, PLATE_COLOURS

MAX_ROWS = 1000
MAX_BYTES = 2_000_000
MAX_MEGABYTES = MAX_BYTES // 1_000_000  # what the size message names
CREW_COLUMNS = 3

# Column → Chinese header of the template. The order is the order of the downloadable template.
COLUMNS: dict[str, str] = {
    "plate_no": "车牌号码", "plate_colour": "车牌颜色", "vin": "车辆识别代号", "transport_cert_no": "道路运输证号",
    "crew1_name": "驾驶员姓名", "crew1_id_number": "驾驶员身份证号", "crew1_phone": "驾驶员电话",
    "crew2_name": "随车人员1姓名", "crew2_id_number": "随车人员1身份证号", "crew2_phone": "随车人员1电话",
    "crew3_name": "随车人员2姓名", "crew3_id_number": "随车人员2身份证号", "crew3_phone": "随车人员2电话",
    "origin_code": "始发地区划代码", "origin_address": "始发地地址",
    "destination_code": "目的地区划代码", "destination_address": "目的地地址",
    "consignor": "发货单位", "consignor_contact": "发货联系人",
    "consignee": "收货单位", "consignee_contact": "收货联系人",
    "cargo_category": "物资类别", "cargo_name": "物资名称", "cargo_quantity": "数量", "cargo_weight_kg": "重量(千克)",
    "valid_from": "有效期起", "valid_to": "有效期止", "contact_name": "联系人", "contact_phone": "联系电话",
}
OPTIONAL = frozenset({"consignor_contact", "consignee_contact"} | {
    f"crew{i}_{part}" for i in range(2, CREW_COLUMNS + 1) for part in ("name", "id_number", "phone")})
REQUIRED = tuple(c for c in COLUMNS if c not in OPTIONAL)

FILE_PROBLEMS = {
    "csv.encoding": N_("The file is neither UTF-8 nor GB18030 text."),
    "csv.too_large": N_("The file is too large (at most %(max)s MB)."),
    "csv.too_many_rows": N_("The file has too many rows (at most %(max)s)."),
    "csv.missing_column": N_("The column %(name)s is missing from the header line."),
    "csv.empty": N_("The file has no application rows."),
}


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str  # the header as written in the file ("" for the whole row or file)
    code: str
    message_zh: str
    message_en: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "message_zh": self.message_zh,
                "message_en": self.message_en}


def _file_problem(line: int, code: str, column: str = "", **params: Any) -> RowProblem:
    msgid = FILE_PROBLEMS[code]
    return RowProblem(line, column, code, translate(msgid, "zh_Hans", **params), translate(msgid, "en", **params))


@cache
def _aliases() -> dict[str, dict[str, str]]:
    """Accepted spellings of the coded columns: the code, the English words, the Chinese words."""
    out: dict[str, dict[str, str]] = {"plate_colour": {}, "cargo_category": {}}
    for column, vocab in (("plate_colour", PLATE_COLOURS), ("cargo_category", CARGO_CATEGORIES)):
        for code, msgid in vocab.items():
            for spelling in (code, msgid, translate(msgid, "zh_Hans")):
                out[column][spelling.strip().lower()] = code
    for short, code in (("黄", "yellow"), ("黄色", "yellow"), ("蓝", "blue"), ("蓝色", "blue"), ("绿", "green"),
                        ("绿色", "green"), ("黄绿", "yellow_green"), ("黄绿色", "yellow_green")):
        out["plate_colour"][short] = code
    return out


def _header_map(header: list[str]) -> dict[str, tuple[int, str]]:
    """Column key → (position, header as written), for the columns the file has."""
    by_name = {k: k for k in COLUMNS} | {zh: k for k, zh in COLUMNS.items()}
    found: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(header):
        written = cell.strip().lstrip("\ufeff").strip()
        key = by_name.get(written)
        if key is not None and key not in found:
            found[key] = (i, written)
    return found


def decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


@dataclass(frozen=True)
class ParsedRow:
    line: int
    application: ApplicationInput


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ParsedRow]
    problems: list[RowProblem]
    headers: dict[str, str]


def _rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        yield start, row


def parse_csv(data: bytes) -> ParsedFile:
    """Read the CSV into applications with their line numbers; file-level problems stop the batch."""
    if len(data) > MAX_BYTES:
        return ParsedFile([], [_file_problem(1, "csv.too_large", max=MAX_MEGABYTES)], {})
    text = decode(data)
    if text is None:
        return ParsedFile([], [_file_problem(1, "csv.encoding")], {})
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = _rows(reader)
    first = next(rows, None)
    if first is None:
        return ParsedFile([], [_file_problem(1, "csv.empty")], {})
    found = _header_map(first[1])
    headers = {key: written for key, (_, written) in found.items()}
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        problems = [_file_problem(1, "csv.missing_column", c, name=f"{c} / {COLUMNS[c]}") for c in missing]
        return ParsedFile([], problems, headers)
    index = {key: i for key, (i, _) in found.items()}
    parsed: list[ParsedRow] = []
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(parsed) >= MAX_ROWS:
            return ParsedFile([], [_file_problem(line, "csv.too_many_rows", max=MAX_ROWS)], headers)
        value = {key: (cells[i].strip() if i < len(cells) else "") for key, i in index.items()}
        parsed.append(ParsedRow(line, _application(value)))
    if not parsed:
        return ParsedFile([], [_file_problem(2, "csv.empty")], headers)
    return ParsedFile(parsed, [], headers)


def _application(v: dict[str, str]) -> ApplicationInput:
    aliases = _aliases()
    crew = tuple(CrewInput(v.get(f"crew{i}_name", ""), v.get(f"crew{i}_id_number", ""), v.get(f"crew{i}_phone", ""))
                 for i in range(1, CREW_COLUMNS + 1))
    return ApplicationInput(
        plate_no=v["plate_no"], plate_colour=aliases["plate_colour"].get(v["plate_colour"].lower(), v["plate_colour"]),
        vin=v["vin"], transport_cert_no=v["transport_cert_no"], crew=crew, origin_code=v["origin_code"],
        origin_address=v["origin_address"], destination_code=v["destination_code"],
        destination_address=v["destination_address"], consignor=v["consignor"],
        consignor_contact=v.get("consignor_contact", ""), consignee=v["consignee"],
        consignee_contact=v.get("consignee_contact", ""),
        cargo_category=aliases["cargo_category"].get(v["cargo_category"].lower(), v["cargo_category"]),
        cargo_name=v["cargo_name"], cargo_quantity=v["cargo_quantity"], cargo_weight_kg=v["cargo_weight_kg"],
        valid_from=v["valid_from"], valid_to=v["valid_to"], contact_name=v["contact_name"],
        contact_phone=v["contact_phone"],
    )


def column_of(field: str) -> str:
    """The CSV column of a form field: crew[1].phone → crew2_phone."""
    if field.startswith("crew[") and "]." in field:
        index, part = field[5:].split("].", 1)
        return f"crew{int(index) + 1}_{part}"
    return field


def template_csv(start: dt.date | None = None) -> str:
    """The header line (Chinese, as the template) and one example row, dated from tomorrow and written in the
    words the template's users read (the Chinese plate colour and cargo category)."""
    first = (start or today()) + dt.timedelta(days=1)
    medical = CARGO_CATEGORIES["medical"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS.values())
    writer.writerow(["粤B12345", "黄",
                     "LFWADRJF011002346", "440300123456", "张三", "11010519491231002X", "13800138000",
                     "", "", "", "", "", "", "440305", "深圳市南山区科技园1号", "420102", "武汉市江岸区解放大道2号",
                     "深圳某医疗器械有限公司", "", "武汉某医院", "", translate(medical, "zh_Hans"),
                     "医用口罩", "200箱", "1500", first.isoformat(), (first + dt.timedelta(days=6)).isoformat(), "李四",
                     "13900139000"])
    return out.getvalue()


@dataclass
class BatchReport:
    batch: PassBatch
    accepted: list[tuple[int, int]]  # (line, application id)
    problems: list[RowProblem]

    def to_json(self) -> dict[str, Any]:
        return {"batch_id": self.batch.id, "rows": self.batch.rows_total, "accepted": len(self.accepted),
                "rejected": self.batch.rows_rejected,
                "applications": [{"line": line, "application_id": app_id} for line, app_id in self.accepted],
                "problems": [p.to_json() for p in self.problems]}


def submit_batch(session: Session, user: Principal, filename: str, data: bytes) -> BatchReport:
    """Submit every row of the CSV; good rows are stored even when others are refused."""
    enterprise = enterprise_of_agent(session, user)
    parsed = parse_csv(data)
    batch = PassBatch(enterprise_id=enterprise.id, uploaded_by_user_id=user.id, filename=filename[:200] or "upload.csv",
                      created_at=utc_now(), rows_total=len(parsed.rows), rows_accepted=0, rows_rejected=0,
                      problems_json="[]")
    session.add(batch)
    session.flush()
    problems = list(parsed.problems)
    accepted: list[tuple[int, int]] = []
    rejected_lines: set[int] = set()
    for row in parsed.rows:
        try:
            with session.begin_nested():
                app = submit_application(session, user, row.application, batch_id=batch.id, batch_line=row.line)
            accepted.append((row.line, app.id))
        except ApplicationInvalid as exc:
            rejected_lines.add(row.line)
            problems += [RowProblem(row.line, parsed.headers.get(column_of(p.field), column_of(p.field)), p.code,
                                    p.text("zh_Hans"), p.text("en")) for p in exc.problems]
        except JiaoguanError as exc:
            rejected_lines.add(row.line)
            column = parsed.headers.get(exc.field, exc.field) if exc.field else ""
            problems.append(RowProblem(row.line, column or "", exc.code, exc.text("zh_Hans"), exc.text("en")))
    batch.rows_accepted, batch.rows_rejected = len(accepted), len(rejected_lines)
    batch.problems_json = json.dumps([p.to_json() for p in problems], ensure_ascii=False)
    session.flush()
    audit.record(session, "pass.batch.upload", "pass_batch", batch.id,
                 f"{filename[:60]}: {len(accepted)} accepted, {len(rejected_lines)} refused")
    return BatchReport(batch, accepted, problems)
