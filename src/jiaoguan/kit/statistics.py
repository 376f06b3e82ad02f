"""Planner statistics the product keeps itself: a server may run without autovacuum (this project's test machines
do), and autovacuum is late after a bulk load anyway."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from jiaoguan.kit.db import full_metadata, is_postgres


def analyze(session: Session, tables: Iterable[str]) -> list[str]:
    """Fresh planner statistics for tables just filled or changed in bulk (PostgreSQL); returns those analyzed.

    A server may run without autovacuum (and autovacuum is late after a bulk load anyway): without statistics
    PostgreSQL guesses, and a page that reads a million-row table in index order can turn into a sort of it.
    Runs in the caller's transaction, so it sees the rows that transaction wrote.
    """
    if not is_postgres(session):
        return []
    known = full_metadata().tables
    names = sorted({t for t in tables if t in known})
    if names:
        quote = session.get_bind().dialect.identifier_preparer.quote
        session.execute(text("ANALYZE " + ", ".join(quote(n) for n in names)))
    return names


# Autovacuum's rule for analyzing (50 rows + 10 % of the table), with a higher floor: a thousand rows turn no plan.
STALE_AFTER_CHANGES, STALE_AFTER_SHARE = 1000, 0.1


def analyze_when_stale(session: Session, tables: Iterable[str]) -> list[str]:
    """`analyze` the tables changed by more than `STALE_AFTER_*` since their statistics were taken (PostgreSQL's own
    count of changes, `pg_stat_user_tables`); returns those analyzed.

    For a table that only grows and is read by a page with a plan that depends on its statistics (the admin's outbox:
    the checkpoint scans' events, tens of thousands a day, with no worker draining them on a test server): without
    autovacuum the statistics of its first hundred rows stayed, and a count the planner thought large read the whole
    table (62 ms at 78,000 messages, 0.1 ms after ANALYZE)."""
    if not is_postgres(session):
        return []
    stale = session.execute(text(
        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(:names) "
        "AND n_mod_since_analyze > :changes + :share * n_live_tup ORDER BY relname"),
        {"names": sorted(set(tables)), "changes": STALE_AFTER_CHANGES, "share": STALE_AFTER_SHARE}).scalars().all()
    return analyze(session, stale)
