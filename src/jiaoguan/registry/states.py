"""State tags for registry records: what a citizen or clerk needs to know about a record today.

Pure: dates in, tags out. These are the base rules of Decree 162 (licences) and Decree 164 (vehicles);
temporary measures (延期办) that move a deadline are applied by the deadlines room on top of them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from markupsafe import Markup, escape
from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from jiaoguan.kit.calendar import add_months, add_years
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.ids import is_ab_class

#: Renew within 90 days before expiry (Decree 162 art 63).
RENEWAL_WINDOW_DAYS = 90
#: More than one year past expiry the licence is cancelled (Decree 162 art 79(8)).
CANCEL_AFTER_YEARS = 1
#: The inspection sticker can be applied for within 3 months before expiry (Decree 164 art 54).
INSPECTION_WINDOW_MONTHS = 3
#: Three consecutive inspection cycles missed: the vehicle must be scrapped (强制报废).
SCRAP_AFTER_MISSED_CYCLES = 3
# Reminder horizons: not legal deadlines, just how early a page starts to warn.
INSURANCE_WARN_DAYS = 30
OBLIGATION_WARN_DAYS = 60
PERMIT_WARN_DAYS = 90
PLATE_HOLD_WARN_DAYS = 3

LICENCE_STATUSES = ("valid", "expired", "cancelled", "detained", "revoked", "deferred")
VEHICLE_STATUSES = ("normal", "mortgaged", "detained", "scrapped", "cancelled")
PERMIT_STATUSES = ("valid", "expired", "used", "cancelled")
PLATE_HOLD_STATUSES = ("held", "expired", "registered", "released")


class Tone(enum.StrEnum):
    """How a page colours a tag (CSS classes tag ok/warn/bad/grey)."""

    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    GREY = "grey"


@dataclass(frozen=True)
class StateTag:
    code: str                     # stable, e.g. "licence.renewal_window"
    tone: Tone
    msgid: str                    # English msgid; `text()` translates
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def text(self, locale: str | None = None) -> str:
        return translate(self.msgid, locale, **self.params)

    def __html__(self) -> Markup:
        """How a page shows it (`{{ tag }}`), in the request's language: no template macro per tag."""
        # An f-string of escaped parts: Markup.format walks string.Formatter, three times slower, six tags a page.
        return Markup(f'<span class="tag {escape(self.tone.value)}" data-state="{escape(self.code)}">'
                      f'{escape(self.text())}</span>')

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """In a JSON response a tag is `{code, tone, text}`, its text in the request's language: the msgid and
        its parameters stay inside, and translation waits until the response is written."""
        return core_schema.json_or_python_schema(
            python_schema=core_schema.is_instance_schema(cls), json_schema=_TAG_JSON,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda t: {"code": t.code, "tone": t.tone.value, "text": t.text()}, return_schema=_TAG_JSON))


_TAG_JSON = core_schema.typed_dict_schema({
    "code": core_schema.typed_dict_field(core_schema.str_schema(
        metadata={"pydantic_js_updates": {"description": "Stable state code, e.g. licence.renewal_window"}})),
    "tone": core_schema.typed_dict_field(core_schema.literal_schema([t.value for t in Tone])),
    "text": core_schema.typed_dict_field(core_schema.str_schema()),
}, ref="StateTag")


def _tag(code: str, tone: Tone, msgid: str, **params: Any) -> StateTag:
    return StateTag(code, tone, msgid, MappingProxyType(params))


def _iso(d: dt.date) -> str:
    return d.isoformat()


