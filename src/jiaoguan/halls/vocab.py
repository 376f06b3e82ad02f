"""The halls room's words: office kinds, lanes, business groups, channels, and the diversion hints."""

from __future__ import annotations

from enum import StrEnum

from jiaoguan.kit.i18n import N_


class OfficeKind(StrEnum):
    main = "main"          # 车管所
    branch = "branch"      # 分所
    station = "station"    # 服务站


OFFICE_KINDS = {OfficeKind.main: N_("Vehicle administration office"), OfficeKind.branch: N_("Branch office"),
                OfficeKind.station: N_("Service station")}


class Lane(StrEnum):
    normal = "normal"
    emergency = "emergency"        # 急事急办 (应急)
    key_material = "key_material"  # 特事特办: holders of an active key-material transport pass
    assisted = "assisted"          # the elderly and the disabled


LANES = {Lane.normal: N_("Normal"), Lane.emergency: N_("Emergency"), Lane.key_material: N_("Key material"),
         Lane.assisted: N_("Assisted")}
# The letter a ticket number starts with, per lane.
LANE_LETTERS = {Lane.normal: "A", Lane.emergency: "E", Lane.key_material: "K", Lane.assisted: "B"}


class Channel(StrEnum):
    citizen = "citizen"
    proxy = "proxy"
    hotline = "hotline"
    kiosk = "kiosk"
    clerk = "clerk"
    business = "business"  # an inspection or exam the business room asked for


CHANNELS = {Channel.citizen: N_("Online"), Channel.proxy: N_("By a proxy"), Channel.hotline: N_("By the hotline"),
            Channel.kiosk: N_("At the kiosk"), Channel.clerk: N_("At the window"),
            Channel.business: N_("With the application")}


class Allocation(StrEnum):
    first_come = "first_come"              # booked at once, while places last
    acceptance_order = "acceptance_order"  # requests in a window, allocated by acceptance date
    lottery = "lottery"                    # requests in a window, a seeded lottery weighted by waiting time


ALLOCATIONS = {Allocation.first_come: N_("First come, first served"),
               Allocation.acceptance_order: N_("In order of acceptance date"),
               Allocation.lottery: N_("Lottery weighted by waiting time")}

# Business groups a window serves and slots are made for: (name msgid, diversion hint msgid or "").
GROUPS: dict[str, tuple[str, str]] = {
    "vehicle": (N_("Vehicle registration"),
                N_("Transfers, changes and certificate replacements can be done online in the 12123 app.")),
    "licence": (N_("Driving licences"),
                N_("Licence renewals and replacements can be done at the self-service terminal.")),
    "violation": (N_("Traffic violations"),
                  N_("Fines and points can be handled online or at the self-service terminal.")),
    "inspection": (N_("Vehicle inspection"), ""),
    "exam": (N_("Driving tests"), ""),
}
KIOSK_GROUPS = ("licence", "violation")  # what the self-service terminal can do by itself


def group_name(code: str) -> str:
    return GROUPS.get(code, (code, ""))[0]


def diversion_hint(code: str) -> str:
    return GROUPS.get(code, ("", ""))[1]


WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))

# The kinds of opening hours (halls.schedule.HOURS_KINDS) as the schedule editor names them.
HOURS_KIND_NAMES = {"regular": N_("Regular hours"), "extended": N_("Extended hours (延时服务)"),
                    "weekend": N_("Weekend service day")}
