"""Plate type codes (号牌种类代码, GA 24.7).

A plate is identified by (plate type, plate number): the same number can exist under two types.
One published code list swaps 51 and 52; the majority (and this table) has 51 = large NEV,
52 = small NEV.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from jiaoguan.kit.ids.plates import PlateKind
from jiaoguan.kit.ids.result import Checked, reject
from jiaoguan.kit.ids.text import compact


@dataclass(frozen=True)
class PlateType:
    code: str
    name_zh: str
    name_en: str


_TABLE = [
    ("01", "大型汽车", "Large vehicle"), ("02", "小型汽车", "Small car"),
    ("03", "使馆汽车", "Embassy car"), ("04", "领馆汽车", "Consulate car"),
    ("05", "境外汽车", "Foreign-registered car"), ("06", "外籍汽车", "Foreign-owned car"),
    ("07", "普通摩托车", "Ordinary motorcycle"), ("08", "轻便摩托车", "Moped"),
    ("09", "使馆摩托车", "Embassy motorcycle"), ("10", "领馆摩托车", "Consulate motorcycle"),
    ("11", "境外摩托车", "Foreign-registered motorcycle"), ("12", "外籍摩托车", "Foreign-owned motorcycle"),
    ("13", "低速车", "Low-speed vehicle"), ("14", "拖拉机", "Tractor"), ("15", "挂车", "Trailer"),
    ("16", "教练汽车", "Coach car"), ("17", "教练摩托车", "Coach motorcycle"),
    ("18", "试验汽车", "Test car"), ("19", "试验摩托车", "Test motorcycle"),
    ("20", "临时入境汽车", "Temporary-entry car"), ("21", "临时入境摩托车", "Temporary-entry motorcycle"),
    ("22", "临时行驶车", "Temporary plate"), ("23", "警用汽车", "Police car"),
    ("24", "警用摩托", "Police motorcycle"), ("25", "原农机号牌", "Former farm-machine plate"),
    ("26", "香港入出境车", "Hong Kong cross-border vehicle"),
    ("27", "澳门入出境车", "Macao cross-border vehicle"),
    ("31", "武警号牌", "Armed police plate"), ("32", "军队号牌", "Military plate"),
    ("33", "应急号牌", "Emergency-rescue plate"),  # single source; kept so such records can be read
    ("41", "无号牌", "No plate"), ("42", "假号牌", "Fake plate"), ("43", "挪用号牌", "Misused plate"),
    ("51", "大型新能源汽车", "Large new-energy vehicle"),
    ("52", "小型新能源汽车", "Small new-energy vehicle"),
    ("99", "其他号牌", "Other plate"),
]

PLATE_TYPES: Mapping[str, PlateType] = MappingProxyType({c: PlateType(c, zh, en) for c, zh, en in _TABLE})

# Which plate types a plate number of each kind can be registered under (01/02 differ only in size).
_TYPES_FOR_KIND = {
    PlateKind.ORDINARY: ("02", "01"), PlateKind.SMALL_NEV: ("52",), PlateKind.LARGE_NEV: ("51",),
    PlateKind.COACH: ("16", "17"), PlateKind.POLICE: ("23", "24"), PlateKind.TRAILER: ("15",),
    PlateKind.HONG_KONG: ("26",), PlateKind.MACAO: ("27",), PlateKind.CONSULATE: ("04", "10"),
    PlateKind.EMBASSY: ("03", "09"),
}


@dataclass(frozen=True, kw_only=True)
class PlateTypeCheck(Checked):
    plate_type: PlateType | None = None


def check_plate_type(raw: str | int, *, field: str = "plate_type") -> PlateTypeCheck:
    """Accepts "02", "2" or 2; the value is the 2-digit code."""
    code = compact(str(raw))
    if not code:
        return PlateTypeCheck(reason=reject("empty", field))
    code = code.zfill(2) if code.isdigit() else code
    found = PLATE_TYPES.get(code)
    if found is None:
        return PlateTypeCheck(reason=reject("plate_type.unknown", field, value=code))
    return PlateTypeCheck(value=code, plate_type=found)


def plate_type(code: str | int) -> PlateType:
    """The plate type for `code`; raises `IdentifierError` (plate_type.unknown)."""
    checked = check_plate_type(code).require()
    assert checked.plate_type is not None
    return checked.plate_type


def plate_types_for(kind: PlateKind) -> tuple[PlateType, ...]:
    """Plate types a number of this kind may carry, most common first (a form's default choice)."""
    return tuple(PLATE_TYPES[c] for c in _TYPES_FOR_KIND[kind])
