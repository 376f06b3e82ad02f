"""The driver carries the e-pass (issue 9.6): the enterprise sends each crew member a signed, expiring, revocable
link by SMS through the outbox; the link opens only that pass, without a sign-in."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.passes.applications import service as apps
from jiaoguan.passes.issuance.revocation import revoke_pass
from tests.factories.passes import application

TOKEN = {"csrf_token": "test-csrf-token"}


def _as(client: TestClient, sign_in, user: Principal) -> TestClient:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    return sign_in(client, user)


def _links(db: Session) -> dict[str, str]:
    rows = db.execute(select(OutboxMessage).where(OutboxMessage.template == "pass_driver_link")
                      .order_by(OutboxMessage.id)).scalars()
    return {m.recipient: json.loads(m.params_json)["url"] for m in rows}


def _path(url: str) -> str:
    return url[url.index("/e/"):]


def _send(client: TestClient, sign_in, db: Session, agent: Principal, pass_no: str) -> dict[str, str]:
    _as(client, sign_in, agent)
    sent = client.post(f"/passes/pass/{pass_no}/driver-links", data=TOKEN, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    db.expire_all()
    return _links(db)


def test_each_crew_member_gets_a_link_that_opens_only_that_pass_without_signing_in(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, keys: None) -> None:
    mine = apps.approve(db, apps.submit_application(db, agent, application(1)).id, issuer)
    other = apps.approve(db, apps.submit_application(db, agent, application(2)).id, issuer)
    db.commit()
    links = _send(client, sign_in, db, agent, mine.pass_no)
    assert set(links) == {"13812345678", "13912345678"}  # the driver's and the escort's mobiles
    client.cookies.clear()  # the driver's phone: no session at all
    shown = client.get(_path(links["13812345678"]))
    assert shown.status_code == 200
    assert mine.pass_no in shown.text and mine.plate_no in shown.text and 'data-green="yes"' in shown.text
    assert other.pass_no not in shown.text and 'href="/' not in shown.text.split("<body>", 1)[1]  # no navigation
    assert application(1).crew[0].id_number not in shown.text  # nothing of the crew beyond a masked name
    assert shown.headers["cache-control"] == "no-store" and shown.headers["referrer-policy"] == "no-referrer"


def test_an_altered_or_forged_link_opens_nothing(client: TestClient, sign_in, db: Session, agent: Principal,
                                                 issuer: Principal, keys: None) -> None:
    p = apps.approve(db, apps.submit_application(db, agent, application(3)).id, issuer)
    db.commit()
    path = _path(next(iter(_send(client, sign_in, db, agent, p.pass_no).values())))
    link_id, secret, signature = path[3:].split(".")
    client.cookies.clear()
    def altered(text: str) -> str:
        """One character changed, at the front: base64's last character may carry padding bits a decoder ignores,
        and a fixed replacement is sometimes the character already there (a secret ending in "x" once passed)."""
        return ("B" if text[0] == "A" else "A") + text[1:]

    for bad in (f"{link_id}.{secret}.{altered(signature)}", f"{link_id}.{altered(secret)}.{signature}",
                f"{int(link_id) + 1}.{secret}.{signature}", "1.2.3", "garbage"):
        answer = client.get(f"/e/{bad}")
        assert answer.status_code == 404, bad
        assert p.pass_no not in answer.text


def test_a_link_stops_when_revoked_resent_or_expired_and_goes_grey_with_its_pass(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, keys: None, clock) -> None:
    p = apps.approve(db, apps.submit_application(db, agent, application(4)).id, issuer)
    db.commit()
    first = _path(_send(client, sign_in, db, agent, p.pass_no)["13812345678"])
    second = _path(_send(client, sign_in, db, agent, p.pass_no)["13812345678"])
    client.cookies.clear()
    assert client.get(first).status_code == 404  # a new sending stops the earlier links
    assert client.get(second).status_code == 200

    _as(client, sign_in, agent)
    assert client.post(f"/passes/pass/{p.pass_no}/driver-links/revoke", data=TOKEN,
                       follow_redirects=False).status_code == 303
    assert 'data-link-state="revoked"' in client.get(f"/passes/pass/{p.pass_no}/e-pass").text
    client.cookies.clear()
    assert client.get(second).status_code == 404

    third = _path(_send(client, sign_in, db, agent, p.pass_no)["13812345678"])
    revoke_pass(db, p.pass_no, issuer, "车辆已停运")
    db.commit()
    client.cookies.clear()
    grey = client.get(third)
    assert grey.status_code == 200 and 'data-green="no"' in grey.text and "已撤销" in grey.text
    clock.advance(dt.timedelta(days=(p.valid_to - clock.now().date()).days + 2))
    assert client.get(third).status_code == 404  # expired the day after the pass


def test_another_enterprise_cannot_send_or_revoke_the_links(
        client: TestClient, sign_in, db: Session, agent: Principal, issuer: Principal, keys: None,
        make_user) -> None:  # type: ignore[no-untyped-def]
    from jiaoguan.accounts.roles import Role
    from tests.factories import accounts

    p = apps.approve(db, apps.submit_application(db, agent, application(5)).id, issuer)
    rival = make_user(Role.enterprise_agent, enterprise_id=accounts.enterprise(db, name="别家").id,
                      province_code="31")
    db.commit()
    _as(client, sign_in, rival)
    assert client.post(f"/passes/pass/{p.pass_no}/driver-links", data=TOKEN).status_code == 403
    assert client.post(f"/passes/pass/{p.pass_no}/driver-links/revoke", data=TOKEN).status_code == 403
    db.expire_all()
    assert _links(db) == {}
