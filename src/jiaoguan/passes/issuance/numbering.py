"""Pass numbers (证件编号): 6-digit division code of the issuing area + 6-digit serial, without gaps.

One counter row per area. Issuance locks it (SELECT … FOR UPDATE on PostgreSQL; SQLite has one writer
at a time anyway) and bumps it inside the issuing transaction, so two issuers never get the same
serial, and a rolled-back issuance gives its serial back: the serials of an area are 1, 2, 3, … with
no holes. The template says the serial "starts from 00000"; REFERENCE B.2 reads that as 000001.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jiaoguan.kit.db import is_postgres
from jiaoguan.kit.errors import Conflict
from jiaoguan.kit.i18n import N_
from jiaoguan.kit.ids import require_pass_no
from jiaoguan.passes.models import PassNumberCounter

MAX_SERIAL = 999_999


class SerialsExhausted(Conflict):
    code = "passes.serials_exhausted"
    message = N_("All 999,999 pass numbers of area %(area)s are used.")


def next_pass_no(session: Session, area: str) -> str:
    """Take the next serial of `area` in the caller's transaction and return the 12-digit number."""
    require_pass_no(f"{area}000001")  # the area must be a real division code, or the number means nothing
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(insert(PassNumberCounter).values(division_code=area, last_serial=0)
                    .on_conflict_do_nothing(index_elements=["division_code"]))
    last = session.execute(
        select(PassNumberCounter.last_serial).where(PassNumberCounter.division_code == area).with_for_update()
    ).scalar_one()
    serial = last + 1
    if serial > MAX_SERIAL:
        raise SerialsExhausted(area=area)
    session.execute(update(PassNumberCounter).where(PassNumberCounter.division_code == area)
                    .values(last_serial=serial).execution_options(synchronize_session=False))
    return f"{area}{serial:06d}"
