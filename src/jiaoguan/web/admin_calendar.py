"""The administrator's working-day calendar (issue 9.8): the overrides for years chinesecalendar does not know
(its data ends with 2026) and for local closures — list, add one, paste a year's notice, remove — what
`jiaoguan calendar set` did from the command line only. The service is the CLI's (`kit.calendar_service`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jiaoguan.accounts.auth import Admin
from jiaoguan.kit import calendar_service as cal
from jiaoguan.kit.calendar import WorkingDayCalendar
from jiaoguan.kit.calendar_entries import parse_day
from jiaoguan.kit.clock import today
from jiaoguan.kit.errors import InvalidInput, JiaoguanError
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.web import Db, UnitOfWorkRoute, render

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))
NOTICES = {"saved": N_("Saved: %(what)s."), "removed": N_("Removed: %(what)s."),
           "pasted": N_("Saved %(what)s day(s).")}


class NotADay(InvalidInput):
    code = "web.calendar_bad_day"
    message = N_("“%(text)s” is not a date (YYYY-MM-DD).")


def _year(raw: str) -> int:
    """The year asked for; by default the first year after this one chinesecalendar does not know."""
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    this = today().year
    return next((y for y in range(this, this + 3) if not WorkingDayCalendar.published(y)), this + 1)


def _page(request: Request, db: Db, year: int, *, notice: str = "", error: str = "", problems: list[str] | None = None,
          form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    rows = cal.overrides_of(db, year)
    this = today().year
    years = sorted({*range(this - 1, this + 3), *cal.override_years(db), year})
    return render(request, "web/admin_calendar.html", {
        "year": year, "years": years, "rows": rows, "published": WorkingDayCalendar.published(year),
        "weekdays": WEEKDAYS, "notice": notice, "error": error, "problems": problems or [], "form": form or {}},
        status_code=status_code)


@router.get("/admin/calendar")
def calendar_page(request: Request, user: Admin, db: Db, year: str = "", notice: str = "",
                  what: str = "") -> Response:
    said = translate(NOTICES[notice], what=what) if notice in NOTICES else ""
    return _page(request, db, _year(year), notice=said)


def _back(year: int, notice: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/calendar?year={year}&notice={notice}&what={what}", status_code=303)


@router.post("/admin/calendar")
def add_override(request: Request, user: Admin, db: Db, day: Annotated[str, Form()] = "",
                 kind: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "") -> Response:
    form = {"day": day, "kind": kind, "name": name}
    when = parse_day(day)
    try:
        if when is None:
            raise NotADay(field="day", text=day)
        if kind not in ("rest", "working"):
            raise InvalidInput(N_("Choose a rest day or an adjusted working day."), code="web.calendar_kind",
                               field="kind")
        with db.begin_nested():
            cal.set_override(db, when, working=kind == "working", name=name)
    except JiaoguanError as exc:
        return _page(request, db, when.year if when else _year(""), error=exc.text(), form=form,
                     status_code=exc.status_code)
    return _back(when.year, "saved", when.isoformat())


@router.post("/admin/calendar/lines")
def paste_overrides(request: Request, user: Admin, db: Db, lines: Annotated[str, Form()] = "",
                    year: Annotated[str, Form()] = "") -> Response:
    try:
        with db.begin_nested():
            entries = cal.set_overrides(db, lines)
    except cal.OverridesNotUnderstood as exc:
        return _page(request, db, _year(year), error=exc.text(), problems=exc.lines(), form={"lines": lines},
                     status_code=exc.status_code)
    shown = entries[0].day.year if entries else _year(year)
    return _back(shown, "pasted", str(len(entries)))


@router.post("/admin/calendar/{day}/remove")
def remove_override(request: Request, day: str, user: Admin, db: Db) -> Response:
    when = parse_day(day)
    try:
        if when is None:
            raise NotADay(field="day", text=day)
        with db.begin_nested():
            cal.remove_override(db, when)
    except JiaoguanError as exc:
        return _page(request, db, when.year if when else _year(""), error=exc.text(), status_code=exc.status_code)
    return _back(when.year, "removed", when.isoformat())



