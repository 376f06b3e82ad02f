"""Sign-in by password and by SMS code, sessions, device tokens, back-off."""

from __future__ import annotations

import re

from argon2 import Type, extract_parameters
from sqlalchemy import select

from jiaoguan.accounts.models import User
from jiaoguan.accounts.roles import Role
from jiaoguan.accounts.service import hash_password, issue_api_token
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.notify.delivery import deliver_due
from jiaoguan.notify.models import DevSms


def test_a_password_is_stored_as_an_argon2id_hash(make_user) -> None:
    user = make_user(Role.window_clerk, password="s3cret-pass")
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in user.password_hash


def test_production_hashes_passwords_with_argon2id_at_no_less_than_owasps_minimum_cost(production_hashing) -> None:
    # The suite hashes at the cheapest cost (tests/conftest.py); this is the cost production pays.
    params = extract_parameters(hash_password("s3cret-pass"))
    assert params.type is Type.ID
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2, "OWASP: argon2id, m >= 19 MiB, t >= 2"
    assert params.parallelism >= 1 and params.salt_len >= 16 and params.hash_len >= 32


def test_the_suite_hashes_cheaply_so_that_making_users_costs_little(make_user) -> None:
    params = extract_parameters(make_user(Role.window_clerk).password_hash)
    assert (params.type, params.time_cost, params.memory_cost) == (Type.ID, 1, 8)


def test_signing_in_with_the_right_password_sets_an_httponly_session_cookie(client, make_user) -> None:
    make_user(Role.window_clerk, username="clerk_a", password="right-password")
    response = client.post("/signin", data={"username": "clerk_a", "password": "right-password",
                                            "csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "jg_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = client.get("/api/v1/accounts/me")
    assert me.status_code == 200 and me.json()["role"] == "window_clerk"


def test_a_wrong_password_is_refused_and_repeated_failures_back_off(client, make_user) -> None:
    make_user(Role.window_clerk, username="clerk_b", password="right-password")
    for _ in range(5):
        r = client.post("/signin", data={"username": "clerk_b", "password": "wrong", "csrf_token": "test-csrf-token"})
        assert r.status_code in (401, 429)
    locked = client.post("/signin", data={"username": "clerk_b", "password": "right-password",
                                          "csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert locked.status_code == 429, "even the right password waits out the back-off"


def test_a_citizen_signs_in_with_a_code_sent_by_sms_through_the_outbox(client, db, make_user) -> None:
    make_user(Role.citizen, username="cit_sms", phone="13800138000")
    r = client.post("/signin/sms/request", data={"phone": "138 0013 8000", "csrf_token": "test-csrf-token"})
    assert r.status_code == 200
    msg = db.execute(select(OutboxMessage).where(OutboxMessage.recipient == "13800138000")).scalar_one()
    assert msg.status == "pending" and msg.template == "signin_code"
    assert deliver_due(db) == 1
    sms = db.execute(select(DevSms).where(DevSms.phone == "13800138000")).scalar_one()
    code = re.search(r"\d{6}", sms.body)
    assert code is not None
    bad = client.post("/signin/sms", data={"phone": "13800138000", "code": "000000" if code.group() != "000000"
                                           else "111111", "csrf_token": "test-csrf-token"})
    assert bad.status_code == 401
    ok = client.post("/signin/sms", data={"phone": "13800138000", "code": code.group(),
                                          "csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert ok.status_code == 303
    again = client.post("/signin/sms", data={"phone": "13800138000", "code": code.group(),
                                             "csrf_token": "test-csrf-token"})
    assert again.status_code == 401, "a code works once"


def test_a_bad_phone_number_is_refused_with_the_reason(client) -> None:
    r = client.post("/signin/sms/request", data={"phone": "12345", "csrf_token": "test-csrf-token"})
    assert r.status_code == 422
    assert "11" in r.text


def test_a_device_token_authenticates_api_calls_without_csrf(client, db, make_user) -> None:
    officer = make_user(Role.checkpoint_officer)
    token = issue_api_token(db, officer, "scanner-1")
    del client.headers["X-CSRF-Token"]
    r = client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["username"] == officer.username
    bad = client.get("/api/v1/accounts/me", headers={"Authorization": "Bearer jgt_nope"})
    assert bad.status_code == 401
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["code"] == "accounts.bad_token"


def test_signing_out_ends_the_session(client, db, make_user, sign_in) -> None:
    sign_in(client, make_user(Role.citizen))
    assert client.get("/api/v1/accounts/me").status_code == 200
    client.post("/signout", data={"csrf_token": "test-csrf-token"}, follow_redirects=False)
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_user_names_are_unique(db, make_user) -> None:
    make_user(Role.citizen, username="same")
    try:
        make_user(Role.citizen, username="same")
    except Exception as exc:
        assert getattr(exc, "code", "") == "accounts.username_taken"
    else:
        raise AssertionError("a second user with the same name was accepted")
    assert db.execute(select(User).where(User.username == "same")).scalars().all().__len__() == 1
