"""Every command fails cleanly (issue 10.10): bad input gives one sentence and a non-zero exit, never a
traceback. The core commands are here; the rooms' commands follow at the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.installations import cli

NOT_UTF8 = b"\xff\xfe[{\"id\": \"x\"}]"


def _one_sentence(args: list[str], code: int | None = None) -> str:
    result = cli(*args)
    assert result.exit_code != 0, result.output
    if code is not None:
        assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].rstrip().endswith((".", ")")), result.output
    return lines[0]


def _bad_inputs(tmp: Path) -> list[tuple[str, list[str], str]]:
    a_file = tmp / "a-file"
    a_file.write_text("")
    corrupt = tmp / "corrupt.tar.gz"
    corrupt.write_bytes(b"\x1f\x8b not really gzip")
    return [
        ("user add with a bad role", ["user", "add", "someone", "wizard", "--password", "long-enough-pw"],
         "Unknown role"),
        ("user add with a short password", ["user", "add", "someone", "citizen", "--password", "short"],
         "at least 8 characters"),
        ("user token for nobody", ["user", "token", "nobody"], "No user named"),
        ("calendar set with a bad date", ["calendar", "set", "2027-02-30", "--rest"], "not a date"),
        ("demo with a negative population", ["demo", "--people", "-5"], "zero or more"),
        ("audit verify with a missing key", ["audit", "verify"], "does not exist"),
        ("audit checkpoint with a missing key", ["audit", "checkpoint"], "does not exist"),
        ("backup under a file", ["backup", str(a_file / "b.tar.gz")], "Cannot write the backup"),
        ("backup into a missing folder", ["backup", str(tmp / "missing" / "b.tar.gz")], "Cannot write the backup"),
        ("backup onto a folder", ["backup", str(tmp)], "Cannot write the backup"),
        ("restore of a missing file", ["restore", str(tmp / "nowhere.tar.gz")], "There is no backup file"),
        ("restore of a corrupt file", ["restore", str(corrupt)], "damaged"),
        ("restore of a folder", ["restore", str(tmp)], "There is no backup file"),
    ]


def test_every_core_command_refuses_bad_input_in_one_sentence(installations, tmp_path: Path) -> None:
    installations()
    for what, args, says in _bad_inputs(tmp_path):
        line = _one_sentence(args)
        assert says in line, f"{what}: {line}"


def test_audit_keys_init_refuses_to_replace_a_key(installations) -> None:
    installations()
    assert cli("audit", "keys", "init").exit_code == 0
    assert "already exists" in _one_sentence(["audit", "keys", "init"], 1)


def test_audit_keys_init_to_an_unwritable_place_is_one_sentence(installations, tmp_path, monkeypatch) -> None:
    from jiaoguan.kit.settings import reset_settings

    installations()
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("JIAOGUAN_AUDIT_KEY_FILE", str(blocker / "key.pem"))
    reset_settings()
    assert "cannot be used" in _one_sentence(["audit", "keys", "init"], 1)


def test_commands_on_a_database_that_was_never_migrated_say_what_to_do(installations) -> None:
    installations(migrate=False)
    for args in (["user", "token", "nobody"], ["calendar", "set", "2027-02-08", "--rest"],
                 ["audit", "verify", "--chain-only"]):
        assert "jiaoguan db upgrade" in _one_sentence(args, 1)


def test_commands_on_an_unreachable_database_say_so(installations, monkeypatch, tmp_path) -> None:
    from jiaoguan.kit import db as kitdb
    from jiaoguan.kit.settings import reset_settings

    installations(migrate=False)
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    for url in ("postgresql://nobody@127.0.0.1:1/nothing", f"sqlite:///{blocker / 'sub' / 'x.db'}"):
        monkeypatch.setenv("JIAOGUAN_DATABASE_URL", url)
        reset_settings()
        kitdb.reset_engine()
        _one_sentence(["db", "upgrade"], 1)
        _one_sentence(["audit", "verify", "--chain-only"], 1)


# --- the rooms' commands (passes, deadlines) -------------------------------------------------------------


def test_measures_load_of_a_file_that_is_not_utf8_is_one_sentence(installations, tmp_path) -> None:
    installations()
    bad = tmp_path / "measure.json"
    bad.write_bytes(NOT_UTF8)
    _one_sentence(["measures", "load", str(bad)])


def test_measures_load_of_an_empty_list_is_refused(installations, tmp_path) -> None:
    installations()
    empty = tmp_path / "none.json"
    empty.write_text("[]")
    _one_sentence(["measures", "load", str(empty)])


def test_deadlines_explain_with_a_measures_file_that_is_not_utf8_is_one_sentence(tmp_path) -> None:
    bad = tmp_path / "measure.json"
    bad.write_bytes(NOT_UTF8)
    _one_sentence(["deadlines", "explain", "--kind", "inspection", "--due", "2022-03-15", "--on", "2022-05-01",
                   "--measures", str(bad)])


@pytest.mark.parametrize("command", [["pass", "keys", "bundle"], ["pass", "keys", "export-root"]])
def test_pass_key_files_to_an_unwritable_path_are_one_sentence(installations, tmp_path, command) -> None:
    installations()
    assert cli("pass", "keys", "init").exit_code == 0
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    _one_sentence([*command, str(blocker / "out.file")])
