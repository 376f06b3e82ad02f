"""The catalogue of businesses (34项交管业务网上办) as data: the spec of one business, its validation, and its
JSON and CSV forms. Pure: no database, no web framework (`catalogue_store.py` keeps it in tables).

Every problem in an imported file is reported at once, by row and field, and nothing is imported when
there is one (`CatalogueInvalid`). Swapping in the official list is a data change: a JSON or CSV file.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_, translate

FORMAT = "jiaoguan.business.catalogue/1"
GROUPS = {"licence": N_("Driver licence and examination"), "vehicle": N_("Vehicle"),
          "violation": N_("Violations"), "accident": N_("Accidents"), "freight": N_("Freight")}
CHANNELS = {"online": N_("Online"), "window": N_("Window"), "kiosk": N_("Self-service kiosk")}
IDENTITY_LEVELS = {"real_name": N_("Real-name (实名)"), "face": N_("Face-verified (实人)")}
SUBJECTS = {"licence": N_("Your driving licence"), "vehicle": N_("One of your vehicles"), "person": N_("You")}
HANDLING = {"review": N_("Reviewed by a seat"), "instant": N_("Done at once when everything is in order"),
            "booking": N_("A booking, handed to the halls")}
CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
CHECK = re.compile(r"^[a-z][a-z0-9_ ]{1,59}$")  # the registry names its checks in words: "licence not detained"
PROVINCE = re.compile(r"^(\*|\d{2})$")
# CSV: channels are space-separated, checks semicolon-separated, materials and provinces JSON in their cell.
CSV_COLUMNS = ("number", "code", "name_zh", "name_en", "group", "channels", "materials", "checks",
               "sla_working_days", "identity_level", "proxy_allowed", "subject", "workflow", "handling", "provinces")


@dataclass(frozen=True)
class Material:
    code: str
    name_zh: str
    name_en: str
    required: bool = True
    original: bool = False       # the original must be shown (else a copy or a photo will do)
    later_allowed: bool = False  # may be handed in after the business is done (容缺)

    def name(self, locale: str | None = None) -> str:
        return self.name_en if (locale or "").startswith("en") else self.name_zh


@dataclass(frozen=True)
class Switch:
    online: bool = True
    rongque: bool = False  # 容缺办 allowed: done now, a material handed in later


@dataclass(frozen=True)
class BusinessSpec:
    number: int
    code: str
    name_zh: str
    name_en: str
    group: str
    channels: tuple[str, ...]
    materials: tuple[Material, ...]
    checks: tuple[str, ...]
    sla_working_days: int
    identity_level: str
    proxy_allowed: bool
    subject: str
    workflow: str
    handling: str
    provinces: dict[str, Switch] = field(default_factory=dict)  # "*" is the default for every province

    def title(self, locale: str | None = None) -> str:
        return self.name_en if (locale or "").startswith("en") else self.name_zh

    def switch(self, province_code: str | None) -> Switch:
        if province_code and province_code in self.provinces:
            return self.provinces[province_code]
        return self.provinces.get("*", Switch())

    def offered_online(self, province_code: str | None) -> bool:
        return "online" in self.channels and self.switch(province_code).online

    def rongque_allowed(self, province_code: str | None) -> bool:
        return self.switch(province_code).rongque

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["channels"], out["checks"] = list(self.channels), list(self.checks)
        out["materials"] = [asdict(m) for m in self.materials]
        out["provinces"] = {k: asdict(v) for k, v in sorted(self.provinces.items())}
        return out


@dataclass(frozen=True)
class Problem:
    row: int      # 1-based position in the file (CSV: the line)
    field: str
    msgid: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def text(self, locale: str | None = None) -> str:
        return translate(self.msgid, locale, **self.params)


class CatalogueInvalid(InvalidInput):
    code = "business.catalogue_invalid"
    message = N_("The catalogue was not imported: %(count)s problem(s).")

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(count=len(problems))
        self.problems = problems

    def problem_members(self) -> dict[str, Any]:
        return {"errors": [{"row": p.row, "field": p.field, "message": p.text()} for p in self.problems]}


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in {"1", "true", "yes", "y"} else False if text in {"0", "false", "no", "n", ""} else None


def parse_business(raw: Any, row: int, problems: list[Problem]) -> BusinessSpec | None:
    """One business from its JSON shape; problems are appended, None when it cannot be built."""
    start = len(problems)

    def bad(name: str, msgid: str, **params: Any) -> None:
        problems.append(Problem(row, name, msgid, params))

    if not isinstance(raw, dict):
        bad("-", N_("Each business must be an object."))
        return None
    code = str(raw.get("code", ""))
    if not CODE.match(code):
        bad("code", N_("The code must be lower-case letters, digits and underscores, 2 to 40 long."))
    for name in ("name_zh", "name_en"):
        if not str(raw.get(name, "")).strip() or len(str(raw.get(name, ""))) > 80:
            bad(name, N_("A name of 1 to 80 characters is needed."))
    try:
        number = int(raw.get("number", 0))
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        bad("number", N_("The number must be a positive whole number."))
    group = str(raw.get("group", ""))
    if group not in GROUPS:
        bad("group", N_("Unknown group %(value)s."), value=group)
    channels = tuple(raw.get("channels") or ())
    if not channels or any(c not in CHANNELS for c in channels):
        bad("channels", N_("Channels must be some of online, window, kiosk."))
    try:
        sla = int(raw.get("sla_working_days", -1))
    except (TypeError, ValueError):
        sla = -1
    if not 0 <= sla <= 60:
        bad("sla_working_days", N_("The SLA must be 0 to 60 working days."))
    level = str(raw.get("identity_level", ""))
    if level not in IDENTITY_LEVELS:
        bad("identity_level", N_("The identity level must be real_name or face."))
    subject = str(raw.get("subject", ""))
    if subject not in SUBJECTS:
        bad("subject", N_("The subject must be licence, vehicle or person."))
    handling = str(raw.get("handling", "review"))
    if handling not in HANDLING:
        bad("handling", N_("Handling must be review, instant or booking."))
    workflow = str(raw.get("workflow", "standard"))
    proxy = _bool(raw.get("proxy_allowed", False))
    if proxy is None:
        bad("proxy_allowed", N_("Write true or false."))
    checks = tuple(str(c).strip() for c in raw.get("checks") or () if str(c).strip())
    if any(not CHECK.match(c) for c in checks):
        bad("checks", N_("A check is named by lower-case letters, digits, spaces and underscores."))
    materials: list[Material] = []
    seen: set[str] = set()
    for m in raw.get("materials") or ():
        if not isinstance(m, dict) or not CODE.match(str(m.get("code", ""))) or not m.get("name_zh") \
                or not m.get("name_en"):
            bad("materials", N_("Each material needs a code and names in both languages."))
            continue
        if m["code"] in seen:
            bad("materials", N_("The material %(value)s is listed twice."), value=m["code"])
        seen.add(m["code"])
        flags = [_bool(m.get(k, d)) for k, d in (("required", True), ("original", False), ("later_allowed", False))]
        if None in flags:
            bad("materials", N_("Write true or false."))
            continue
        materials.append(Material(m["code"], str(m["name_zh"]), str(m["name_en"]), *flags))  # type: ignore[arg-type]
    provinces: dict[str, Switch] = {}
    for prov, sw in (raw.get("provinces") or {"*": {}}).items():
        online, rongque = _bool((sw or {}).get("online", True)), _bool((sw or {}).get("rongque", False))
        if not PROVINCE.match(str(prov)) or online is None or rongque is None:
            bad("provinces", N_("Province switches are keyed by a 2-digit province code or * and say true or false."))
            continue
        provinces[str(prov)] = Switch(online, rongque)
    if len(problems) > start:
        return None
    return BusinessSpec(number, code, str(raw["name_zh"]).strip(), str(raw["name_en"]).strip(), group, channels,
                        tuple(materials), checks, sla, level, bool(proxy), subject, workflow, handling, provinces)


def parse_catalogue(doc: Any) -> list[BusinessSpec]:
    """Every business of a catalogue document, or `CatalogueInvalid` listing every problem."""
    problems: list[Problem] = []
    items = doc.get("businesses") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not items:
        raise CatalogueInvalid([Problem(0, "businesses", N_("The file lists no business."))])
    parsed = [(i, s) for i, raw in enumerate(items, 1) if (s := parse_business(raw, i, problems)) is not None]
    specs = [s for _, s in parsed]
    codes: dict[str, int] = {}
    numbers: set[int] = set()
    for i, spec in parsed:
        if spec.code in codes:
            problems.append(Problem(i, "code", N_("The code %(value)s is used twice."), {"value": spec.code}))
        if spec.number in numbers:
            problems.append(Problem(i, "number", N_("The number %(value)s is used twice."), {"value": spec.number}))
        codes[spec.code] = i
        numbers.add(spec.number)
    if problems:
        raise CatalogueInvalid(problems)
    return specs


def shipped_catalogue() -> list[BusinessSpec]:
    text = (resources.files("jiaoguan.business") / "data" / "catalogue.json").read_text("utf-8")
    return parse_catalogue(json.loads(text))


def to_json(specs: list[BusinessSpec]) -> str:
    return json.dumps({"format": FORMAT, "businesses": [s.to_json() for s in specs]}, ensure_ascii=False,
                      indent=1) + "\n"


def from_json(text: str | bytes) -> list[BusinessSpec]:
    try:
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise CatalogueInvalid([Problem(0, "-", N_("The file is not JSON."))]) from None
    return parse_catalogue(doc)


def to_csv(specs: list[BusinessSpec]) -> str:
    """One row per business; lists are space-separated, materials and provinces JSON in their cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for s in specs:
        row = s.to_json()
        row["channels"], row["checks"] = " ".join(s.channels), "; ".join(s.checks)
        row["materials"] = json.dumps(row["materials"], ensure_ascii=False)
        row["provinces"] = json.dumps(row["provinces"], ensure_ascii=False)
        row["proxy_allowed"] = "true" if s.proxy_allowed else "false"
        writer.writerow(row)
    return out.getvalue()


def from_csv(text: str | bytes) -> list[BusinessSpec]:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CatalogueInvalid([Problem(0, "-", N_("The file is not UTF-8 text."))]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogueInvalid([Problem(1, c, N_("The column is missing.")) for c in missing])
    items: list[Any] = []
    problems: list[Problem] = []
    for line, row in enumerate(reader, 2):
        raw: dict[str, Any] = dict(row)
        raw["channels"] = (row["channels"] or "").split()
        raw["checks"] = [c.strip() for c in (row["checks"] or "").split(";") if c.strip()]
        for name in ("materials", "provinces"):
            try:
                raw[name] = json.loads(row[name] or ("[]" if name == "materials" else "{}"))
            except ValueError:
                problems.append(Problem(line, name, N_("The cell is not JSON.")))
        items.append(raw)
    if problems:
        raise CatalogueInvalid(problems)
    try:
        return parse_catalogue(items)
    except CatalogueInvalid as exc:  # rows of the file are lines: the header is line 1
        raise CatalogueInvalid([Problem(p.row + 1 if p.row else 0, p.field, p.msgid, p.params)
                                for p in exc.problems]) from None
