"""The scanner's lane on PostgreSQL runs without a transaction around its statements (passes/lane.py): through a
real server, a scan is logged with exactly one `pass.verified` event, a retried scan with none, and the pooled
connection goes back to the pool in its usual transactional mode."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from jiaoguan.accounts.models import User
from jiaoguan.accounts.service import issue_api_token
from jiaoguan.kit.db import get_engine, unit_of_work
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.settings import reset_settings
from jiaoguan.passes.models import Checkpoint, CheckpointScan, TransportPass
from tests.installations import Installation, cli
from tests.perf.servers import serve_in_thread


@pytest.fixture()
def server(installations, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Installation]]:
    inst = installations()
    if not inst.url.startswith("postgresql"):
        pytest.skip("the lane leaves out the transaction on PostgreSQL only")
    monkeypatch.setenv("JIAOGUAN_DB_POOL_SIZE", "1")    # one connection: the next request gets the lane's
    monkeypatch.setenv("JIAOGUAN_DB_MAX_OVERFLOW", "0")
    reset_settings()
    assert cli("demo", "--people", "20").exit_code == 0
    from jiaoguan.kit.db import reset_engine

    reset_engine()
    with serve_in_thread() as url:
        yield url, inst


def _counts() -> tuple[int, int]:
    with unit_of_work() as s:
        return (s.scalar(select(func.count()).select_from(CheckpointScan)) or 0,
                s.scalar(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.template == "pass.verified")) or 0)


def test_a_scan_is_logged_with_one_event_and_a_retry_with_none_without_a_transaction(
        server: tuple[str, Installation]) -> None:
    url, _ = server
    with unit_of_work() as s:
        officer = s.scalars(select(User).where(User.username == "officer")).one()
        token = issue_api_token(s, officer, "lane scanner")
        qr = s.scalars(select(TransportPass.qr_text).where(TransportPass.status == "active")
                       .order_by(TransportPass.id)).first()
        checkpoint = s.scalars(select(Checkpoint.code).where(Checkpoint.province_code == officer.province_code)
                               .order_by(Checkpoint.id)).first()
    assert qr and checkpoint
    before = _counts()
    body = {"qr": qr, "checkpoint": checkpoint, "lane": "1", "scan_id": "lane-autocommit-1"}
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=30) as c:
        first = c.post("/api/v1/passes/verify", json=body, headers=headers)
        again = c.post("/api/v1/passes/verify", json=body, headers=headers)
    assert first.status_code == 200 and first.json()["valid"] and not first.json()["duplicate"], first.text
    assert again.status_code == 200 and again.json()["duplicate"], again.text
    assert _counts() == (before[0] + 1, before[1] + 1)
    with unit_of_work() as s:
        event = s.scalars(select(OutboxMessage).where(OutboxMessage.template == "pass.verified")
                          .order_by(OutboxMessage.id.desc())).first()
        assert event is not None and json.loads(event.params_json)["payload"]["verdict"] == "released"
    # The pool's one connection, which served the lane, is back in transactional mode.
    with get_engine().connect() as conn:
        assert conn.connection.driver_connection.autocommit is False  # type: ignore[union-attr]
