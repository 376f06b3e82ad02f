"""The demo's offices and sign-ins: one account for every role, all with the documented password."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import Office
from jiaoguan.accounts.roles import ROLE_NAMES, Role
from jiaoguan.accounts.service import create_user
from jiaoguan.demo.featured import CITIZEN_PHONE, ELDER_PHONE, Featured
from jiaoguan.demo.places import OFFICES
from jiaoguan.kit.i18n import N_, translate
from jiaoguan.kit.settings import get_settings

#: Printed by `jiaoguan serve` and in the README; never use it outside a demo.
DEMO_PASSWORD = "jiaoguan-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    display_name: str
    phone: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount("citizen", Role.citizen, "张明", CITIZEN_PHONE),
    DemoAccount("elder", Role.citizen, "李秀英", ELDER_PHONE),
    DemoAccount("agent", Role.enterprise_agent, "周涛"),
    DemoAccount("clerk", Role.window_clerk, "王芳"),
    DemoAccount("seat", Role.online_seat, "李娜"),
    DemoAccount("hotline", Role.hotline_agent, "张丽"),
    DemoAccount("officer", Role.checkpoint_officer, "刘强"),
    DemoAccount("issuer", Role.pass_issuer, "陈刚"),
    DemoAccount("supervisor", Role.supervisor, "杨军"),
    DemoAccount("admin", Role.admin, "系统管理员"),
)
#: The account whose existence means "the demo is loaded".
MARKER_USERNAME = "admin"


def add_offices(session: Session) -> dict[str, int]:
    """Office code -> id; offices that already exist (same code) are kept as they are."""
    existing = {code: oid for code, oid in session.execute(select(Office.code, Office.id))}
    for spec in OFFICES:
        if spec.code not in existing:
            office = Office(code=spec.code, name=spec.name, name_en=spec.name_en, division_code=spec.division_code,
                            province_code=spec.province_code)
            session.add(office)
            session.flush()
            existing[spec.code] = office.id
    return existing


def add_accounts(session: Session, featured: Featured, offices: dict[str, int]) -> dict[str, int]:
    """Username -> user id. Staff sit in the Beijing 车管所; the agent acts for the demo haulier."""
    main_office = offices[OFFICES[0].code]
    ids: dict[str, int] = {}
    for acct in DEMO_ACCOUNTS:
        kw: dict[str, object] = {}
        if acct.username == "citizen":
            kw = {"person_id": featured.citizen.id, "province_code": featured.citizen.province.code}
        elif acct.username == "elder":
            kw = {"person_id": featured.elder.id, "province_code": featured.elder.province.code}
        elif acct.role is Role.enterprise_agent:
            kw = {"enterprise_id": featured.enterprise.id, "province_code": featured.enterprise.province.code}
        else:
            kw = {"office_id": main_office, "province_code": OFFICES[0].province_code}
        user = create_user(session, username=acct.username, display_name=acct.display_name, role=acct.role,
                           password=DEMO_PASSWORD, phone=acct.phone, **kw)  # type: ignore[arg-type]
        ids[acct.username] = user.id
    return ids


def print_demo_signins(console: Console | None = None) -> None:
    """A table of the demo sign-ins in the current language: role, user name, password, where to sign in."""
    console = console or Console()
    base = get_settings().public_base_url.rstrip("/")
    table = Table(title=translate(N_("Demo sign-ins  →  %(url)s"), url=f"{base}/signin"), title_justify="left")
    for column in (N_("Role"), N_("Username"), N_("Password"), N_("SMS phone")):
        table.add_column(translate(column))
    for acct in DEMO_ACCOUNTS:
        table.add_row(translate(ROLE_NAMES[acct.role]), acct.username, DEMO_PASSWORD, acct.phone or "")
    console.print(table)
    console.print(translate(N_("Citizens may also sign in with a one-time SMS code; the code shows at %(url)s "
                               "(sign in as admin)."), url=f"{base}/admin/dev-sms"))
