"""The admin's outbox page reads indexes, not the whole outbox: counts by channel and status stop at a cap
("more than …"), and the failed deliveries come from a partial index that holds only them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from jiaoguan.kit import outbox
from jiaoguan.kit import statistics as kit_statistics
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.db import is_postgres
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.statistics import analyze_when_stale


def _message(db: Session, channel: str, recipient: str, status: str = "pending", attempts: int = 0) -> int:
    row = OutboxMessage(created_at=utc_now(), channel=channel, recipient=recipient, template="t.x", status=status,
                        attempts=attempts, next_attempt_at=utc_now())
    db.add(row)
    db.flush()
    return row.id


def _messages(db: Session) -> dict[str, int]:
    ids = {f"sms{i}": _message(db, "sms", f"1380013800{i}") for i in range(5)}
    ids["dead"] = _message(db, "inapp", "7", "dead", 8)
    ids["retrying"] = _message(db, "event", "listener.x", "pending", 2)
    ids["sent"] = _message(db, "event", "listener.y", "sent", 1)
    return ids


def test_counts_stop_at_the_cap_and_say_so(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "COUNT_CAP", 3)
    before = {(c, s): n for c, s, n, _ in outbox.status_counts(db)}
    assert all(n == 0 for n in before.values()), "the test starts from an empty outbox"
    _messages(db)
    assert outbox.status_counts(db) == [("sms", "pending", 3, True), ("inapp", "dead", 1, False),
                                        ("event", "pending", 1, False), ("event", "sent", 1, False)]


def test_the_failed_deliveries_are_the_dead_and_the_retried_newest_first(db: Session) -> None:
    ids = _messages(db)
    assert [m.id for m in outbox.problems(db)] == [ids["retrying"], ids["dead"]]


def test_the_page_shows_a_capped_count_in_the_readers_language(db: Session, client, make_user, sign_in,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "COUNT_CAP", 3)
    _messages(db)
    db.commit()
    sign_in(client, make_user("admin"))
    page = client.get("/admin/outbox")
    assert page.status_code == 200 and "超过 3" in page.text and "listener.x" in page.text
    assert "1380013800" not in page.text   # a waiting message that never failed is not listed
    client.cookies.set("jg_lang", "en")
    assert "more than 3" in client.get("/admin/outbox").text


def test_a_table_changed_past_autovacuums_threshold_is_analyzed_and_one_barely_changed_is_not(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a server without autovacuum the outbox's statistics stayed those of its first rows, and its counts read the
    whole table: the page analyzes it once PostgreSQL counts more changes than autovacuum would have waited for."""
    if not is_postgres(db):
        assert analyze_when_stale(db, ["outbox_message"]) == []   # SQLite keeps no such statistics
        return
    changed = db.execute(text("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = 'outbox_message'"
                              )).scalar_one()
    monkeypatch.setattr(kit_statistics, "STALE_AFTER_SHARE", 0.0)
    monkeypatch.setattr(kit_statistics, "STALE_AFTER_CHANGES", changed + 1)
    assert analyze_when_stale(db, ["outbox_message", "no_such_table"]) == []
    monkeypatch.setattr(kit_statistics, "STALE_AFTER_CHANGES", changed - 1)
    assert analyze_when_stale(db, ["outbox_message", "no_such_table"]) == ["outbox_message"]
