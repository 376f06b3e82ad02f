"""Sign-in under attack (issue 10.1, 10.2), through HTTP on the live app: SMS codes cannot be flooded or
guessed, and the password back-off counts every attempt atomically, per account and per client address."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from jiaoguan.accounts.models import OneTimeCode, SignInThrottle
from jiaoguan.kit import clock
from jiaoguan.kit.db import unit_of_work
from jiaoguan.kit.outbox import OutboxMessage
from jiaoguan.kit.settings import get_settings, reset_settings
from tests.security.conftest import PASSWORD, Live, at_once

VICTIM = "13800138000"


@pytest.fixture()
def frozen() -> Iterator[clock.FixedClock]:
    previous = clock.get_clock()
    fixed = clock.FixedClock(dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC))
    clock.set_clock(fixed)
    try:
        yield fixed
    finally:
        clock.set_clock(previous)


def _setting(monkeypatch: pytest.MonkeyPatch, **values: object) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"JIAOGUAN_{name.upper()}", str(value))
    reset_settings()


def _codes_sent(phone: str) -> list[tuple[str, str]]:
    """(status, code) of every sign-in code SMS queued for the phone, oldest first."""
    with unit_of_work() as s:
        rows = s.execute(select(OutboxMessage.status, OutboxMessage.params_json)
                         .where(OutboxMessage.recipient == phone, OutboxMessage.template == "signin_code")
                         .order_by(OutboxMessage.id)).all()
    return [(status, json.loads(params)["code"]) for status, params in rows]


def _ask_code(c, phone: str = VICTIM):  # type: ignore[no-untyped-def]
    return c.post("/signin/sms/request", data={"phone": phone}, follow_redirects=False)


def _try_code(c, code: str, phone: str = VICTIM):  # type: ignore[no-untyped-def]
    return c.post("/signin/sms", data={"phone": phone, "code": code}, follow_redirects=False)


def _try_password(c, password: str, username: str = "clerk"):  # type: ignore[no-untyped-def]
    return c.post("/signin", data={"username": username, "password": password}, follow_redirects=False)


# --- 10.1 SMS codes ------------------------------------------------------------------------------------------------

def test_a_flood_of_code_requests_then_100_concurrent_guesses_sign_in_nobody(live: Live, monkeypatch) -> None:
    # The per-minute spacing off, so the flood gets the phone's whole hourly share at once.
    _setting(monkeypatch, sms_code_interval_seconds=0)
    per_phone, free = get_settings().sms_codes_per_phone_per_hour, get_settings().signin_free_failures
    live.user("victim", phone=VICTIM)
    attacker = live.client("203.0.113.9")
    flood = Counter(r.status_code for r in at_once([lambda: _ask_code(attacker)] * 200))
    sent = _codes_sent(VICTIM)
    with unit_of_work() as s:
        valid = s.execute(select(func.count()).select_from(OneTimeCode)
                          .where(OneTimeCode.phone == VICTIM, OneTimeCode.used.is_(False))).scalar_one()
    # Every code the flood obtained is a guess (as if each had leaked), then random codes; only the newest,
    # the one code still valid, is not among them: a right guess would be a sign-in whatever the limits.
    current = sent[-1][1]
    guesses = [code for _, code in sent[:-1]]
    rng = random.Random(10)
    while len(guesses) < 100:
        if (guess := f"{rng.randrange(10**6):06d}") != current:
            guesses.append(guess)
    answers = Counter(r.status_code for r in at_once([lambda g=g: _try_code(attacker, g) for g in guesses]))
    signed_in = answers[303]
    print(f"\nSMS flood: {sum(flood.values())} code requests -> {flood[200]} sent, {flood[429]} refused; "
          f"codes valid after the flood: {valid}; 100 concurrent guesses -> judged {answers[401]}, "
          f"refused unjudged {answers[429]}, sign-ins {signed_in}")
    assert flood == Counter({200: per_phone, 429: 200 - per_phone})
    assert valid == 1 and [status for status, _ in sent] == ["superseded"] * (per_phone - 1) + ["pending"]
    assert signed_in == 0
    assert answers[401] <= free and answers[401] + answers[429] == 100


def test_a_new_code_voids_the_earlier_one_and_a_code_allows_three_guesses(live: Live, monkeypatch) -> None:
    _setting(monkeypatch, sms_code_interval_seconds=0)
    live.user("cit", phone=VICTIM)
    c = live.client()
    assert _ask_code(c).status_code == 200 and _ask_code(c).status_code == 200
    (_, old), (_, new) = _codes_sent(VICTIM)
    assert _try_code(c, old).status_code == 401
    assert _try_code(c, new).status_code == 303  # the newest is good
    assert _try_code(c, new).status_code == 401  # once
    assert _ask_code(c).status_code == 200
    code = _codes_sent(VICTIM)[-1][1]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert [_try_code(c, wrong).status_code for _ in range(2)] == [401, 401]
    assert _try_code(c, code).status_code == 303  # the third guess may still be right
    assert _ask_code(c).status_code == 200
    code = _codes_sent(VICTIM)[-1][1]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert [_try_code(c, wrong).status_code for _ in range(3)] == [401, 401, 401]
    assert _try_code(c, code).status_code == 401  # three guesses spent: the right code is void too


def test_a_code_expires_in_minutes(live: Live, monkeypatch, frozen: clock.FixedClock) -> None:
    live.user("cit", phone=VICTIM)
    c = live.client()
    assert _ask_code(c).status_code == 200
    frozen.advance(dt.timedelta(minutes=5, seconds=1))
    assert _try_code(c, _codes_sent(VICTIM)[-1][1]).status_code == 401


def test_sending_is_limited_per_phone_per_address_and_overall(live: Live, monkeypatch,
                                                              frozen: clock.FixedClock) -> None:
    live.user("cit", phone=VICTIM)
    c = live.client("198.51.100.1")
    assert _ask_code(c).status_code == 200
    again = _ask_code(c)
    assert again.status_code == 429 and "1" in again.text  # one per minute per phone, and it says how long
    frozen.advance(dt.timedelta(seconds=61))
    assert _ask_code(c).status_code == 200
    # Per address: one address asking for many phones (known or not: the answer does not tell).
    _setting(monkeypatch, sms_codes_per_address_per_hour=3, sms_codes_per_hour=6)
    spray = live.client("198.51.100.2")
    assert [_ask_code(spray, f"1390000000{i}").status_code for i in range(4)] == [200, 200, 200, 429]
    # Overall: 2 + 3 sent so far, the sixth is the last this hour, from anywhere.
    other = live.client("198.51.100.3")
    assert [_ask_code(other, f"1370000000{i}").status_code for i in range(2)] == [200, 429]
    frozen.advance(dt.timedelta(hours=1))
    assert _ask_code(other, "13700000009").status_code == 200


def test_guesses_are_limited_per_phone_and_per_address(live: Live, monkeypatch) -> None:
    _setting(monkeypatch, signin_free_failures_per_address=7, sms_code_interval_seconds=0)
    for i in range(3):
        live.user(f"cit{i}", phone=f"1380013800{i}")
    c = live.client("198.51.100.4")
    for i in range(3):
        assert _ask_code(c, f"1380013800{i}").status_code == 200
    # Per phone: five wrong guesses, then the phone waits (even with a right code, from another address).
    assert [_try_code(c, "000000", "13800138000").status_code for _ in range(6)] == [401] * 5 + [429]
    code = _codes_sent("13800138000")[-1][1]
    assert _try_code(live.client("198.51.100.5"), code, "13800138000").status_code == 429
    # Per address: two more wrong guesses on other phones reach the address's seven, then it waits for any phone.
    assert [_try_code(c, "000000", "13800138001").status_code for _ in range(3)] == [401, 401, 429]
    right = _codes_sent("13800138002")[-1][1]
    assert _try_code(c, right, "13800138002").status_code == 429
    assert _try_code(live.client("198.51.100.6"), right, "13800138002").status_code == 303


# --- 10.2 password back-off ------------------------------------------------------------------------------------

def test_60_concurrent_wrong_passwords_judge_at_most_the_allowed_number(live: Live) -> None:
    free = get_settings().signin_free_failures
    live.user("clerk", role="window_clerk")
    attacker = live.client("203.0.113.20")
    answers = Counter(r.status_code for r in at_once([lambda: _try_password(attacker, "wrong-password")] * 60))
    with unit_of_work() as s:
        failures = s.execute(select(SignInThrottle.failures).where(SignInThrottle.key == "u:clerk")).scalar_one()
    print(f"\npassword back-off: 60 concurrent wrong passwords -> judged (401) {answers[401]}, refused "
          f"unjudged (429) {answers[429]}, server errors {sum(n for s, n in answers.items() if s >= 500)}, "
          f"account counter {failures}")
    assert answers[401] == free and answers[429] == 60 - free and failures == free


def test_the_first_concurrent_failures_for_new_keys_give_no_500(live: Live) -> None:
    live.user("clerk", role="window_clerk")
    clients = [live.client(f"192.0.2.{i}") for i in range(4)]
    calls = [lambda c=c, n=n: _try_password(c, "wrong", n) for c in clients for n in ("clerk", "ghost", "nobody")]
    assert {r.status_code for r in at_once(calls * 2)} <= {401, 429}


def test_back_off_grows_but_never_locks_the_owner_out_for_long(live: Live, frozen: clock.FixedClock) -> None:
    live.user("clerk", role="window_clerk")
    c = live.client()
    assert [_try_password(c, "wrong").status_code for _ in range(6)] == [401] * 5 + [429]
    waits = []
    for _ in range(8):
        locked = _try_password(c, PASSWORD)
        assert locked.status_code == 429
        minutes = int(next(w for w in locked.text.split() if w.isdigit()))
        waits.append(minutes)
        frozen.advance(dt.timedelta(minutes=minutes))
        assert _try_password(c, "wrong").status_code == 401
    assert waits == sorted(waits) and waits[-1] <= get_settings().signin_max_delay_minutes
    locked = _try_password(c, PASSWORD)
    frozen.advance(dt.timedelta(minutes=get_settings().signin_max_delay_minutes))
    assert _try_password(c, PASSWORD).status_code == 303  # the owner, after the longest wait
    assert _try_password(c, "wrong").status_code == 401  # and the count starts over


def test_password_spraying_from_one_address_waits(live: Live, monkeypatch) -> None:
    _setting(monkeypatch, signin_free_failures_per_address=10)
    for i in range(6):
        live.user(f"clerk{i}", role="window_clerk")
    sprayer = live.client("203.0.113.30")
    tries = [_try_password(sprayer, "Spring2026!", f"clerk{i % 6}").status_code for i in range(12)]
    assert tries == [401] * 10 + [429] * 2  # no account reached its own five
    assert _try_password(sprayer, PASSWORD, "clerk5").status_code == 429
    assert _try_password(live.client("203.0.113.31"), PASSWORD, "clerk5").status_code == 303


def test_the_worker_forgets_counters_that_can_no_longer_matter(live: Live, frozen: clock.FixedClock) -> None:
    from jiaoguan.kit.limits import RateCounter
    from jiaoguan.kit.worker import tick

    live.user("cit", phone=VICTIM)
    c = live.client()
    assert _ask_code(c).status_code == 200 and _try_code(c, "000000").status_code == 401
    frozen.advance(dt.timedelta(hours=1))
    lockout = _try_password(c, "wrong", "ghost")  # a fresh row: must stay
    assert lockout.status_code == 401

    def counters() -> tuple[int, int]:
        with unit_of_work() as s:
            return (s.execute(select(func.count()).select_from(SignInThrottle)).scalar_one(),
                    s.execute(select(func.count()).select_from(RateCounter)).scalar_one())

    before = counters()
    frozen.advance(dt.timedelta(hours=23, minutes=30))
    assert "accounts.forget_counters" in tick().jobs
    assert before == (4, 4) and counters() == (2, 0)  # the password attempt's two rows are 23.5 h old
