"""Staff can work from the pages (issue 9.8), clicked through in a browser: the admin enters 2027's holidays,
publishes a measure after its preview, the clerk finds people by name and mobile and schedules the demo firm's
door-to-door request. Each page is looked at at 1280 and 390 px, in Chinese and English and in large-text mode
(screenshots under artifacts/screenshots/staff-*), and must fit the phone and pass axe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import assert_accessible, screenshot, sign_in
from tests.e2e.test_e2e_every_page import phone_overflow

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "measure_example_next_emergency.json"
LOOKS = (("1280-zh", 1280, "zh_Hans", False), ("390-zh", 390, "zh_Hans", False), ("390-en", 390, "en", False),
         ("390-zh-large", 390, "zh_Hans", True), ("1280-en-large", 1280, "en", True))


@pytest.fixture()
def looks(browser: Any, live_server: str) -> Any:
    """`looks(username, path, name)`: the page in every width, language and text size; fits, passes axe."""

    def _look(username: str, path: str, name: str) -> None:
        problems: dict[str, Any] = {}
        for label, width, lang, large in LOOKS:
            context = browser.new_context(base_url=live_server, locale="zh-CN",
                                          viewport={"width": width, "height": 900})
            try:
                pg = context.new_page()
                sign_in(pg, username)
                pg.goto(f"/prefs/lang?to={lang}&next=/")
                pg.goto(f"/prefs/large-font?on={'1' if large else '0'}&next={path}")
                overflow = phone_overflow(pg) if width == 390 else None
                if overflow:
                    problems[label] = overflow
                assert_accessible(pg)
                screenshot(pg, f"staff-{name}-{label}")
            finally:
                context.close()
        assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)

    return _look


def test_the_admin_enters_2027_by_pasting_the_notice_and_removes_a_day(page: Any, looks: Any) -> None:
    sign_in(page, "admin")
    page.goto("/")
    page.get_by_role("link", name="工作日历").first.click()
    page.select_option("#calendar-year", "2027")
    page.click("form.actions button[type=submit]")
    assert page.locator("#year-state[data-published='no'][data-overrides='0']").count() == 1
    page.fill("#calendar-lines", "2027-02-06..2027-02-12, 休, 春节\n2027-02-30, 休, 春节\n2027-01-31, 班, 春节")
    page.click("#paste-overrides-button")
    assert "第 2 行" in page.inner_text("#calendar-problems")       # nothing saved, the text kept
    assert page.locator("#overrides").count() == 0
    page.fill("#calendar-lines", "2027-02-06..2027-02-12, 休, 春节\n2027-01-31, 班, 春节\n2027-02-20, 班, 春节\n"
                                 "2027-10-04, 休, 国庆节")
    page.click("#paste-overrides-button")
    page.wait_for_selector("#calendar-notice")
    assert page.locator("#overrides tbody tr").count() == 10
    page.locator("tr[data-day='2027-10-04'] button").click()
    page.wait_for_selector("#calendar-notice")
    assert page.locator("tr[data-day='2027-10-04']").count() == 0
    page.select_option("#add-override select[name=kind]", "working")
    page.fill("input[name=day]", "2027-09-26")
    page.fill("input[name=name]", "国庆节")
    page.click("#add-override-button")
    page.wait_for_selector("tr[data-day='2027-09-26'][data-kind='working']")
    looks("admin", "/admin/calendar?year=2027", "calendar")


def test_the_admin_sees_what_a_measure_changes_today_before_publishing_it(page: Any, looks: Any) -> None:
    doc = json.loads(EXAMPLE.read_text("utf-8"))
    doc["id"] = "E2E-STAFF-PREVIEW"
    sign_in(page, "admin")
    page.goto("/admin/measures")
    page.fill("#document", json.dumps(doc, ensure_ascii=False, indent=1))
    page.click("button[value=publish]")
    page.wait_for_url("**/admin/measures/preview/*")
    preview_url = page.url
    page.wait_for_selector("#preview-reach", timeout=60_000)        # the worker counted; the page reloaded
    assert page.locator("#confirm-publish-button").count() == 1
    assert page.inner_text("#preview-refs").strip() == "E2E-STAFF-PREVIEW@1"
    looks("admin", urlparse(preview_url).path, "measure-preview")
    page.click("#confirm-publish-button")
    page.wait_for_selector("#measure-notice")
    assert "E2E-STAFF-PREVIEW@1" in page.inner_text("#measure-notice")
    assert page.locator("tr[data-measure='E2E-STAFF-PREVIEW@1']").count() == 1


def test_the_clerk_finds_people_by_name_and_by_mobile(page: Any, looks: Any) -> None:
    sign_in(page, "clerk")
    page.goto("/registry/search")
    page.fill("#registry-q", "张明")
    page.click("#registry-search")
    row = page.locator("tr[data-person]", has_text="张明").first
    assert "*" in row.locator(".id-number").inner_text()            # masked
    page.fill("#registry-q", "13800138000")
    page.click("#registry-search")
    assert page.locator("tr[data-person]", has_text="张明").count() >= 1
    row = page.locator("tr[data-person]").first
    row.locator("a").click()
    page.wait_for_url("**/registry/persons/*")
    looks("clerk", "/registry/search?q=%E5%BC%A0", "search-name")


def test_the_clerk_schedules_the_demo_firms_door_to_door_request(page: Any, looks: Any) -> None:
    sign_in(page, "agent")
    page.goto("/business/service-requests")
    page.select_option("select[name=kind]", "door_to_door")
    page.fill("textarea[name=business]", "全部车辆年检")
    page.fill("input[name=address]", "北京市朝阳区东三环北路1号")
    page.fill("input[name=contact_phone]", "13800138000")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("p.notice")
    # The clerk of the same province finds it in the business inbox (特事特办, after the emergencies).
    sign_in(page, "clerk")
    page.goto("/business/inbox")
    item = page.locator("li[data-service-request]").last
    assert "北京顺达物流有限公司" in item.inner_text()
    item.locator("a").click()
    page.wait_for_url("**/business/service-requests/*")
    assert "全部车辆年检" in page.inner_text("dl.panel")
    page.fill("#schedule-form input[name=when]", "2026-12-02T09:30")
    page.fill("#schedule-form input[name=note]", "带好行驶证")
    page.click("#schedule-form button[type=submit]")
    page.wait_for_selector("p.notice")
    assert "2026-12-02 09:30" in page.inner_text("#appointment")
    looks("clerk", "/business/inbox", "service-inbox")
