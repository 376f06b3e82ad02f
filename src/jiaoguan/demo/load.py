"""Load the demo data set in one transaction: all of it, or (on any error) none of it.

Deterministic: the same seed on the same reference day gives the same rows (passwords aside, whose
argon2 salts are random). Other rooms add their own demo records (hall windows, applications, passes)
by declaring `demo=` (a function `(session, world) -> dict[str, int] | None`) in their `room.py`.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.demo.accounts import MARKER_USERNAME, add_accounts, add_offices
from jiaoguan.demo.builder import TABLES, Batch, Builder
from jiaoguan.demo.draws import population
from jiaoguan.demo.featured import add_featured
from jiaoguan.demo.writer import RowWriter
from jiaoguan.kit import audit, rooms
from jiaoguan.kit.clock import today
from jiaoguan.kit.db import full_metadata, unit_of_work
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.statistics import analyze

log = logging.getLogger("jiaoguan.demo")
BATCH_ROWS = 5000


@dataclass(frozen=True)
class DemoWorld:
    """What other rooms' demo parts can build on."""

    seed: int
    on: dt.date
    offices: dict[str, int]                 # office code -> id
    users: dict[str, int]                   # demo username -> user id
    featured: dict[str, int]                # state name -> person id
    enterprise_id: int                      # the `agent` account's company

    def rng(self, part: str) -> random.Random:
        """A private random stream per part, so adding a part never changes another part's data."""
        return random.Random(f"{self.seed}:{part}")


@dataclass
class DemoSummary:
    seed: int
    on: dt.date
    people: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: bool = False
    featured: dict[str, str] = field(default_factory=dict)   # state name -> ID number of the person showing it

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def describe(self, locale: str | None = None) -> str:
        """One sentence in `locale` (default: the current language); the table names are the tables' own."""
        if self.skipped:
            return translate(N_("Demo data is already loaded (user '%(user)s' exists); nothing was changed. To load "
                                "it again, start from an empty database."), locale, user=MARKER_USERNAME)
        parts = ", ".join(f"{n:,} {table}" for table, n in self.counts.items())
        rate = self.rows / self.seconds if self.seconds else 0.0
        return translate(N_("Demo data loaded (seed %(seed)s, as of %(on)s): %(parts)s. %(rows)s rows in "
                            "%(seconds)s s (%(rate)s rows/s)."), locale, seed=self.seed, on=self.on, parts=parts,
                         rows=f"{self.rows:,}", seconds=f"{self.seconds:.1f}", rate=f"{rate:,.0f}")


def demo_loaded(session: Session | None = None) -> bool:
    """Has the demo been loaded into this database? (False too when the schema is not there yet.)"""
    if session is None:
        with unit_of_work() as own:
            return demo_loaded(own)
    try:
        with session.begin_nested():
            return session.execute(select(User.id).where(User.username == MARKER_USERNAME)).first() is not None
    except (OperationalError, ProgrammingError):
        return False


def load_demo(people: int = 2000, seed: int = 2022, progress: bool = False, *, session: Session | None = None,
              on: dt.date | None = None, batch_rows: int = BATCH_ROWS) -> DemoSummary:
    """Offices, a sign-in for every role, featured records and `people` synthetic people with their records.

    With `session`, the caller owns the transaction (this only flushes); otherwise it commits its own.
    """
    if people < 0:
        raise ValueError("people must be zero or more")
    if session is None:
        with unit_of_work() as own:
            return load_demo(people, seed, progress, session=own, on=on, batch_rows=batch_rows)
    on = on or today()
    if demo_loaded(session):
        log.info("demo.load.skipped")
        return DemoSummary(seed, on, people, skipped=True)
    started = time.perf_counter()
    writer = RowWriter(session)
    b = Builder(seed, on, writer.next_ids())
    batch = Batch()
    featured = add_featured(b, batch)
    writer.write(batch)   # the accounts below point at these persons
    offices = add_offices(session)
    users = add_accounts(session, featured, offices)
    with _progress(progress, people) as advance, writer.pipelined() as write:
        for chunk, done in population(b, people, batch_rows):
            write(chunk)
            advance(done)
    writer.advance_sequences()
    session.flush()
    counts = {t: writer.written[t] for t in TABLES}
    counts.update({"office": len(offices), "app_user": len(users)})
    world = DemoWorld(seed, on, offices, users, {k: p.id for k, p in featured.people.items()},
                      featured.enterprise.id)
    counts.update(_load_parts(session, world))
    audit.record(session, "demo.load", "demo", seed,
                 f"demo data as of {on}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    session.flush()
    # The pages' plans need statistics from the first request on: every table (the rooms' demo parts fill tables
    # they do not count; analyzing an untouched small table costs next to nothing).
    analyze(session, full_metadata().tables)
    summary = DemoSummary(seed, on, people, counts, time.perf_counter() - started,
                          featured={k: p.id_number for k, p in featured.people.items()})
    log.info("demo.load.done rows=%s seconds=%.1f", summary.rows, summary.seconds)
    return summary


def _load_parts(session: Session, world: DemoWorld) -> dict[str, int]:
    counts: dict[str, int] = {}
    for room in rooms.installed():
        if room.demo is not None:
            counts.update(rooms.resolve(room.demo)(session, world) or {})
    return counts


@contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[int], None]]:
    if not show or total == 0:
        yield lambda n: None
        return
    label = translate(N_("demo people"))
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("people", total=total)
        yield lambda n: bar.advance(task, n)
