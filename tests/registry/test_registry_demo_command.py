"""`jiaoguan demo` on a fresh embedded database: loads once, then says it is already there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jiaoguan.cli import app
from jiaoguan.kit.db import reset_engine
from jiaoguan.kit.settings import reset_settings


@pytest.fixture()
def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("JIAOGUAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIAOGUAN_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    reset_settings()
    reset_engine()
    yield tmp_path
    reset_engine()
    monkeypatch.undo()
    reset_settings()


def test_the_demo_command_loads_once_and_then_changes_nothing(fresh_database: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--people", "30", "--seed", "4"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded (seed 4" in first.output and "person" in first.output
    second = runner.invoke(app, ["demo", "--people", "30"])
    assert second.exit_code == 0 and "already loaded" in second.output


def test_the_demo_command_refuses_a_negative_population(fresh_database: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--people", "-1"])
    assert result.exit_code == 2
