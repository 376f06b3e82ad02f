"""The CLI speaks the operator's language like the pages do: JIAOGUAN_CLI_LOCALE, else LC_ALL / LC_MESSAGES /
LANG, else the default (Simplified Chinese); `--json` output is the same in every language."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import jiaoguan
from jiaoguan.cli import app
from jiaoguan.kit.commands import cli_locale
from jiaoguan.kit.i18n import catalog, current_locale

runner = CliRunner()
# The suite's database is configured, so `deadlines explain` judges by the measures published in it: it must be
# migrated (by the session's `engine`), whichever tests ran before in this process.
pytestmark = pytest.mark.usefixtures("engine")
NO_LOCALE = {"JIAOGUAN_CLI_LOCALE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}


def _run(lang: str | None, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={**NO_LOCALE, "LANG": lang})


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "zh_Hans"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_Hans"),
    ({"LANG": "C.UTF-8"}, "zh_Hans"),
    ({"LANG": "en_GB.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh_Hans"),
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "JIAOGUAN_CLI_LOCALE": "en"}, "en"),
    ({"LANG": "en_US.UTF-8", "JIAOGUAN_CLI_LOCALE": "zh-CN"}, "zh_Hans"),
])
def test_the_cli_language_comes_from_its_own_setting_then_the_operators_locale(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for name in NO_LOCALE:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli_locale() == expected


@pytest.mark.parametrize(("lang", "says"), [
    ("en_US.UTF-8", "'2027-02-30' is not a date (YYYY-MM-DD)."),
    ("zh_CN.UTF-8", "'2027-02-30' 不是日期（YYYY-MM-DD）。"),
])
def test_a_failure_is_one_sentence_in_the_operators_language(lang: str, says: str) -> None:
    result = _run(lang, "calendar", "set", "2027-02-30", "--rest")
    assert result.exit_code == 2
    assert result.output.strip() == says


@pytest.mark.parametrize(("lang", "says"), [
    ("en_US.UTF-8", ["Original and effective deadline", "The day to judge"]),
    ("zh_CN.UTF-8", ["原期限与实际期限", "判断所依据的日期"]),
])
def test_the_help_of_a_rooms_command_is_in_the_operators_language(lang: str, says: list[str]) -> None:
    result = _run(lang, "deadlines", "explain", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert all(" ".join(s.split()) in text for s in says), result.output


@pytest.mark.parametrize(("lang", "says"), [
    ("en_US.UTF-8", ["overdue: no; penalty allowed: no", "without penalty"]),
    ("zh_CN.UTF-8", ["逾期：否；可否处罚：否", "不予处罚"]),
])
def test_a_commands_report_is_in_the_operators_language(lang: str, says: list[str]) -> None:
    result = _run(lang, "deadlines", "explain", "--kind", "inspection", "--due", "2022-03-15", "--on", "2022-05-01")
    assert result.exit_code == 0, result.output
    assert all(s in result.output for s in says), result.output


def test_json_output_is_the_same_in_every_language() -> None:
    args = ("deadlines", "explain", "--kind", "inspection", "--due", "2022-03-15", "--on", "2022-05-01", "--json")
    en, zh = _run("en_US.UTF-8", *args), _run("zh_CN.UTF-8", *args)
    assert en.exit_code == zh.exit_code == 0
    assert json.loads(en.stdout) == json.loads(zh.stdout)


def test_a_command_leaves_the_callers_language_as_it_was() -> None:
    before = current_locale()
    _run("en_US.UTF-8", "calendar", "set", "2027-02-30", "--rest")
    assert current_locale() == before


def _helps(command: Any, path: str = "jiaoguan") -> list[tuple[str, str]]:
    found = [(path, command.help or "")] if command.help else []
    found += [(f"{path} {p.name}", p.help) for p in command.params if getattr(p, "help", None)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _helps(sub, f"{path} {name}")
    return found


def test_every_help_text_of_every_command_has_a_chinese_translation() -> None:
    import inspect

    zh = catalog("zh_Hans").messages
    helps = _helps(typer.main.get_command(app))
    assert len(helps) > 60
    untranslated = [(where, text) for where, text in helps
                    if inspect.cleandoc(text) not in zh and text not in ("Show this message and exit.",)]
    assert untranslated == []


def test_every_command_group_is_made_to_speak_the_cli_language() -> None:
    src = Path(jiaoguan.__file__).parent
    plain = [str(p.relative_to(src)) for p in src.rglob("*.py")
             if re.search(r"\btyper\.Typer\(", p.read_text(encoding="utf-8")) and p.name != "commands.py"]
    assert plain == []
