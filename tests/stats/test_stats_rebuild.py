"""The maintained figures equal a recount from the rooms' raw data, whatever the workload; the rebuild
reports and repairs a difference."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.roles import Role
from jiaoguan.cli import app as jiaoguan_cli
from jiaoguan.kit import db as kitdb
from jiaoguan.kit import events
from jiaoguan.kit.clock import FixedClock, today
from jiaoguan.kit.errors import JiaoguanError
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.checkpoint import scans as cp
from jiaoguan.passes.issuance.revocation import revoke_pass
from jiaoguan.passes.models import Checkpoint, TransportPass
from jiaoguan.passes.qr import reasons as R
from jiaoguan.stats.counters import value
from jiaoguan.stats.models import FigureCount
from jiaoguan.stats.rebuild import rebuild
from tests.factories import accounts
from tests.factories.passes import application, register


def deliver(db: Session) -> None:
    while events.dispatch_due(db, limit=500):
        pass
    failed = db.scalars(select(OutboxMessage.last_error).where(OutboxMessage.channel == "event",
                                                               OutboxMessage.status != "sent")).all()
    assert failed == []


def workload(db: Session, rng: random.Random, clock: FixedClock, agents: list[Principal], issuer: Principal,
             officer: Principal, checkpoint: Checkpoint, steps: int = 40) -> None:
    """Applications, approvals, refusals, revocations, online and offline checks over several days, with the
    events delivered at random moments (some late, after the day changed)."""
    pending: list[int] = []
    issued: list[TransportPass] = []
    serial = 100 + rng.randrange(500)  # past the haulier's registered fleet (1 … 40)
    for _ in range(steps):
        action = rng.choice(["apply", "apply", "approve", "refuse", "revoke", "verify", "offline", "tick",
                             "deliver"])
        try:
            with db.begin_nested():
                if action == "apply":
                    serial += 1
                    start = today()
                    who = rng.choice(agents)
                    register(db, who.enterprise_id, serial)  # the vehicle and crew are in the register
                    pending.append(apps.submit_application(db, who, application(
                        serial, valid_from=start, valid_to=start + dt.timedelta(days=9))).id)
                elif action == "approve" and pending:
                    issued.append(apps.approve(db, pending.pop(rng.randrange(len(pending))), issuer))
                elif action == "refuse" and pending:
                    apps.refuse(db, pending.pop(rng.randrange(len(pending))), issuer,
                                rng.choice(["documents", "not_key_material"]))
                elif action == "revoke" and issued:
                    revoke_pass(db, issued.pop(rng.randrange(len(issued))).pass_no, issuer, "测试吊销")
                elif action == "verify" and issued:
                    qr = rng.choice(issued).qr_text
                    cp.verify_online(db, qr if rng.random() < 0.8 else qr[:-4] + "AAAA", checkpoint=checkpoint,
                                     lane=str(rng.randint(1, 3)), officer=officer, check_ms=rng.randint(50, 20000))
                elif action == "offline":
                    reason = rng.choice([None, None, R.REVOKED_PASS, "expired"])
                    cp.record_offline_scans(db, officer, [cp.OfflineScan(
                        f"s{rng.getrandbits(48):x}", checkpoint.code, "2",
                        clock.now() - dt.timedelta(hours=rng.randint(0, 30)), reason is None, reason,
                        check_ms=rng.choice([None, rng.randint(100, 70000)]))])
                elif action == "tick":
                    clock.advance(dt.timedelta(hours=rng.randint(3, 20)))
                elif action == "deliver":
                    events.dispatch_due(db, limit=rng.randint(1, 10))
        except JiaoguanError:
            continue  # a refused step (an application the form rejects) is part of a real workload
    deliver(db)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_a_random_workload_the_rebuild_equals_the_maintained_figures(
        db: Session, seed: int, clock: FixedClock, agent: Principal, issuer: Principal, officer: Principal,
        checkpoint: Checkpoint, keys: None, make_user: Callable[..., Principal]) -> None:
    other_firm = accounts.enterprise(db, credit_code="91310115MA1H7XYZ1Y", name="上海快运有限公司", division="310115")
    other_agent = make_user(Role.enterprise_agent, enterprise_id=other_firm.id, province_code="31")
    workload(db, random.Random(seed), clock, [agent, other_agent], issuer, officer, checkpoint)
    report = rebuild(db, write=False)
    assert "passes" in report.rooms and report.counts > 0 and report.persons > 0
    assert report.differences == [] and report.person_differences == 0
    assert sum(value(db, "passes.applied", "31", d) for d in
               {r.day for r in db.scalars(select(FigureCount))}) > 0


def test_a_figure_that_drifted_is_reported_and_replaced_by_the_recount(
        db: Session, clock: FixedClock, agent: Principal, issuer: Principal, keys: None) -> None:
    apps.approve(db, apps.submit_application(db, agent, application(7)).id, issuer)
    deliver(db)
    assert value(db, "passes.issued", "31", today()) == 1
    db.execute(update(FigureCount).where(FigureCount.metric == "passes.issued").values(value=5))
    report = rebuild(db)
    assert [(d.key[4], d.maintained, d.recounted) for d in report.differences] == [("passes.issued", 5, 1)]
    assert report.written and value(db, "passes.issued", "31", today()) == 1
    assert rebuild(db, write=False).differences == []


@pytest.fixture()
def cli(db: Session, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    connection = db.connection()
    monkeypatch.setattr(kitdb, "get_sessionmaker",
                        lambda: sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    return CliRunner()


def test_the_rebuild_command_says_whether_the_figures_differed(
        cli: CliRunner, db: Session, clock: FixedClock, agent: Principal, issuer: Principal, keys: None) -> None:
    apps.submit_application(db, agent, application(8))
    deliver(db)
    same = cli.invoke(jiaoguan_cli, ["stats", "rebuild"])
    assert same.exit_code == 0, same.output
    assert "equal the recount" in same.output
    db.execute(update(FigureCount).where(FigureCount.metric == "passes.applied").values(value=9))
    checked = cli.invoke(jiaoguan_cli, ["stats", "rebuild", "--check", "--json"])
    assert checked.exit_code == 3
    assert '"maintained": 9, "recounted": 1' in checked.output and '"written": false' in checked.output
    fixed = cli.invoke(jiaoguan_cli, ["stats", "rebuild"])
    assert fixed.exit_code == 3 and "replaced by the recount" in fixed.output
    assert cli.invoke(jiaoguan_cli, ["stats", "rebuild"]).exit_code == 0
    assert cli.invoke(jiaoguan_cli, ["stats", "rebuild", "--from", "2022-13-01"]).exit_code == 2


def test_a_redelivered_event_is_counted_once(db: Session, clock: FixedClock) -> None:
    events.emit(db, "halls.booked", {"province": "11", "day": "2022-04-29", "office": "110000A",
                                     "business_group": "licence", "weekend": True, "person": "p1"})
    deliver(db)
    deliver(db)
    day = dt.date(2022, 4, 29)
    assert (value(db, "halls.booked", "11", day), value(db, "halls.weekend", "11", day),
            value(db, "halls.extended", "11", day)) == (1, 1, 0)