def licence_states(*, status: str, valid_to: dt.date | None, classes: str, points: int,
                   review_due: dt.date | None, medical_due: dt.date | None, on: dt.date) -> list[StateTag]:
    """The licence's validity, then any review (审验) or medical-certificate obligation."""
    if status == "cancelled":
        return [_tag("licence.cancelled", Tone.GREY, N_("Cancelled"))]
    if status == "revoked":
        return [_tag("licence.revoked", Tone.BAD, N_("Revoked"))]
    tags: list[StateTag] = []
    if status == "detained":
        tags.append(_tag("licence.detained", Tone.BAD, N_("Detained")))
    if status == "deferred":   # 延期 (Decree 162 art 75): no driving until the deferred matter is done
        tags.append(_tag("licence.deferred", Tone.WARN, N_("Deferred: no driving until it is done")))
    if valid_to is None:
        tags.append(_tag("licence.long_term", Tone.OK, N_("Valid long-term")))
    elif on > add_years(valid_to, CANCEL_AFTER_YEARS):
        tags.append(_tag("licence.cancel_eligible", Tone.BAD,
                         N_("Expired on %(date)s, more than a year ago: liable to cancellation"),
                         date=_iso(valid_to)))
    elif on > valid_to:
        tags.append(_tag("licence.overdue", Tone.BAD,
                         N_("Expired on %(date)s: renew within one year of expiry"), date=_iso(valid_to)))
    elif (valid_to - on).days <= RENEWAL_WINDOW_DAYS:
        tags.append(_tag("licence.renewal_window", Tone.WARN,
                         N_("Renewal window open: expires on %(date)s (%(days)s days left)"),
                         date=_iso(valid_to), days=(valid_to - on).days))
    else:
        tags.append(_tag("licence.valid", Tone.OK, N_("Valid until %(date)s"), date=_iso(valid_to)))
    if review_due is not None:
        tags.append(_obligation("licence.review", review_due, on,
                                N_("Review (审验) overdue since %(date)s"), N_("Review (审验) due by %(date)s")))
    if medical_due is not None:
        tags.append(_obligation("licence.medical", medical_due, on,
                                N_("Medical certificate overdue since %(date)s"),
                                N_("Medical certificate due by %(date)s")))
    if points and is_ab_class(classes):
        tags.append(_tag("licence.points", Tone.WARN, N_("%(points)s points this cycle"), points=points))
    return tags


def _obligation(prefix: str, due: dt.date, on: dt.date, overdue_msg: str, due_msg: str) -> StateTag:
    if on > due:
        return _tag(prefix + "_overdue", Tone.BAD, overdue_msg, date=_iso(due))
    tone = Tone.WARN if (due - on).days <= OBLIGATION_WARN_DAYS else Tone.GREY
    return _tag(prefix + "_due", tone, due_msg, date=_iso(due))


def vehicle_states(*, status: str, inspection_valid_until: dt.date, insurance_valid_until: dt.date,
                   missed_cycles: int, on: dt.date) -> list[StateTag]:
    if status in ("scrapped", "cancelled"):
        return [_tag("vehicle." + status, Tone.GREY, N_("Scrapped") if status == "scrapped" else N_("Deregistered"))]
    tags: list[StateTag] = []
    if status == "detained":
        tags.append(_tag("vehicle.detained", Tone.BAD, N_("Detained")))
    elif status == "mortgaged":
        tags.append(_tag("vehicle.mortgaged", Tone.GREY, N_("Mortgaged")))
    if missed_cycles >= SCRAP_AFTER_MISSED_CYCLES:
        tags.append(_tag("vehicle.scrap_due", Tone.BAD,
                         N_("Missed %(cycles)s inspection cycles: must be scrapped"), cycles=missed_cycles))
    if on > inspection_valid_until:
        tags.append(_tag("vehicle.inspection_overdue", Tone.BAD, N_("Inspection overdue since %(date)s"),
                         date=_iso(inspection_valid_until)))
    elif inspection_valid_until <= add_months(on, INSPECTION_WINDOW_MONTHS):
        tags.append(_tag("vehicle.inspection_due", Tone.WARN, N_("Inspection due by %(date)s"),
                         date=_iso(inspection_valid_until)))
    else:
        tags.append(_tag("vehicle.inspection_valid", Tone.OK, N_("Inspected, valid until %(date)s"),
                         date=_iso(inspection_valid_until)))
    if on > insurance_valid_until:
        tags.append(_tag("vehicle.insurance_lapsed", Tone.BAD, N_("Compulsory insurance expired on %(date)s"),
                         date=_iso(insurance_valid_until)))
    elif (insurance_valid_until - on).days <= INSURANCE_WARN_DAYS:
        tags.append(_tag("vehicle.insurance_due", Tone.WARN, N_("Compulsory insurance ends on %(date)s"),
                         date=_iso(insurance_valid_until)))
    return tags


