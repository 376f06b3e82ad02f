"""The shell in a real browser: every role signs in and sees its home in Chinese and English; large text is
remembered; every shell page passes axe-core without serious or critical violations."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible, screenshot, sign_in

DEMO_USERS = {
    "citizen": "citizen", "enterprise_agent": "agent", "window_clerk": "clerk", "online_seat": "seat",
    "hotline_agent": "hotline", "checkpoint_officer": "officer", "pass_issuer": "issuer",
    "supervisor": "supervisor", "admin": "admin",
}


def test_the_landing_and_sign_in_pages_are_accessible(page: Any) -> None:
    page.goto("/")
    assert "交管" in page.title()
    assert_accessible(page)
    page.goto("/signin")
    assert_accessible(page)
    screenshot(page, "signin-zh")


@pytest.mark.parametrize("role,username", DEMO_USERS.items())
def test_every_role_signs_in_and_sees_its_home_in_both_languages(page: Any, role: str, username: str) -> None:
    sign_in(page, username)
    assert page.locator(f"[data-role='{role}']").count() == 1, page.content()[:2000]
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert_accessible(page)
    screenshot(page, f"home-{role}-zh")
    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Signed in as" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, f"home-{role}-en")
    for label, href in [(a.inner_text(), a.get_attribute("href")) for a in page.locator(".main-nav a").all()]:
        response = page.goto(href)
        status = response.status if response is not None else None
        assert status == 200, f"{role}: {label} {href} -> {status}"
        assert_accessible(page)


def test_a_citizen_signs_in_with_an_sms_code_shown_on_the_admin_page(browser: Any, live_server: str) -> None:
    from jiaoguan.demo.featured import CITIZEN_PHONE as phone

    citizen = browser.new_context(base_url=live_server, locale="zh-CN")
    admin = browser.new_context(base_url=live_server, locale="zh-CN")
    try:
        cp, ap = citizen.new_page(), admin.new_page()
        sign_in(ap, "admin")
        cp.goto("/signin")
        cp.fill("#sms-phone", phone)
        cp.click("#sms-request")
        cp.wait_for_load_state("networkidle")
        code = None
        for _ in range(30):  # the in-process worker delivers the outbox within seconds
            ap.goto("/admin/dev-sms")
            rows = [t for t in ap.locator("tbody tr").all_inner_texts() if phone in t]
            found = re.search(r"(?<!\d)(\d{6})(?!\d)", rows[0].split(phone, 1)[1]) if rows else None
            if found:
                code = found.group(1)
                break
            ap.wait_for_timeout(500)
        assert code, "the sign-in code never reached the development SMS page"
        screenshot(ap, "admin-dev-sms")
        cp.fill("#sms-code", code)
        cp.click("#sms-signin")
        cp.wait_for_load_state("networkidle")
        assert cp.locator("[data-role='citizen']").count() == 1
    finally:
        citizen.close()
        admin.close()


def test_large_text_mode_is_remembered_across_pages(page: Any) -> None:
    sign_in(page, "citizen")
    base = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.click("#large-font-switch")
    page.wait_for_load_state("networkidle")
    page.goto("/my/records")
    large = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large > base * 1.2
    assert_accessible(page)
    screenshot(page, "citizen-records-large-font")
