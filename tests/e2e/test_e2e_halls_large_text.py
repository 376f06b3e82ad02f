"""Every halls, hotline and kiosk page in large-text mode on a 390 px phone, in Chinese and in English: nothing
wider than the screen (a wide table scrolls in its own region), no serious axe finding, and a screenshot of each
(`artifacts/screenshots/large-<lang>-<page>.png`) to look at. Pages with an id in the path are reached from the
demo data (the citizen's appointment, a waiting ticket, a hotline call, the emergency case)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.e2e.test_e2e_every_page import phone_overflow


def _ids(browser: Any, live_server: str) -> dict[str, Any]:
    ctx = browser.new_context(base_url=live_server, locale="zh-CN")
    pg = ctx.new_page()
    sign_in(pg, "supervisor")
    office = next(o for o in pg.request.get("/api/v1/halls/offices?province=11").json() if o["code"] == "11010501")
    hall = pg.request.get(f"/api/v1/halls/offices/{office['id']}/hall").json()
    case = pg.request.get("/api/v1/hotline/emergency?all=true").json()
    sign_in(pg, "citizen")
    bookings = pg.request.get("/api/v1/halls/bookings").json()
    sign_in(pg, "hotline")
    calls = pg.request.get("/api/v1/hotline/tickets").json()
    ctx.close()
    return {"office": office["id"], "window": hall["windows"][0]["id"],
            "ticket": hall["waiting"][0]["id"] if hall["waiting"] else None,
            "booking": bookings[0]["id"] if bookings else None, "call": calls[0]["id"] if calls else None,
            "case": case[0]["id"] if case else None}


PAGES: dict[str | None, list[str]] = {
    None: ["/halls/kiosk/{office}", "/halls/kiosk/{office}/tickets/{ticket}", "/halls/board/{office}"],
    "citizen": ["/halls/book", "/halls/book?office={office}&group=vehicle", "/halls/book?office={office}&group=exam",
                "/halls/mine", "/halls/bookings/{booking}", "/hotline/mine"],
    "clerk": ["/halls/console", "/halls/console?window={window}", "/hotline/emergency", "/hotline/emergency/new",
              "/hotline/emergency/{case}"],
    "supervisor": ["/halls/hall", "/hotline/sla"],
    "admin": ["/halls/schedule?office={office}"],
    "hotline": ["/hotline/desk", "/hotline/callbacks", "/hotline/answers", "/hotline/tickets/{call}"],
}


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_halls_hotline_and_kiosk_pages_in_large_text_fit_a_phone(browser: Any, live_server: str, lang: str) -> None:
    ids = _ids(browser, live_server)
    problems: dict[str, Any] = {}
    for who, paths in PAGES.items():
        ctx = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
        pg = ctx.new_page()
        if who:
            sign_in(pg, who)
        pg.goto(f"/prefs/lang?to={lang}&next=/")
        pg.goto("/prefs/large-font?on=1&next=/")
        for template in paths:
            path = template.format(**ids)
            if "None" in path:
                problems[template] = "no demo record to open"
                continue
            if template.endswith("group=vehicle") or template.endswith("group=exam"):
                day = pg.goto(path) and pg.locator("#days a").first.get_attribute("href")
                path = day or path
            response = pg.goto(path)
            if response is None or response.status != 200:
                problems[path] = response.status if response is not None else None
                continue
            assert pg.evaluate("() => document.documentElement.classList.contains('large-font')"), path
            overflow = phone_overflow(pg)
            if overflow:
                problems[path] = overflow
            violations = axe_violations(pg)
            if violations:
                problems[path + " axe"] = violations
            name = re.sub(r"[^a-z0-9]+", "-", template.split("?")[0].strip("/").replace("{", "").replace("}", ""))
            suffix = re.sub(r"[^a-z0-9]+", "-", template.split("?")[1]) if "?" in template else ""
            screenshot(pg, f"large-{lang}-{name}{'-' + suffix if suffix else ''}")
        ctx.close()
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