def permit_states(*, status: str, valid_until: dt.date, on: dt.date) -> list[StateTag]:
    """学习驾驶证明: subjects 2 and 3 must be passed inside its validity (Decree 162 art 41)."""
    if status == "used":
        return [_tag("permit.used", Tone.GREY, N_("Licence issued"))]
    if status == "cancelled":
        return [_tag("permit.cancelled", Tone.GREY, N_("Cancelled"))]
    if on > valid_until:
        return [_tag("permit.expired", Tone.BAD, N_("Expired on %(date)s: passed subjects are void"),
                     date=_iso(valid_until))]
    if (valid_until - on).days <= PERMIT_WARN_DAYS:
        return [_tag("permit.expiring", Tone.WARN, N_("Expires on %(date)s (%(days)s days left)"),
                     date=_iso(valid_until), days=(valid_until - on).days)]
    return [_tag("permit.valid", Tone.OK, N_("Valid until %(date)s"), date=_iso(valid_until))]


def plate_hold_states(*, status: str, valid_until: dt.date, on: dt.date) -> list[StateTag]:
    """A preselected plate number (预选号牌) is held until registration or the end of the hold."""
    if status == "registered":
        return [_tag("plate.registered", Tone.GREY, N_("Registered"))]
    if status == "released":
        return [_tag("plate.released", Tone.GREY, N_("Released"))]
    if on > valid_until:
        return [_tag("plate.lapsed", Tone.GREY, N_("Hold ended on %(date)s"), date=_iso(valid_until))]
    if (valid_until - on).days <= PLATE_HOLD_WARN_DAYS:
        return [_tag("plate.hold_ending", Tone.WARN, N_("Held until %(date)s: register the vehicle soon"),
                     date=_iso(valid_until))]
    return [_tag("plate.held", Tone.OK, N_("Held until %(date)s"), date=_iso(valid_until))]


# The tags that state a deadline (as opposed to a status: detained, cancelled, used…). A room that knows
# the temporary measures (see `deadline_states.py`) replaces these with its own.
DEADLINE_TAGS = frozenset({
    "licence.long_term", "licence.cancel_eligible", "licence.overdue", "licence.renewal_window", "licence.valid",
    "licence.review_overdue", "licence.review_due", "licence.medical_overdue", "licence.medical_due",
    "vehicle.scrap_due", "vehicle.inspection_overdue", "vehicle.inspection_due", "vehicle.inspection_valid",
    "vehicle.insurance_lapsed", "vehicle.insurance_due",
    "permit.expired", "permit.expiring", "permit.valid", "plate.lapsed", "plate.hold_ending", "plate.held",
})


def with_deadline_tags(tags: list[StateTag], dated: Sequence[StateTag]) -> list[StateTag]:
    """`tags` with its deadline tags replaced by `dated`, in the place the first of them held."""
    kept = [t for t in tags if t.code not in DEADLINE_TAGS]
    at = next((i for i, t in enumerate(tags) if t.code in DEADLINE_TAGS), len(tags))
    before = sum(1 for t in tags[:at] if t.code not in DEADLINE_TAGS)
    return kept[:before] + list(dated) + kept[before:]


def worst(tags: list[StateTag]) -> Tone:
    """The tone a whole card takes: its most urgent tag."""
    order = (Tone.BAD, Tone.WARN, Tone.OK, Tone.GREY)
    for tone in order:
        if any(t.tone is tone for t in tags):
            return tone
    return Tone.GREY
