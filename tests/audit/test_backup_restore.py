"""`jiaoguan backup` and `jiaoguan restore` (issue 10.12): every row, the keys, the checkpoint log and the
documents come back, into an empty database of either engine, and the audit chain still verifies against its
signed checkpoints. Damaged input and unwritable paths are refused in one sentence."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from jiaoguan.kit import audit
from jiaoguan.kit.db import unit_of_work
from jiaoguan.kit.settings import get_settings
from tests.installations import Installation, cli


def _counts(inst: Installation) -> dict[str, int]:
    engine = inst.engine()
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
            return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in sorted(names)}
    finally:
        engine.dispose()


@pytest.fixture()
def backed_up(installations: Callable[..., Installation], tmp_path: Path) -> tuple[Installation, Path, dict[str, int]]:
    """A small demo installation with a signed checkpoint and an uploaded document, and its backup."""
    source = installations()
    assert cli("audit", "keys", "init").exit_code == 0
    assert cli("demo", "--people", "15").exit_code == 0
    assert "Checkpoint signed" in cli("audit", "checkpoint").output
    document = source.data_dir / "documents" / "2022" / "medical-certificate.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.4 scanned certificate")
    counts = _counts(source)
    file = tmp_path / "jiaoguan-backup.tar.gz"
    result = cli("backup", str(file))
    assert result.exit_code == 0, result.output
    assert f"{sum(counts.values())} row(s)" in result.output
    return source, file, counts


@pytest.mark.parametrize("target_engine", ["the suite's engine", "SQLite"])
def test_a_restored_installation_has_every_row_and_its_chain_verifies_against_the_checkpoints(
        installations, backed_up, target_engine) -> None:
    source, file, counts = backed_up
    target = installations(sqlite=target_engine == "SQLite")  # empty, after `db upgrade`
    result = cli("restore", str(file))
    assert result.exit_code == 0, result.output
    assert _counts(target) == counts
    assert counts["audit_record"] > 0 and counts["audit_checkpoint"] == 1 and counts["person"] > 0
    verified = cli("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "1 signed checkpoint(s) match" in verified.output
    for rel in ("documents/2022/medical-certificate.pdf", "audit/checkpoint-key.pem", "audit/checkpoint-key.pub"):
        assert (target.data_dir / rel).read_bytes() == (source.data_dir / rel).read_bytes()
    # Life goes on: new ids do not collide (PostgreSQL's sequences moved), new records chain after the old.
    with unit_of_work() as session:
        audit.record(session, "thing.change", "thing", 1, "after the restore")
    assert "Checkpoint signed" in cli("audit", "checkpoint").output
    assert "2 signed checkpoint(s) match" in cli("audit", "verify").output


def test_a_database_that_holds_rows_is_refused_unless_forced(installations, backed_up) -> None:
    source, file, counts = backed_up
    target = installations()
    with unit_of_work() as session:
        audit.record(session, "thing.change", "thing", 1, "already here")
    refused = cli("restore", str(file))
    assert refused.exit_code == 1 and "not empty" in refused.output and "--force" in refused.output
    assert _counts(target)["audit_record"] == 1
    forced = cli("restore", str(file), "--force")
    assert forced.exit_code == 0, forced.output
    assert _counts(target) == counts
    assert cli("audit", "verify").exit_code == 0


def test_a_different_audit_key_at_the_target_is_kept_unless_forced(installations, backed_up) -> None:
    _, file, _ = backed_up
    installations()
    assert cli("audit", "keys", "init").exit_code == 0
    key = get_settings().effective_audit_key_file
    own = key.read_bytes()
    refused = cli("restore", str(file))
    assert refused.exit_code == 1 and "different audit checkpoint key" in refused.output
    assert key.read_bytes() == own


def _damaged(file: Path, out: Path) -> Path:
    """The same backup with one table's bytes changed (its manifest untouched)."""
    with tarfile.open(file, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith("_person.jsonl"):
                data = data.replace(b'"', b"'", 3)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_a_missing_corrupt_or_damaged_backup_is_refused_and_nothing_changes(installations, backed_up, tmp_path) -> None:
    source, file, counts = backed_up
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"this is not a backup")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(file.read_bytes()[:2000])
    damaged = _damaged(file, tmp_path / "damaged.tar.gz")
    installations.use(source)  # type: ignore[attr-defined]
    for bad, says in ((tmp_path / "nowhere.tar.gz", "There is no backup file"), (garbage, "damaged"),
                      (truncated, "damaged"), (damaged, "does not match its checksum")):
        result = cli("restore", str(bad), "--force")
        assert result.exit_code == 1 and says in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    assert _counts(source) == counts  # --force did not empty anything for a file it could not trust


def test_a_backup_to_an_unwritable_path_is_refused_in_one_sentence(installations, tmp_path) -> None:
    installations()
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    for target in (a_file / "backup.tar.gz", tmp_path / "missing" / "backup.tar.gz", tmp_path):
        result = cli("backup", str(target))
        assert result.exit_code == 1 and "Cannot write the backup" in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
