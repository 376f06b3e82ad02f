"""`jiaoguan hotline …` against the test database (its commits land in the test's rolled-back transaction)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jiaoguan.cli import app
from jiaoguan.hotline import answers
from jiaoguan.hotline.settings import desk_settings
from jiaoguan.kit import db as kitdb


@pytest.fixture()
def cli(db: Session, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    connection = db.connection()
    monkeypatch.setattr(kitdb, "get_sessionmaker",
                        lambda: sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    return CliRunner()


def test_answers_load_takes_the_shipped_file_and_then_a_file_that_replaces_the_set(
        cli: CliRunner, db: Session, tmp_path: Path) -> None:
    first = cli.invoke(app, ["hotline", "answers-load"])
    assert first.exit_code == 0, first.output
    assert "added" in first.output and answers.get(db, "emergency-window") is not None
    one = {"answers": [{"key": "only-one", "question_zh": "问", "question_en": "Q", "answer_zh": "答",
                        "answer_en": "A", "tags": ["x"]}]}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(one, ensure_ascii=False), encoding="utf-8")
    second = cli.invoke(app, ["hotline", "answers-load", str(path)])
    assert second.exit_code == 0 and "1 added" in second.output
    assert [a.key for a in answers.search(db, "")] == ["only-one"]


def test_a_bad_answers_file_is_refused_whole_with_every_problem_named(
        cli: CliRunner, db: Session, tmp_path: Path) -> None:
    bad = {"answers": [{"key": "Bad Key", "question_zh": "问"}, {"key": "ok", "question_zh": "问", "question_en": "Q",
                                                                 "answer_zh": "答", "answer_en": ""}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    result = cli.invoke(app, ["hotline", "answers-load", str(path)])
    assert result.exit_code == 1
    assert "Bad Key" in result.output and "answer_en" in result.output and "Traceback" not in result.output
    assert answers.search(db, "") == []
    missing = cli.invoke(app, ["hotline", "answers-load", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_desk_hours_are_set_per_province(cli: CliRunner, db: Session) -> None:
    result = cli.invoke(app, ["hotline", "desk-hours", "--province", "31", "--opens", "08:30", "--closes", "18:00"])
    assert result.exit_code == 0, result.output
    assert desk_settings(db, "31").hours.seconds_a_day == 9.5 * 3600
    backwards = ["hotline", "desk-hours", "-p", "31", "--opens", "18:00", "--closes", "08:00"]
    assert cli.invoke(app, backwards).exit_code == 1
    assert cli.invoke(app, ["hotline", "desk-hours", "-p", "31", "--opens", "nine"]).exit_code == 2
