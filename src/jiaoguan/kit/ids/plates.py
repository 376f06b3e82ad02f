"""Plate numbers (号牌号码, GA 36-2018): parse, normalise and classify.

Stored form has no separator (京A12345); the display form puts the `·` after the issuing office
(京A·12345). Letters I and O are never issued; O survives on some old police and government plates,
which are accepted only when the caller asks for `legacy=True` (historical records).
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass

from jiaoguan.kit.ids.divisions import PLATE_PROVINCES
from jiaoguan.kit.ids.result import Checked, reject
from jiaoguan.kit.ids.text import compact

# Traditional forms people type (Taiwan/HK input methods); the plate itself is always simplified.
TRADITIONAL_PROVINCES = {
    "貴": "贵", "雲": "云", "遼": "辽", "魯": "鲁", "蘇": "苏", "贛": "赣", "晉": "晋",
    "陝": "陕", "閩": "闽", "寧": "宁", "瓊": "琼", "滬": "沪", "粵": "粤",
}


class PlateKind(enum.StrEnum):
    ORDINARY = "ordinary"      # 普通汽车号牌 (blue small / yellow large), 5-character serial
    SMALL_NEV = "small_nev"    # 小型新能源汽车号牌
    LARGE_NEV = "large_nev"    # 大型新能源汽车号牌
    COACH = "coach"            # 教练 (学)
    POLICE = "police"          # 警用 (警)
    TRAILER = "trailer"        # 挂车 (挂)
    HONG_KONG = "hong_kong"    # 粤Z…港
    MACAO = "macao"            # 粤Z…澳
    CONSULATE = "consulate"    # 领馆 (领)
    EMBASSY = "embassy"        # 使馆 (使)


class Energy(enum.StrEnum):
    PURE_ELECTRIC = "pure_electric"           # 纯电动: D, and reserved A B C E
    NON_PURE_ELECTRIC = "non_pure_electric"   # 非纯电动 (plug-in, range extender, fuel cell): F; G H J K


_ENERGY = {**dict.fromkeys("ABCDE", Energy.PURE_ELECTRIC), **dict.fromkeys("FGHJK", Energy.NON_PURE_ELECTRIC)}
_SUFFIXES = {"学": PlateKind.COACH, "警": PlateKind.POLICE, "挂": PlateKind.TRAILER,
             "港": PlateKind.HONG_KONG, "澳": PlateKind.MACAO}


@dataclass(frozen=True, kw_only=True)
class Plate(Checked):
    kind: PlateKind | None = None
    display: str | None = None          # 京A·12345
    province: str | None = None         # 京 (None for embassy plates)
    province_code: str | None = None    # 11
    authority: str | None = None        # issuing-office letter (发牌机关代号)
    energy: Energy | None = None        # new-energy plates only
    legacy: bool = False                # contains the letter O of an old plate


# Remembered: a page shows every plate it lists through here (a citizen's records judge and display each vehicle's
# plate several times), and the answer depends on nothing but the arguments; a `Plate` cannot change.
@functools.lru_cache(maxsize=8192)
def check_plate(raw: str, *, legacy: bool = False, field: str = "plate_no") -> Plate:
    """Check a plate number; `legacy=True` also accepts the letter O of old plates (never issue one)."""
    plate = compact(raw)
    if not plate:
        return Plate(reason=reject("empty", field))
    if "使" in plate:
        return _embassy(plate, field)
    head, rest = plate[0], plate[1:]
    if head in TRADITIONAL_PROVINCES:
        simplified = TRADITIONAL_PROVINCES[head]
        return Plate(reason=reject("plate.traditional_province", field, simplified=simplified))
    if head not in PLATE_PROVINCES:
        return Plate(reason=reject("plate.province", field))
    code = PLATE_PROVINCES[head]
    if re.fullmatch(r"\d{5}领", rest):
        return Plate(value=plate, kind=PlateKind.CONSULATE, display=f"{head}{rest[:3]}·{rest[3:]}",
                     province=head, province_code=code)
    if not rest or not ("A" <= rest[0] <= "Z"):
        return Plate(reason=reject("plate.authority", field))
    body = rest[:-1] if rest[-1] in _SUFFIXES else rest
    if "I" in body or ("O" in body and not legacy):
        return Plate(reason=reject("plate.letter_i_or_o", field))
    authority, serial = rest[0], rest[1:]
    kind, energy = _classify(head, authority, serial, legacy)
    if kind is None:
        if len(serial) == 5 and re.fullmatch(r"[A-Z]{5}", serial):
            return Plate(reason=reject("plate.all_letters", field))
        return Plate(reason=reject("plate.format", field))
    old = "O" in body
    return Plate(value=plate, kind=kind, display=f"{head}{authority}·{serial}", province=head,
                 province_code=code, authority=authority, energy=energy, legacy=old,
                 warning=reject("plate.legacy_o", field) if old else None)


def _classify(head: str, authority: str, serial: str, legacy: bool) -> tuple[PlateKind | None, Energy | None]:
    letter = "A-HJ-NP-Z" + ("O" if legacy else "")
    if re.fullmatch(f"[{letter}0-9]{{5}}", serial) and re.search(r"\d", serial):
        return PlateKind.ORDINARY, None
    if re.fullmatch(r"[A-HJK][A-HJ-NP-Z0-9]\d{4}", serial):
        return PlateKind.SMALL_NEV, _ENERGY[serial[0]]
    if re.fullmatch(r"\d{5}[A-HJK]", serial):
        return PlateKind.LARGE_NEV, _ENERGY[serial[-1]]
    if len(serial) == 5 and serial[-1] in _SUFFIXES and re.fullmatch(f"[{letter}0-9]{{4}}", serial[:4]):
        kind = _SUFFIXES[serial[-1]]
        cross_border = kind in (PlateKind.HONG_KONG, PlateKind.MACAO)
        # HK/Macao cross-border plates are issued by Guangdong's office Z only.
        if cross_border != (head == "粤" and authority == "Z"):
            return None, None
        return kind, None
    return None, None


def _embassy(plate: str, field: str) -> Plate:
    # Mission code (3 digits) + serial (3 digits); 使 is seen before or after the digits, stored after.
    m = re.fullmatch(r"使?(\d{6})使?", plate)
    if m is None or plate.count("使") != 1:
        return Plate(reason=reject("plate.format", field))
    digits = m.group(1)
    return Plate(value=f"{digits}使", kind=PlateKind.EMBASSY, display=f"{digits[:3]}·{digits[3:]}使")


def require_plate(raw: str, *, legacy: bool = False, field: str = "plate_no") -> Plate:
    return check_plate(raw, legacy=legacy, field=field).require()
