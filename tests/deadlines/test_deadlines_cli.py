from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jiaoguan.deadlines.commands import app

runner = CliRunner()


def explain(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["explain", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_explain_prints_one_json_object_with_the_decision() -> None:
    out = explain("--kind", "inspection", "--due", "2022-03-15", "--on", "2022-05-01")
    assert out["original_due"] == "2022-03-15"
    assert out["effective_due"] == "2022-07-31"
    # Overdue means past the effective deadline (the grace window's end): not yet, on 1 May.
    assert (out["overdue"], out["past_deadline"], out["penalty_allowed"]) == (False, True, False)
    assert out["measures"] == ["MPS-2022-04-21"]
    assert "不予处罚" in str(out["reason_zh"]) and "without penalty" in str(out["reason_en"])


def test_explain_on_the_first_of_august_allows_the_penalty() -> None:
    out = explain("--kind", "inspection", "--due", "2022-03-15", "--on", "2022-08-01")
    assert (out["overdue"], out["penalty_allowed"]) == (True, True)


def test_a_learner_permit_expired_after_its_extension_is_reported_as_overdue() -> None:
    out = explain("--kind", "learner-permit", "--due", "2022-05-05", "--on", "2022-08-06")
    assert (out["effective_due"], out["overdue"], out["penalty_allowed"]) == ("2022-08-05", True, False)


def test_the_staged_exit_of_2020_depends_on_the_vehicle_class() -> None:
    heavy = explain("--kind", "inspection", "--due", "2020-03-01", "--on", "2020-08-01", "--vehicle-class", "heavy")
    other = explain("--kind", "inspection", "--due", "2020-03-01", "--on", "2020-08-01", "--vehicle-class", "other")
    assert heavy["penalty_allowed"] is True
    assert other["penalty_allowed"] is False


def test_explain_uses_only_the_measure_files_given(tmp_path: Path) -> None:
    shanxi = Path(__file__).resolve().parents[2] / "src/jiaoguan/deadlines/data/measure_shanxi_2022_12.json"
    args = ["--kind", "learner-permit", "--due", "2022-11-15", "--on", "2022-12-25", "--measures", str(shanxi)]
    assert explain(*args, "--province", "14")["effective_due"] == "2023-02-15"
    assert explain(*args, "--province", "44")["effective_due"] == "2022-11-15"
    assert explain(*args, "--province", "140100")["measures"] == ["SX-2022-12-20"]


@pytest.mark.parametrize(("args", "words"), [
    (["--kind", "inspektion", "--due", "2022-03-15", "--on", "2022-05-01"], "not a deadline kind"),
    (["--kind", "inspection", "--due", "2022-02-30", "--on", "2022-05-01"], "--due '2022-02-30' is not a date"),
    (["--kind", "inspection", "--due", "2022-03-15", "--on", "yesterday"], "--on 'yesterday' is not a date"),
    (["--kind", "inspection", "--due", "2022-03-15", "--on", "2022-05-01", "--province", "99"], "province"),
    (["--kind", "inspection", "--due", "2022-03-15", "--on", "2022-05-01", "--vehicle-class", "big"], "heavy"),
])
def test_bad_input_is_one_sentence_on_stderr_and_exit_status_two(args: list[str], words: str) -> None:
    result = runner.invoke(app, ["explain", *args, "--json"])
    assert result.exit_code == 2
    assert words in result.stderr
    assert result.stdout == ""


def test_validate_accepts_the_shipped_files_and_names_the_bad_field(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[2] / "src/jiaoguan/deadlines/data"
    ok = runner.invoke(app, ["measures", "validate", *map(str, sorted(data.glob("measure_*.json")))])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.count(": ok") == 3
    doc = json.loads((data / "measure_shanxi_2022_12.json").read_text("utf-8"))[-1]
    doc["provisions"][0]["mode"] = "stretch"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), "utf-8")
    result = runner.invoke(app, ["measures", "validate", str(bad)])
    assert result.exit_code == 1
    assert "provisions[0].mode" in result.stderr


def test_the_main_command_mounts_it_as_jiaoguan_deadlines() -> None:
    from jiaoguan.cli import app as main_app

    result = runner.invoke(main_app, ["deadlines", "explain", "--kind", "preselected-plate", "--due", "2022-04-28",
                                      "--on", "2022-05-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["effective_due"] == "2022-07-28"
