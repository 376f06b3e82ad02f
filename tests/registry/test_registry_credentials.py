"""电子驾驶证 and 学习驾驶证明: downloadable, signed, checked by the pass verifier core (issue 11.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.kit.clock import today, utc_now
from jiaoguan.kit.context import Actor
from jiaoguan.passes.issuance import keystore
from jiaoguan.passes.qr.credential import (
    CREDENTIAL_PREFIX,
    CredentialContent,
    credential_trust,
    issue_credential_qr,
)
from jiaoguan.passes.qr.trust import TrustStore
from jiaoguan.passes.qr.verify import verify
from jiaoguan.registry.changes import apply
from jiaoguan.registry.queries import document
from tests.conftest import with_csrf
from tests.factories import registry as f

SEAT = Actor(42, "online_seat", "seat42")
SignIn = Callable[[TestClient, User], TestClient]


def _setup(db: Session, make_user: Callable[..., User]) -> tuple[User, int, int]:
    keystore.init_keys(db, ["11", "31"])
    who = f.person(db)
    lic = f.licence(db, who, valid_to=today() + dt.timedelta(days=2000), classes="C1")
    permit = f.permit(db, who, issued=today() - dt.timedelta(days=100), valid_until=today() + dt.timedelta(days=900))
    e_licence = apply(db, "e-licence", licence_id=lic.id, actor=SEAT, on=today()).documents[0]
    proof = apply(db, "learner-permit-proof", permit_id=permit.id, actor=SEAT, on=today()).documents[0]
    return make_user(Role.citizen, person_id=who.id), e_licence, proof


def test_the_holder_downloads_a_signed_e_licence_that_the_verifier_core_accepts(
        db: Session, client: TestClient, make_user: Callable[..., User], sign_in: SignIn) -> None:
    citizen, e_licence, _ = _setup(db, make_user)
    body = sign_in(client, citizen).get(f"/api/v1/credentials/{e_licence}").json()
    assert body["qr"].startswith(CREDENTIAL_PREFIX)
    assert body["content"]["kind"] == "e_licence" and "*" in body["content"]["id_number"]
    certs = [keystore.certificate(r) for r in keystore.signing_rows(db)]
    verdict = verify(body["qr"], credential_trust(TrustStore.from_certificates(certs)), utc_now(),
                     prefix=CREDENTIAL_PREFIX)
    assert verdict.valid, verdict.reason
    # A pass scanner does not take it for a pass.
    assert verify(body["qr"], TrustStore.from_certificates(certs), utc_now()).reason == "bad_prefix"


def test_staff_check_a_credential_online_and_a_replaced_one_is_revoked(
        db: Session, client: TestClient, make_user: Callable[..., User], sign_in: SignIn) -> None:
    citizen, e_licence, proof = _setup(db, make_user)
    holder = sign_in(client, citizen)
    old_qr = holder.get(f"/api/v1/credentials/{e_licence}").json()["qr"]
    proof_qr = holder.get(f"/api/v1/credentials/{proof}").json()["qr"]
    clerk = sign_in(with_csrf(TestClient(client.app)), make_user(Role.window_clerk))  # the token bound to its session
    clerk.cookies.set("jg_csrf", "test-csrf-token")
    csrf = {"X-CSRF-Token": "test-csrf-token"}
    checked = clerk.post("/api/v1/credentials/verify", json={"qr": proof_qr}, headers=csrf).json()
    assert checked["valid"] and checked["content"]["kind"] == "learner_permit_proof"
    doc = document(db, e_licence)
    assert doc is not None
    apply(db, "e-licence", licence_id=doc.subject_id, actor=SEAT, on=today())   # the old copy is void
    db.commit()
    again = clerk.post("/api/v1/credentials/verify", json={"qr": old_qr}, headers=csrf).json()
    assert (again["valid"], again["reason"]) == (False, "revoked_pass")
    forged = clerk.post("/api/v1/credentials/verify", json={"qr": old_qr[:-6] + "AAAAAA"}, headers=csrf).json()
    assert not forged["valid"]


def test_another_province_key_cannot_sign_a_beijing_credential(db: Session, make_user: Callable[..., User]) -> None:
    _setup(db, make_user)
    shanghai = keystore.key_pair(keystore.current_signing_key(db, "31"))
    content = CredentialContent.masked(kind="e_licence", number="11-000001-1", name="张三丰",
                                       id_number="110105198005010011", classes="C1", valid_from=today(),
                                       valid_until=today() + dt.timedelta(days=30))
    qr = issue_credential_qr(content, issuer="110000", issued_at=utc_now(),
                             valid_until=utc_now() + dt.timedelta(days=30), private_key=shanghai.private_key,
                             kid=shanghai.kid)
    certs = [keystore.certificate(r) for r in keystore.signing_rows(db)]
    verdict = verify(qr, credential_trust(TrustStore.from_certificates(certs)), utc_now(), prefix=CREDENTIAL_PREFIX)
    assert verdict.reason == "key_not_allowed"


def test_my_documents_lists_them_and_shows_the_qr_only_to_the_holder(
        db: Session, client: TestClient, make_user: Callable[..., User], sign_in: SignIn) -> None:
    citizen, e_licence, proof = _setup(db, make_user)
    holder = sign_in(client, citizen)
    page = holder.get("/my/documents")
    assert page.status_code == 200 and f'data-document="{e_licence}"' in page.text
    shown = holder.get(f"/my/documents/{proof}")
    assert shown.status_code == 200 and "<svg" in shown.text
    svg = holder.get(f"/my/documents/{e_licence}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    stranger = sign_in(TestClient(client.app), make_user(Role.citizen, person_id=f.person(db).id))
    assert stranger.get(f"/api/v1/credentials/{e_licence}").status_code == 404
    assert stranger.get(f"/my/documents/{e_licence}").status_code == 404
