"""Driving-licence classes (准驾车型, Decree 162 art 11 and annex 1).

A licence records a set of classes, written run together ("A2D"); each class also permits others
("also permits", annex 1), and permission is the transitive closure of that relation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

from jiaoguan.kit.ids.result import Checked, IdentifierError, reject
from jiaoguan.kit.ids.text import compact


@dataclass(frozen=True)
class LicenceClass:
    code: str
    name_zh: str
    name_en: str
    also_permits: tuple[str, ...] = ()


_TABLE = [
    LicenceClass("A1", "大型客车", "Large bus", ("A3", "B1", "B2", "C1", "C2", "C3", "C4", "M")),
    LicenceClass("A2", "重型牵引挂车", "Heavy tractor-trailer",
                 ("B1", "B2", "C1", "C2", "C3", "C4", "C6", "M")),
    LicenceClass("A3", "城市公交车", "City bus", ("C1", "C2", "C3", "C4")),
    LicenceClass("B1", "中型客车", "Medium bus", ("C1", "C2", "C3", "C4", "M")),
    # The code transcription of annex 1 omits B2's row; B2 permits the C classes and M like B1.
    LicenceClass("B2", "大型货车", "Large truck", ("C1", "C2", "C3", "C4", "M")),
    LicenceClass("C1", "小型汽车", "Small car", ("C2", "C3", "C4")),
    LicenceClass("C2", "小型自动挡汽车", "Small automatic car"),
    LicenceClass("C3", "低速载货汽车", "Low-speed truck", ("C4",)),
    LicenceClass("C4", "三轮汽车", "Three-wheeled car"),
    LicenceClass("C5", "残疾人专用小型自动挡载客汽车", "Disabled-adapted small automatic car"),
    LicenceClass("C6", "轻型牵引挂车", "Light tractor-trailer"),
    LicenceClass("D", "普通三轮摩托车", "Three-wheeled motorcycle", ("E", "F")),
    LicenceClass("E", "普通二轮摩托车", "Two-wheeled motorcycle", ("F",)),
    LicenceClass("F", "轻便摩托车", "Moped"),
    LicenceClass("M", "轮式专用机械车", "Wheeled special machinery"),
    LicenceClass("N", "无轨电车", "Trolleybus"),
    LicenceClass("P", "有轨电车", "Tram"),
]

#: All classes in the order of Decree 162 art 11 (also the order a licence prints them in).
LICENCE_CLASSES: Mapping[str, LicenceClass] = MappingProxyType({c.code: c for c in _TABLE})
_ORDER = {code: i for i, code in enumerate(LICENCE_CLASSES)}
#: Classes whose holders review every scoring cycle (A/B 类).
AB_CLASSES = frozenset({"A1", "A2", "A3", "B1", "B2"})


@dataclass(frozen=True, kw_only=True)
class LicenceClasses(Checked):
    classes: tuple[str, ...] = ()


# Remembered like `check_plate`: the answer depends on nothing but the arguments and cannot change, and the issuer's
# queue reads every driver's classes twice per application (the class the vehicle needs, the classes held).
@lru_cache(maxsize=1024)
def check_licence_classes(raw: str, *, field: str = "licence_classes") -> LicenceClasses:
    """Read "A2D", "c1e" or "A2, D" into classes in official order; value is the run-together form."""
    text = compact(raw).replace(",", "").replace("，", "").replace("/", "").replace("、", "")
    if not text:
        return LicenceClasses(reason=reject("empty", field))
    found: set[str] = set()
    i = 0
    while i < len(text):
        # Two-character codes first: "C1" must not read as "C" + "1".
        two, one = text[i:i + 2], text[i]
        if two in LICENCE_CLASSES:
            found.add(two)
            i += 2
        elif one in LICENCE_CLASSES:
            found.add(one)
            i += 1
        else:
            return LicenceClasses(reason=reject("licence_class.unknown", field, value=text[i:i + 2]))
    classes = tuple(sorted(found, key=_ORDER.__getitem__))
    return LicenceClasses(value="".join(classes), classes=classes)


def parse_licence_classes(raw: str) -> list[str]:
    """The classes of "A2D" as ["A2", "D"]; raises `IdentifierError` on an unknown class."""
    return list(check_licence_classes(raw).require().classes)


def _as_classes(classes: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(classes, str):
        return tuple(parse_licence_classes(classes))
    listed = tuple(classes)
    for code in listed:
        if code not in LICENCE_CLASSES:
            raise IdentifierError(reject("licence_class.unknown", "licence_classes", value=code))
    return listed


@cache
def _closure(code: str) -> frozenset[str]:
    permitted = {code}
    for other in LICENCE_CLASSES[code].also_permits:
        permitted |= _closure(other)
    return frozenset(permitted)


def permitted_classes(classes: str | Iterable[str]) -> frozenset[str]:
    """Every class a licence holding `classes` may drive (transitive closure of "also permits")."""
    out: frozenset[str] = frozenset()
    for code in _as_classes(classes):
        out |= _closure(code)
    return out


def permits(classes: str | Iterable[str], vehicle_class: str) -> bool:
    """May a holder of `classes` ("A2D" or ["A2", "D"]) drive a vehicle needing `vehicle_class`?"""
    wanted = _as_classes(compact(vehicle_class))
    return len(wanted) == 1 and wanted[0] in permitted_classes(classes)


def is_ab_class(classes: str | Iterable[str]) -> bool:
    """Does the licence hold an A or B class (A1 A2 A3 B1 B2), which brings yearly review?"""
    return any(code in AB_CLASSES for code in _as_classes(classes))
