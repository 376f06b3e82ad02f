"""What the deadlines pages share: record titles, region names, and a date typed into a form."""

from __future__ import annotations

import datetime as dt

from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.ids.divisions import PROVINCES

RECORD_TITLES = {"licence": N_("Driving licence"), "vehicle": N_("Vehicle"), "learner-permit": N_("Learner permit"),
                 "preselected-plate": N_("Preselected plate")}


class BadDay(InvalidInput):
    code = "deadlines.bad_day"
    message = N_("The date must be written YYYY-MM-DD, e.g. 2022-07-31.")


def day_from_form(text: str | None) -> dt.date:
    """The day a form asks about; today when left empty."""
    if text is None or not text.strip():
        return today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadDay(field="on") from None


def region_name(region: str, locale: str) -> str:
    if region == "national":
        return translate(N_("National"), locale)
    return "、".join(PROVINCES.get(code, code) for code in region.split(","))
