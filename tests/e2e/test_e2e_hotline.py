"""The hotline desk in a real browser, at 1280 px and at a phone's 390 px: an agent finds the caller by mobile
number, opens a ticket, gives a reusable answer, waits on the caller (the clock stops), resumes, plans a
callback and closes; the citizen sees the call among their own. No page is wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible, screenshot, sign_in

CITIZEN_PHONE = "13800138000"  # the demo `citizen` (张明)


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => {
        const limit = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1 && e.closest('.table-wrap') === null)
            .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).slice(0, 5);
    }""")
    assert wide == [], wide
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_hotline_desk_flow(browser: Any, live_server: str, width: int) -> None:
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, "hotline")
        page.goto("/hotline/desk")
        assert_accessible(page)
        _fits(page)
        page.fill("#caller-search input[name=q]", CITIZEN_PHONE)
        page.click("#caller-search button")
        item = page.locator("#callers li", has_text="张明").first
        assert "110105" in item.inner_text() and "********" in item.inner_text()  # the ID number masked
        item.locator("summary").click()
        item.locator("textarea[name=subject]").fill(f"驾驶证快到期了，没有体检证明能先换证吗？({width})")
        _fits(page)
        item.locator("button[type=submit]").click()
        page.wait_for_selector("#ticket-status")
        assert_accessible(page)
        _fits(page)
        assert page.locator("#sla-state").inner_text().strip() in ("未超时", "即将到期", "已超时")
        screenshot(page, f"hotline-ticket-{width}")

        page.fill("#answer-search input[name=q]", "体检")
        page.click("#answer-search button")
        page.click("#use-licence-renewal-medical button")
        page.wait_for_selector("text=容缺办")
        page.fill("#action-wait input[name=reason]", "请来电人确认驾驶证档案编号")
        page.click("#action-wait button")
        page.wait_for_selector("#action-resume")
        assert page.locator("#sla-state").inner_text().strip() == "计时暂停"
        _fits(page)
        page.click("#action-resume button")
        page.wait_for_selector("#action-wait")
        page.fill("#callback-form input[name=due]", "2030-01-02T10:00")
        page.fill("#callback-form input[name=note]", f"回访办理结果{width}")
        page.click("#callback-form button")
        page.wait_for_selector("#ticket-callbacks li")
        page.fill("#action-close textarea[name=resolution]", "已答复容缺办政策")
        page.click("#action-close button")
        page.wait_for_selector("#ticket-status.grey, #ticket-status")
        assert page.locator("#ticket-status").inner_text().strip() == "已办结"
        assert page.locator("#sla-state").inner_text().strip() in ("按时", "超时")
        _fits(page)
        ticket_url = page.url

        page.goto("/hotline/callbacks")
        assert page.locator("#callbacks tr", has_text=f"回访办理结果{width}").count() == 1
        assert_accessible(page)
        _fits(page)
        page.goto("/hotline/answers?q=容缺")
        assert page.locator("#answer-licence-renewal-medical").count() == 1
        _fits(page)

        sign_in(page, "citizen")
        page.goto("/hotline/mine")
        ticket_id = ticket_url.rstrip("/").rsplit("/", 1)[-1]
        assert page.locator(f"#my-ticket-{ticket_id}").count() == 1
        assert_accessible(page)
        _fits(page)
        screenshot(page, f"hotline-citizen-{width}")

        sign_in(page, "supervisor")
        page.goto("/hotline/sla")
        assert page.locator("#sla").count() == 1
        _fits(page)
    finally:
        context.close()


def test_an_appointment_call_shows_the_offices_own_no_show_rule_and_its_own_kind_at_390_px(
        browser: Any, live_server: str) -> None:
    """The appointment kind reads 预约 (not the pass pages' 预约时间), and the note under "Book a slot" says what the
    chosen office's rule does with a hotline booking (the demo offices keep the default: not counted)."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, "hotline")
        page.goto("/hotline/desk")
        page.fill("#caller-search input[name=q]", CITIZEN_PHONE)
        page.click("#caller-search button")
        item = page.locator("#callers li", has_text="张明").first
        item.locator("summary").click()
        item.locator("select[name=type]").select_option("appointment")
        item.locator("textarea[name=subject]").fill("想约明天换证")
        item.locator("button[type=submit]").click()
        page.wait_for_selector("#no-show-rule")
        office = page.locator("#slot-search select[name=office] option:checked").inner_text().strip()
        rule = page.locator("#no-show-rule").inner_text().strip()
        assert rule == f"由专线代为预约：{office} 不将此预约计入爽约限制。"
        assert page.locator("dl.panel dd").first.inner_text().strip() == "预约"
        _fits(page)
        screenshot(page, "hotline-appointment-ticket-390")
        ticket_url = page.url
        page.goto("/prefs/large-font?on=1&next=/")
        page.goto(ticket_url)
        assert page.locator("#no-show-rule").inner_text().strip() == rule
        _fits(page)
        screenshot(page, "hotline-appointment-ticket-390-large")
        page.goto("/prefs/lang?to=en&next=/")
        page.goto(ticket_url)
        english = page.locator("#no-show-rule").inner_text().strip()
        assert english.startswith("Booked by the hotline: ") and english.endswith(
            " does not count it towards its no-show ban."), english
        assert page.locator("dl.panel dd").first.inner_text().strip() == "Appointment request"
        _fits(page)
        screenshot(page, "hotline-appointment-ticket-390-large-en")
    finally:
        context.close()


def test_a_clerk_works_the_demo_emergency_case_at_390_px(browser: Any, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, "clerk")
        page.goto("/hotline/emergency")
        assert_accessible(page)
        _fits(page)
        page.locator("#cases a", has_text="1").first.click()
        page.wait_for_selector("#case-status")
        assert_accessible(page)
        _fits(page)
        page.click("#action-start button")
        page.wait_for_selector("#action-complete")
        page.click("#action-complete button")
        page.wait_for_selector("#case-status")
        assert page.locator("#case-status").inner_text().strip() == "已办结"
        screenshot(page, "hotline-emergency-390")
    finally:
        context.close()
