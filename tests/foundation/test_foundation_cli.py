"""The `jiaoguan` command: clear sentences and non-zero exits on bad input; audit verify finds tampering."""

from __future__ import annotations

from typer.testing import CliRunner

from jiaoguan.cli import app

runner = CliRunner()


def test_user_add_refuses_an_unknown_role_with_a_sentence() -> None:
    result = runner.invoke(app, ["user", "add", "someone", "wizard", "--password", "long-enough-pw"])
    assert result.exit_code == 2
    assert "Unknown role" in result.output


def test_calendar_set_refuses_a_bad_date() -> None:
    result = runner.invoke(app, ["calendar", "set", "2027-02-30", "--rest"])
    assert result.exit_code == 2
    assert "not a date" in result.output


def test_demo_refuses_a_negative_population() -> None:
    result = runner.invoke(app, ["demo", "--people", "-5"])
    assert result.exit_code == 2


def test_every_command_documents_itself() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "db", "demo", "worker", "user", "audit", "deadlines", "pass", "measures"):
        assert command in result.output


def test_audit_verify_reports_an_edited_row_and_exits_non_zero(tmp_path, monkeypatch) -> None:
    from sqlalchemy import text

    from jiaoguan.kit import audit
    from jiaoguan.kit import db as kitdb
    from jiaoguan.kit.migrate import upgrade
    from jiaoguan.kit.settings import reset_settings

    url = f"sqlite:///{tmp_path / 'audit.db'}"
    monkeypatch.setenv("JIAOGUAN_DATABASE_URL", url)
    reset_settings()
    kitdb.reset_engine()
    try:
        upgrade(url)
        with kitdb.unit_of_work() as s:
            for i in range(3):
                audit.record(s, "thing.change", "thing", i, f"change {i}")
        intact = runner.invoke(app, ["audit", "verify", "--chain-only"])
        assert intact.exit_code == 0 and "intact: 3" in intact.output
        with kitdb.get_engine().begin() as conn:
            conn.execute(text("DROP TRIGGER audit_record_no_update"))
            conn.execute(text("UPDATE audit_record SET summary = 'forged' WHERE id = 2"))
        broken = runner.invoke(app, ["audit", "verify", "--chain-only"])
        assert broken.exit_code == 1
        assert "record 2: edited" in broken.output
    finally:
        kitdb.reset_engine()
        monkeypatch.undo()
        reset_settings()
        kitdb.reset_engine()
