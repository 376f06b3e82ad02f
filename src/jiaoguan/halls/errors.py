"""The halls room's refusals (`halls.<reason>`)."""

from __future__ import annotations

from typing import Any

from jiaoguan.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from jiaoguan.kit.i18n import N_, translate


class SlotFull(Conflict):
    code = "halls.slot_full"
    message = N_("This time is fully booked. Please choose another.")


class SlotClosed(Conflict):
    code = "halls.slot_closed"
    message = N_("This time cannot be booked: the hall is closed then.")


class OutsideHorizon(InvalidInput):
    code = "halls.outside_horizon"
    message = N_("Appointments can be made from %(notice)s minutes to %(days)s days ahead.")


class FairAllocationOnly(Conflict):
    code = "halls.fair_allocation"
    message = N_("Places for this business are allocated by the published rule: please send a request instead.")


class DailyCapReached(Conflict):
    code = "halls.daily_cap"
    message = N_("You already have %(cap)s appointments on that day.")


class Overlap(Conflict):
    code = "halls.overlap"
    message = N_("You already have an appointment at that time.")


class Banned(Forbidden):
    code = "halls.banned"
    message = N_("After %(count)s missed appointments you may book again from %(until)s. You can still come as a "
                 "walk-in, or ask the hotline.")


class IdempotencyMismatch(Conflict):
    code = "halls.idempotency_mismatch"
    message = N_("This request key was already used for another appointment.")


class HoldExpired(Conflict):
    code = "halls.hold_expired"
    message = N_("The time was held for you for a few minutes only and has been released. Please book again.")


class TooLateToChange(Conflict):
    code = "halls.too_late"
    message = N_("An appointment can be changed or cancelled up to %(minutes)s minutes before it.")


class CheckInTooEarly(Conflict):
    code = "halls.too_early"
    message = N_("Check-in opens %(minutes)s minutes before the appointment, at %(time)s.")


class NotToday(Conflict):
    code = "halls.not_today"
    message = N_("This appointment is not for today.")


class NotFoundHere(NotFound):
    code = "halls.not_found"
    message = N_("Not found.")


class InvalidSchedule(InvalidInput):
    code = "halls.invalid_schedule"
    message = N_("The schedule is not valid: %(problem)s")


class NothingToCall(Conflict):
    code = "halls.queue_empty"
    message = N_("Nobody is waiting for this window.")


class RequestWindowClosed(Conflict):
    code = "halls.request_window_closed"
    message = N_("Requests for this day closed on %(closed)s.")


class AlreadyAllocated(Conflict):
    code = "halls.already_allocated"
    message = N_("The places of this day have already been allocated.")


class UnknownPerson(NotFound):
    code = "halls.unknown_person"
    message = N_("No person with this ID number is registered.")


class ProxyNotAuthorised(Forbidden):
    code = "halls.proxy_not_authorised"
    message = N_("You may book for this person only with their authorisation (代办) for this business, valid today.")


class InvalidRules(InvalidInput):
    """Every problem of a set of booking rules at once, each a sentence naming its rule."""

    code = "halls.invalid_rules"
    message = N_("The booking rules were not saved.")

    def __init__(self, problems: list[tuple[str, str, dict[str, Any]]]) -> None:
        super().__init__(field=problems[0][0] if problems else None)
        self.problems = problems

    def by_rule(self, locale: str | None = None) -> dict[str, str]:
        return {name: translate(msgid, locale, **params) for name, msgid, params in self.problems}

    def text(self, locale: str | None = None) -> str:
        from jiaoguan.halls.rules import BY_NAME

        parts = [f"{translate(BY_NAME[n].label, locale) if n in BY_NAME else n}: {t}"
                 for n, t in self.by_rule(locale).items()]
        return " ".join([translate(self.message, locale), *parts])

    def problem_members(self) -> dict[str, Any]:
        return {"field": self.field, "fields": [name for name, _, _ in self.problems]}
