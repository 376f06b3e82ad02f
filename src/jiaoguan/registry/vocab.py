"""Display names of the registry's stored codes (English msgids; Chinese in registry.po)."""

from __future__ import annotations

from jiaoguan.kit.i18n import N_

VEHICLE_TYPES = {
    "small_car": N_("Small passenger car"),
    "light_truck": N_("Light truck"),
    "heavy_truck": N_("Heavy truck"),
    "tractor_unit": N_("Tractor unit"),
    "semi_trailer": N_("Semi-trailer"),
    "large_bus": N_("Large bus"),
    "motorcycle": N_("Motorcycle"),
}

USE_NATURES = {
    "non_operating": N_("Non-operating"),
    "operating_passenger": N_("Passenger transport"),
    "freight": N_("Freight"),
}


def vehicle_type_name(code: str) -> str:
    return VEHICLE_TYPES.get(code, code)


def use_nature_name(code: str) -> str:
    return USE_NATURES.get(code, code)
