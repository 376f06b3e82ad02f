"""Where the demo population lives: provinces, their county codes, plate letters and offices."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jiaoguan.kit.ids.divisions import Division, Level, divisions

# Placeholder groupings (市辖区, 县) carry county-level codes but are not places anyone lives.
_GROUPINGS = frozenset({"市辖区", "县", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True)
class Province:
    code: str
    abbreviation: str            # plate abbreviation (号牌省份简称)
    name_en: str
    plate_letters: str           # issuing-office letters (发牌机关代号) used in the demo
    weight: int                  # share of the population


PROVINCES = (
    Province("11", "京", "Beijing", "ABCEFGHJKLMNPQ", 22),
    Province("31", "沪", "Shanghai", "ABCDEFGHJKLMNR", 20),
    Province("44", "粤", "Guangdong", "ABCDEFGHJKLMNPQRSTUVWXY", 24),
    Province("51", "川", "Sichuan", "ABCDEFHJKLMQRSTUVWXYZ", 16),
    Province("14", "晋", "Shanxi", "ABCDEFHJKLM", 8),
    Province("42", "鄂", "Hubei", "ABCDEFGHJKLMNPQRS", 10),
)
PROVINCE_BY_CODE = {p.code: p for p in PROVINCES}


@dataclass(frozen=True)
class Areas:
    """County-level codes of one province: current ones (addresses) and retired ones (old IDs)."""

    current: tuple[Division, ...]
    retired: tuple[tuple[Division, int], ...]   # (division, last year in use)


@cache
def areas(province: str) -> Areas:
    current: list[Division] = []
    retired: list[tuple[Division, int]] = []
    for code in sorted(divisions()):
        d = divisions()[code]
        if not code.startswith(province) or d.level is not Level.COUNTY or d.name in _GROUPINGS:
            continue
        if d.retired:
            last = max(p.end or 0 for p in d.periods)
            if last >= 1960:
                retired.append((d, last))
        else:
            current.append(d)
    return Areas(tuple(current), tuple(retired))


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    name: str
    name_en: str
    division_code: str
    province_code: str


# The provincial-capital 车管所 and one branch (分所) per province; codes are division code + serial.
OFFICES = (
    OfficeSpec("11010501", "北京市公安局公安交通管理局车辆管理所", "Beijing Vehicle Administration Office",
               "110105", "11"),
    OfficeSpec("11010102", "北京市车辆管理所东城分所", "Beijing Vehicle Administration, Dongcheng branch",
               "110101", "11"),
    OfficeSpec("31011501", "上海市公安局交通警察总队车辆管理所", "Shanghai Vehicle Administration Office",
               "310115", "31"),
    OfficeSpec("31010402", "上海市车辆管理所徐汇分所", "Shanghai Vehicle Administration, Xuhui branch",
               "310104", "31"),
    OfficeSpec("44010601", "广州市公安局交通警察支队车辆管理所", "Guangzhou Vehicle Administration Office",
               "440106", "44"),
    OfficeSpec("44030402", "深圳市公安局交通警察局车辆管理所福田分所",
               "Shenzhen Vehicle Administration, Futian branch", "440304", "44"),
    OfficeSpec("51010701", "成都市公安局交通管理局车辆管理所", "Chengdu Vehicle Administration Office",
               "510107", "51"),
    OfficeSpec("51010402", "成都市车辆管理所锦江分所", "Chengdu Vehicle Administration, Jinjiang branch",
               "510104", "51"),
    OfficeSpec("14010501", "太原市公安局交通警察支队车辆管理所", "Taiyuan Vehicle Administration Office",
               "140105", "14"),
    OfficeSpec("14010602", "太原市车辆管理所迎泽分所", "Taiyuan Vehicle Administration, Yingze branch",
               "140106", "14"),
    OfficeSpec("42010601", "武汉市公安局交通管理局车辆管理所", "Wuhan Vehicle Administration Office",
               "420106", "42"),
    OfficeSpec("42010202", "武汉市车辆管理所江岸分所", "Wuhan Vehicle Administration, Jiang'an branch",
               "420102", "42"),
)
