"""What the page benchmarks sign in with and ask for, taken from a database that holds the demo.

`prepare()` opens a browser session for every demo account, issues a device token for the checkpoint
officer and picks a genuine pass QR, a checkpoint in the officer's province, a plate to search for and
the ids the pages with path parameters need. It writes only sessions and a token (audited as usual).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from jiaoguan.accounts.models import User
from jiaoguan.accounts.service import issue_api_token, start_session
from jiaoguan.demo.accounts import DEMO_ACCOUNTS
from jiaoguan.kit.db import unit_of_work
from jiaoguan.passes.models import Checkpoint, PassApplication, TransportPass
from jiaoguan.registry.models import Vehicle


@dataclass
class Fixtures:
    sessions: dict[str, str]            # demo username -> session cookie value
    roles: dict[str, str]               # role -> a demo username of that role
    device_token: str
    qr: str
    checkpoint: str
    search_q: str
    params: dict[str, Any] = field(default_factory=dict)   # path parameter name -> value

    def cookie(self, username: str) -> str:
        return f"jg_session={self.sessions[username]}; jg_csrf=bench"

    def concrete(self, path: str) -> str | None:
        """The path with its parameters filled from the demo, or None when the demo has nothing to fill."""
        missing = [name for name in re.findall(r"\{([^}:]+)[^}]*\}", path) if name not in self.params]
        if missing:
            return None
        return re.sub(r"\{([^}:]+)[^}]*\}", lambda m: quote(str(self.params[m.group(1)])), path)


def prepare() -> Fixtures:
    with unit_of_work() as db:
        users = {u.username: u for u in db.scalars(select(User).where(
            User.username.in_([a.username for a in DEMO_ACCOUNTS])))}
        if len(users) != len(DEMO_ACCOUNTS):
            raise SystemExit("load the demo first: jiaoguan demo --people N")
        sessions = {name: start_session(db, user) for name, user in users.items()}
        roles: dict[str, str] = {}
        for acct in DEMO_ACCOUNTS:
            roles.setdefault(acct.role.value, acct.username)
        officer = users["officer"]
        token = issue_api_token(db, officer, "bench scanner")
        found = db.execute(select(TransportPass.qr_text, TransportPass.pass_no, TransportPass.application_id)
                           .where(TransportPass.status == "active").order_by(TransportPass.id)).first()
        if found is None:
            raise SystemExit("the demo has no active pass")
        checkpoint = db.scalars(select(Checkpoint.code).where(Checkpoint.province_code == officer.province_code)
                                .order_by(Checkpoint.id)).first()
        plate = db.scalars(select(Vehicle.plate_no).order_by(Vehicle.id).offset(1000).limit(1)).first() \
            or db.scalars(select(Vehicle.plate_no).limit(1)).one()
        app_id = db.scalars(select(PassApplication.id).order_by(PassApplication.id)).first()
        person_id = users["citizen"].person_id
        params = {"person_id": person_id, "app_id": app_id, "pass_no": found.pass_no}
        return Fixtures(sessions, roles, token, found.qr_text, checkpoint or "", quote(plate), params)
