"""At 390 px (issue 9.4): the checkpoint verdict fits the screen with readable crew names, the agent's e-pass and
print links and the issuer's revoke form are on screen, and the English verify page does not overflow."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible, screenshot, sign_in
from tests.e2e.test_e2e_every_page import phone_overflow

WIDTH = 390


@pytest.fixture()
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": WIDTH, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    pg = context.new_page()
    yield pg
    context.close()


def _on_screen(page: Any, selector: str) -> None:
    boxes = page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().toJSON())")
    assert boxes, f"nothing matches {selector}"
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= WIDTH, (selector, box)


def _an_active_pass(page: Any) -> dict[str, Any]:
    sign_in(page, "agent")
    apps = page.request.get("/api/v1/passes/applications").json()
    passes = [page.request.get(f"/api/v1/passes/{a['pass_no']}").json() for a in apps if a["pass_no"]]
    return next(p for p in passes if p["status"] == "active")


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_verdict_fits_a_phone_and_crew_names_stay_on_one_line(phone: Any, lang: str) -> None:
    qr = _an_active_pass(phone)["qr"]
    sign_in(phone, "officer")
    phone.goto(f"/prefs/lang?to={lang}&next=/checkpoint/verify")
    assert phone_overflow(phone) is None  # the English verify page too
    phone.fill("#qr", qr)
    phone.click("#verify-button")
    phone.wait_for_selector("#verdict")
    screenshot(phone, f"phone-verdict-{lang}")
    assert phone_overflow(phone) is None
    _on_screen(phone, "#verdict dd, #verdict-plate, #verdict td")
    # A name is written on one line, not one character per line.
    heights = phone.eval_on_selector_all(
        "#verdict td:first-child", "els => els.map(e => [e.getBoundingClientRect().height, "
        "parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.6])")
    assert heights and all(h <= 2 * line for h, line in heights), heights
    assert_accessible(phone)


def test_the_agents_e_pass_and_print_links_are_on_screen(phone: Any) -> None:
    sign_in(phone, "agent")
    phone.goto("/passes/mine")
    screenshot(phone, "phone-passes-mine")
    assert phone_overflow(phone) is None
    _on_screen(phone, "#applications a[href$='/e-pass'], #applications a[href$='/print']")


def test_the_issuers_revoke_form_is_on_screen(phone: Any) -> None:
    sign_in(phone, "issuer")
    phone.goto("/passes/issued")
    screenshot(phone, "phone-issued")
    assert phone_overflow(phone) is None
    _on_screen(phone, "#issued-passes form.revoke-form button, #issued-passes form.revoke-form input[name='reason']")


def test_the_print_page_reads_on_a_phone_without_aria_faults(phone: Any) -> None:
    pass_no = _an_active_pass(phone)["pass_no"]
    phone.goto(f"/passes/pass/{pass_no}/print")
    screenshot(phone, "phone-print")
    assert phone.evaluate("document.documentElement.clientWidth") == WIDTH  # laid out for the phone, not zoomed out
    assert phone_overflow(phone) is None
    assert_accessible(phone)
