"""Browser: the demo haulier's agent asks for door-to-door service (上门办理) for its pass-holding vehicles from
the business room, sees the request listed and opened, and withdraws it; the administrator reads it. The pages
fit 390 px, in Chinese and English, in large-text mode, and pass axe."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import assert_accessible, screenshot, sign_in
from tests.e2e.test_e2e_business import NARROW, _fits


def test_an_agent_asks_for_door_to_door_service_and_withdraws_it(browser: Any, live_server: str) -> None:
    ctx = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": NARROW, "height": 800})
    agent = ctx.new_page()
    try:
        sign_in(agent, "agent")
        agent.goto("/passes/mine")
        agent.click("a[href='/business/service-requests']")
        agent.wait_for_url("**/business/service-requests")
        assert agent.locator("#our-requests li").count() == 1  # the demo's batch request
        agent.select_option("#service-request-form select[name=kind]", "door_to_door")
        agent.fill("#service-request-form textarea[name=business]", "检验合格标志补领")
        agent.fill("#service-request-form input[name=address]", "上海市浦东新区张江路1号")
        agent.fill("#service-request-form input[name=contact_phone]", "13800138000")
        agent.click("#service-request-form button[type=submit]")
        agent.wait_for_url("**/business/service-requests?notice=sent")
        assert agent.locator("#our-requests li").count() == 2
        _fits(agent)
        assert_accessible(agent)
        screenshot(agent, "business-service-requests-390-zh")
        agent.locator("#our-requests li a").first.click()
        agent.wait_for_url("**/business/service-requests/*")
        assert agent.locator("#request-status").get_attribute("data-status") == "requested"
        _fits(agent)
        assert_accessible(agent)
        screenshot(agent, "business-service-request-390-zh")
        agent.goto("/prefs/large-font?on=1&next=/business/service-requests")
        _fits(agent)
        screenshot(agent, "business-service-requests-390-large")
        agent.goto("/prefs/lang?to=en&next=/business/service-requests")
        assert "Batch or door-to-door service" in agent.content()
        _fits(agent)
        screenshot(agent, "business-service-requests-390-en")
        agent.locator("#our-requests li a").first.click()
        agent.click("form[action$='/cancel'] button")
        agent.wait_for_url("**notice=cancelled")
        assert agent.locator("#request-status").get_attribute("data-status") == "cancelled"
        request_path = agent.url.split("?")[0].split(live_server)[-1]
    finally:
        ctx.close()
    wide = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    admin = wide.new_page()
    try:
        sign_in(admin, "admin")
        admin.goto(request_path)
        assert admin.locator("#request-status").get_attribute("data-status") == "cancelled"
        assert admin.locator("#schedule-form").count() == 0  # the administrator reads; clerks schedule
        assert_accessible(admin)
        screenshot(admin, "business-service-request-1280-zh")
    finally:
        wide.close()
