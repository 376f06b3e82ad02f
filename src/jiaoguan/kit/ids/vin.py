"""Vehicle identification numbers (车辆识别代号, GB 16735 / ISO 3779).

The 9th character is a check digit. Domestic VINs must carry it, but imported (e.g. European)
vehicles may not, so a wrong check digit is a warning unless the caller asks for `strict=True`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jiaoguan.kit.ids.result import Checked, reject
from jiaoguan.kit.ids.text import compact

_VALUES = {**{str(d): d for d in range(10)},
           **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
           "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    """The check digit for a 17-character VIN (its own 9th character is ignored)."""
    total = sum(_VALUES[ch] * w for ch, w in zip(vin, _WEIGHTS, strict=True))
    r = total % 11
    return "X" if r == 10 else str(r)


@dataclass(frozen=True, kw_only=True)
class Vin(Checked):
    wmi: str | None = None             # world manufacturer identifier (1–3)
    vds: str | None = None             # vehicle descriptor (4–8)
    model_year_code: str | None = None  # 10th character
    plant_code: str | None = None       # 11th character
    serial: str | None = None           # 12–17
    check_digit_ok: bool | None = None


def check_vin(raw: str, *, strict: bool = False, field: str = "vin") -> Vin:
    vin = compact(raw)
    if not vin:
        return Vin(reason=reject("empty", field))
    if len(vin) != 17:
        return Vin(reason=reject("vin.length", field))
    if not re.fullmatch(r"[A-Z0-9]{17}", vin):
        return Vin(reason=reject("vin.format", field))
    if re.search(r"[IOQ]", vin):
        return Vin(reason=reject("vin.forbidden_letter", field))
    good = vin_check_digit(vin) == vin[8]
    problem = None if good else reject("vin.check_digit", field)
    if strict and problem:
        return Vin(reason=problem)
    return Vin(value=vin, warning=problem, wmi=vin[:3], vds=vin[3:8], model_year_code=vin[9],
               plant_code=vin[10], serial=vin[11:], check_digit_ok=good)


def require_vin(raw: str, *, strict: bool = False, field: str = "vin") -> Vin:
    return check_vin(raw, strict=strict, field=field).require()
