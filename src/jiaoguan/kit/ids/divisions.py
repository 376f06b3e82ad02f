"""GB/T 2260 administrative division codes (行政区划代码), current and retired.

Old ID numbers keep the area code of the place and year they were issued, so a code is accepted if
it was in use at *any* time. The data is python-stdnum's `stdnum/cn/loc.dat` (Wikipedia's list of
codes with the years each was in force, e.g. "[-2010]崇文区") merged with a small supplement of
retired codes shipped in `jiaoguan/kit/data/divisions_supplement.csv`.
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from jiaoguan.kit.ids.result import Checked, IdentifierError, reject
from jiaoguan.kit.ids.text import compact


class Level(enum.StrEnum):
    PROVINCE = "province"      # 省级
    PREFECTURE = "prefecture"  # 地级
    COUNTY = "county"          # 县级


#: Province-level divisions by 2-digit code, simplified names (stdnum spells 81/82 in traditional).
PROVINCES: Mapping[str, str] = MappingProxyType({
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
})

#: The 31 mainland plate abbreviations (号牌省份简称) and their province codes.
PLATE_PROVINCES: Mapping[str, str] = MappingProxyType({
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "贵": "52",
    "云": "53", "藏": "54", "陕": "61", "甘": "62", "青": "63", "宁": "64", "新": "65",
})

# Placeholder groupings that are not places, left out of full names:
# "北京市朝阳区", not "北京市市辖区朝阳区".
_GROUPINGS = ("市辖区", "县", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class Period:
    """One name a code carried, from `start` to `end` (years, inclusive; None = open)."""

    name: str
    start: int | None = None
    end: int | None = None

    def covers(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Division:
    code: str
    name: str          # the latest name the code carried
    full_name: str     # province + prefecture + county, e.g. 四川省雅安地区名山县
    level: Level
    retired: bool      # no longer in use
    periods: tuple[Period, ...] = ()

    def in_force(self, year: int) -> bool:
        return any(p.covers(year) for p in self.periods)


_ENTRY = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")


def _periods(names: str) -> list[Period]:
    out = []
    for part in names.split(","):
        m = _ENTRY.match(part.strip())
        if m is None:
            raise ValueError(f"cannot read division name {part!r}")
        start, end, name = m.groups()
        out.append(Period(name, int(start) if start else None, int(end) if end else None))
    return out


def parse_stdnum(text: str) -> dict[str, list[Period]]:
    """Read stdnum's loc.dat: `11 province="北京市"` then indented `  0105 county="朝阳区"`."""
    codes: dict[str, list[Period]] = {}
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if m := re.match(r'^(\d\d) province="([^"]*)"', line):
            province = m.group(1)
            codes[province + "0000"] = [Period(PROVINCES.get(province, m.group(2)))]
        elif (m := re.match(r'^\s+(\d{4}) county="([^"]*)"', line)) and province and m.group(1) != "0000":
            # (XX0000 is the province itself, already recorded above.)
            codes[province + m.group(1)] = _periods(m.group(2))
    return codes


def parse_supplement(text: str) -> dict[str, list[Period]]:
    rows = csv.DictReader(line for line in io.StringIO(text) if line.strip() and not line.startswith("#"))
    codes: dict[str, list[Period]] = {}
    for row in rows:
        period = Period(row["name"].strip(), int(row["start"]) if row["start"] else None,
                        int(row["end"]) if row["end"] else None)
        codes.setdefault(row["code"].strip(), []).append(period)
    return codes


def merge(base: Mapping[str, list[Period]], *extra: Mapping[str, list[Period]]) -> dict[str, list[Period]]:
    """Union of sources; a name the base already lists for a code is not added twice."""
    merged = {code: list(periods) for code, periods in base.items()}
    for source in extra:
        for code, periods in source.items():
            known = merged.setdefault(code, [])
            names = {p.name for p in known}
            known.extend(p for p in periods if p.name not in names)
    return merged


def level_of(code: str) -> Level:
    if code.endswith("0000"):
        return Level.PROVINCE
    return Level.PREFECTURE if code.endswith("00") else Level.COUNTY


def _latest(periods: Iterable[Period]) -> Period:
    # Open-ended (current) names first, then by the last year in use.
    return max(periods, key=lambda p: (p.end is None, p.end or 0, p.start or 0))


def build(codes: Mapping[str, list[Period]]) -> dict[str, Division]:
    divisions: dict[str, Division] = {}
    for code, periods in codes.items():
        latest = _latest(periods)
        level = level_of(code)
        parts = [PROVINCES.get(code[:2], "")]
        if level is Level.COUNTY and (parent := codes.get(code[:4] + "00")):
            parts.append(_latest(parent).name)
        if level is not Level.PROVINCE:
            parts.append(latest.name)
        full = "".join(p for p in parts if p not in _GROUPINGS)
        divisions[code] = Division(code, latest.name, full, level,
                                   retired=all(p.end is not None for p in periods),
                                   periods=tuple(periods))
    return divisions


@cache
def divisions() -> Mapping[str, Division]:
    """Every known division code, loaded once from the shipped data."""
    base = (resources.files("stdnum") / "cn" / "loc.dat").read_text("utf-8")
    extra = (resources.files("jiaoguan.kit") / "data" / "divisions_supplement.csv").read_text("utf-8")
    return MappingProxyType(build(merge(parse_stdnum(base), parse_supplement(extra))))


def find_division(code: str) -> Division | None:
    return divisions().get(compact(code))


@dataclass(frozen=True, kw_only=True)
class DivisionCheck(Checked):
    division: Division | None = None


def check_division_code(raw: str, *, in_year: int | None = None,
                        field: str = "division_code") -> DivisionCheck:
    """A known code (at any time, or in force in `in_year` when given)."""
    code = compact(raw)
    if not code:
        return DivisionCheck(reason=reject("empty", field))
    if not re.fullmatch(r"\d{6}", code):
        return DivisionCheck(reason=reject("division.format", field))
    found = divisions().get(code)
    if found is None:
        return DivisionCheck(reason=reject("division.unknown", field, value=code))
    if in_year is not None and not found.in_force(in_year):
        return DivisionCheck(reason=reject("division.not_in_force", field, value=code, year=in_year))
    return DivisionCheck(value=code, division=found)


def division(code: str) -> Division:
    """The division for `code`; raises `IdentifierError` (division.unknown / division.format)."""
    checked = check_division_code(code)
    if checked.division is None:
        assert checked.reason is not None
        raise IdentifierError(checked.reason)
    return checked.division


def is_county_level(code: str) -> bool:
    found = find_division(code)
    return found is not None and found.level is Level.COUNTY
