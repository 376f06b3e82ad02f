"""`jiaoguan pass keys …` against the test database (its commits land in the test's rolled-back transaction)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jiaoguan.kit import db as kitdb
from jiaoguan.passes.key_commands import app
from jiaoguan.passes.models import PassSigningKey
from jiaoguan.passes.qr.keys import PASS_PROVINCE_EXTENSION, province_of, read_certificate
from jiaoguan.passes.qr.trust import TrustStore


@pytest.fixture()
def cli(db: Session, monkeypatch: pytest.MonkeyPatch, clock) -> CliRunner:  # type: ignore[no-untyped-def]
    connection = db.connection()
    monkeypatch.setattr(kitdb, "get_sessionmaker",
                        lambda: sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    return CliRunner()


def test_init_creates_the_root_once_and_a_key_per_province(cli: CliRunner, db: Session) -> None:
    first = cli.invoke(app, ["init", "--province", "31", "--province", "44"])
    assert first.exit_code == 0, first.output
    assert first.output.count("signing") == 2 and "root" in first.output
    again = cli.invoke(app, ["init", "--province", "31"])
    assert again.exit_code == 0 and "Nothing to create" in again.output
    kinds = db.execute(select(PassSigningKey.kind, PassSigningKey.province_code)).all()
    assert sorted(kinds, key=str) == sorted([("root", None), ("signing", "31"), ("signing", "44")], key=str)
    stored = db.execute(select(PassSigningKey.private_key_pem)).scalars().all()
    assert all("ENCRYPTED PRIVATE KEY" in pem for pem in stored)


def test_rotate_then_revoke_with_reissue_and_export_a_bundle_that_opens_with_the_root(
        cli: CliRunner, db: Session, tmp_path: Path) -> None:
    assert cli.invoke(app, ["init", "-p", "31"]).exit_code == 0
    old = db.execute(select(PassSigningKey.kid).where(PassSigningKey.kind == "signing")).scalar_one()
    rotated = cli.invoke(app, ["rotate", "--province", "31"])
    assert rotated.exit_code == 0 and old not in rotated.output
    revoked = cli.invoke(app, ["revoke", old, "--reason", "laptop stolen"])
    assert revoked.exit_code == 0, revoked.output
    assert "0 active pass(es) turned grey" in revoked.output
    listing = cli.invoke(app, ["list"]).output
    assert f"{old} revoked" in listing
    root_file, bundle_file = tmp_path / "root.pem", tmp_path / "bundle.cose"
    assert cli.invoke(app, ["export-root", str(root_file)]).exit_code == 0
    assert cli.invoke(app, ["bundle", str(bundle_file), "--max-age-hours", "12"]).exit_code == 0
    store = TrustStore.from_bundle(bundle_file.read_bytes(), read_certificate(root_file.read_text()))
    assert bytes.fromhex(old) in store.revoked_kids and len(store.signers) == 2


def test_init_and_rotate_bind_each_signing_certificate_to_its_province(cli: CliRunner, db: Session) -> None:
    assert cli.invoke(app, ["init", "-p", "31", "-p", "44"]).exit_code == 0
    assert cli.invoke(app, ["rotate", "-p", "44"]).exit_code == 0
    rows = db.execute(select(PassSigningKey.province_code, PassSigningKey.certificate_pem)
                      .where(PassSigningKey.kind == "signing")).all()
    assert len(rows) == 3
    for province, pem in rows:
        cert = read_certificate(pem)
        assert cert.extensions.get_extension_for_oid(PASS_PROVINCE_EXTENSION).critical
        assert province_of(cert) == province


def test_unusable_arguments_exit_2(cli: CliRunner) -> None:
    assert cli.invoke(app, ["init", "-p", "99"]).exit_code == 2
    assert cli.invoke(app, ["revoke", "00" * 8, "--reason", "x"]).exit_code == 2
