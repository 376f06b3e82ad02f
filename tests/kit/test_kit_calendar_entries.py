"""The pasted calendar lines (kit/calendar_entries.py): the shapes an administrator types, and every problem named
with its line."""

from __future__ import annotations

import datetime as dt

from jiaoguan.kit.calendar_entries import BACKWARDS, BAD_KIND, TOO_LONG, TWICE, parse_entries

D = dt.date


def test_the_shapes_of_a_notice_become_days() -> None:
    entries, problems = parse_entries("# 2027 国务院办公厅通知\n2027年2月6日至2027年2月12日 放假 春节\n"
                                      "2027/1/31；上班；春节\n2027-04-05 rest Qingming Festival\n")
    assert problems == []
    assert [e.day for e in entries[:7]] == [D(2027, 2, 6) + dt.timedelta(days=i) for i in range(7)]
    assert entries[7].day == D(2027, 1, 31) and entries[7].working and entries[7].name == "春节"
    assert entries[8].name == "Qingming Festival" and not entries[8].working


def test_each_problem_names_its_line() -> None:
    _, problems = parse_entries("2027-02-06 休\n2027-02-06 班\n2027-03-01..2027-02-01 休\n"
                                "2027-01-01..2027-03-01 休\n2027-05-01 maybe")
    assert [(p.message, p.params["line"]) for p in problems] == [
        (TWICE, 2), (BACKWARDS, 3), (TOO_LONG, 4), (BAD_KIND, 5)]
