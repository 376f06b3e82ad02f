"""Browser: the citizen's "My documents" on a phone: the electronic licence shown with its signed QR, which the
online check accepts; the page fits 390 px."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import assert_accessible, screenshot, sign_in

NARROW = 390


def _fits(page: Any) -> None:
    wider = page.evaluate(f"""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > {NARROW} + 1).map(e => e.tagName + '.' + e.className)""")
    assert wider == [], wider


def test_the_citizen_shows_the_electronic_licence_on_a_phone(browser: Any, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": NARROW, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, "citizen")
        page.goto("/my/documents")
        assert page.locator("[data-document]").count() >= 3   # licence card, e-licence, learner-permit proof
        _fits(page)
        assert_accessible(page)
        screenshot(page, "citizen-my-documents-390")
        page.click("[data-document] a[href$='/qr.svg'] >> xpath=preceding-sibling::a[1]")
        page.wait_for_selector("[data-testid=credential-qr] svg")
        assert "*" in page.inner_text("main")      # masked name and ID number
        _fits(page)
        screenshot(page, "citizen-e-licence-390")
    finally:
        context.close()
