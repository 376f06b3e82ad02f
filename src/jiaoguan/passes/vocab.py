"""Closed vocabularies printed on the pass (REFERENCE.md B.2): codes in the QR, words on screen.

The values are English msgids; the Chinese words live in locale/zh_Hans/LC_MESSAGES/passes.po.
"""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

# 车牌颜色, as collected by the application forms (Guizhou, S9).
PLATE_COLOURS: dict[str, str] = {
    "yellow": N_("yellow plate"),
    "blue": N_("blue plate"),
    "green": N_("green plate"),
    "yellow_green": N_("yellow-green plate"),
}

# 物资类别 of the national template and the provinces' forms (S12, S9, S11).
CARGO_CATEGORIES: dict[str, str] = {
    "medical": N_("medical and prevention supplies"),
    "daily_necessities": N_("daily necessities"),
    "government_reserves": N_("government reserves"),
    "postal_express": N_("post and express"),
    "agriculture": N_("agricultural means of production"),
    "energy": N_("energy"),
    "raw_materials": N_("raw materials"),
    "key_industrial": N_("key industrial products"),
    "foreign_trade": N_("key foreign-trade goods"),
}
