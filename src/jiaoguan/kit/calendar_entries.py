"""Calendar overrides typed or pasted by an administrator, read into days (pure: no database).

A year of the State Council's notice is about thirty days, so the admin page takes them as lines::

    2027-02-06..2027-02-12, rest, 春节          a range of rest days (also "2027-02-06至2027-02-12")
    2027-01-31, working, 春节                   an adjusted working day (调休上班)
    2027-10-01 休 国庆节                         commas, tabs or spaces between the parts

The kind is `rest` / `holiday` / 休 / 放假 or `working` / 班 / 上班 / 调休上班. Blank lines, `#` comments and a
CSV header (`date,kind,name`) are skipped. Every problem is reported with its line number, and nothing is
saved while one remains (the page shows them all at once).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from jiaoguan.kit.i18n import N_

REST_WORDS = frozenset({"rest", "holiday", "off", "休", "放假", "休息"})
WORKING_WORDS = frozenset({"working", "work", "workday", "班", "上班", "调休上班", "补班"})
MAX_NAME = 60          # the column's width
MAX_RANGE_DAYS = 31    # no holiday is longer; a longer range is a typing mistake
MAX_LINES = 400
_SPLIT = re.compile(r"\s*[,，;；]\s*|\s+")
_RANGE = re.compile(r"^(\S+?)(?:\.\.|至|~|–|—)(\S+)$")

BAD_DATE = N_("Line %(line)s: “%(text)s” is not a date (YYYY-MM-DD).")
BAD_KIND = N_("Line %(line)s: “%(text)s” is neither a rest day (休) nor a working day (班).")
NO_KIND = N_("Line %(line)s: say whether the days are rest days (休) or working days (班).")
BACKWARDS = N_("Line %(line)s: the range ends before it starts.")
TOO_LONG = N_("Line %(line)s: a range may cover at most %(max)s days.")
NAME_TOO_LONG = N_("Line %(line)s: the name may have at most %(max)s characters.")
TWICE = N_("Line %(line)s: %(day)s is already given on line %(first)s.")
TOO_MANY = N_("Paste at most %(max)s lines at a time.")


@dataclass(frozen=True)
class Entry:
    day: dt.date
    working: bool
    name: str


@dataclass(frozen=True)
class Problem:
    """One readable problem: an English msgid and its parameters (translated where it is shown)."""

    message: str
    params: dict[str, object]


def parse_day(text: str) -> dt.date | None:
    """A date as YYYY-MM-DD (also 2027/2/6 and 2027年2月6日); None when it is not one."""
    t = text.strip().replace("/", "-").replace("年", "-").replace("月", "-").rstrip("日")
    parts = t.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def kind_of(word: str) -> bool | None:
    """True for a working day, False for a rest day, None when the word is neither."""
    w = word.strip().lower()
    if w in WORKING_WORDS:
        return True
    if w in REST_WORDS:
        return False
    return None


def parse_entries(text: str) -> tuple[list[Entry], list[Problem]]:
    """The days the lines declare, and every problem found (an empty list: all lines were understood)."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        return [], [Problem(TOO_MANY, {"max": MAX_LINES})]
    entries: list[Entry] = []
    problems: list[Problem] = []
    first_line: dict[dt.date, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.lower().replace(" ", "").startswith("date,kind"):
            continue
        parts = [p for p in _SPLIT.split(line, maxsplit=2) if p]
        found, problem = _line(number, parts)
        if problem is not None:
            problems.append(problem)
            continue
        for entry in found:
            if entry.day in first_line:
                problems.append(Problem(TWICE, {"line": number, "day": entry.day.isoformat(),
                                                "first": first_line[entry.day]}))
                continue
            first_line[entry.day] = number
            entries.append(entry)
    return entries, problems


def _line(number: int, parts: list[str]) -> tuple[list[Entry], Problem | None]:
    when = parts[0]
    ranged = _RANGE.match(when)
    start_text, end_text = (ranged.group(1), ranged.group(2)) if ranged else (when, when)
    start, end = parse_day(start_text), parse_day(end_text)
    if start is None or end is None:
        return [], Problem(BAD_DATE, {"line": number, "text": start_text if start is None else end_text})
    if end < start:
        return [], Problem(BACKWARDS, {"line": number})
    if (end - start).days >= MAX_RANGE_DAYS:
        return [], Problem(TOO_LONG, {"line": number, "max": MAX_RANGE_DAYS})
    if len(parts) < 2:
        return [], Problem(NO_KIND, {"line": number})
    working = kind_of(parts[1])
    if working is None:
        return [], Problem(BAD_KIND, {"line": number, "text": parts[1]})
    name = " ".join(parts[2].split()) if len(parts) > 2 else ""
    if len(name) > MAX_NAME:
        return [], Problem(NAME_TOO_LONG, {"line": number, "max": MAX_NAME})
    days = (end - start).days + 1
    return [Entry(start + dt.timedelta(days=i), working, name) for i in range(days)], None
