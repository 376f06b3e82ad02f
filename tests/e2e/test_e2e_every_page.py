"""Every page a role may open (GET, no path parameters) answers 200 and passes axe-core with no serious or
critical violation, in Chinese and in large-text mode."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from jiaoguan.accounts.auth import roles_of
from jiaoguan.web.app import api_routes
from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.test_e2e_shell import DEMO_USERS

SKIP = {"/signin", "/healthz", "/readyz", "/prefs/lang", "/prefs/large-font"}


def _pages_for(role: str) -> list[str]:
    pages = []
    for path, route in api_routes():
        if path.startswith("/api/") or "{" in path or "GET" not in route.methods or path in SKIP:
            continue
        if path.endswith((".js", ".csv", ".json")):
            continue
        roles = roles_of(route)
        if role in roles:
            pages.append(path)
    return sorted(set(pages))


@pytest.mark.parametrize("role,username", DEMO_USERS.items())
def test_every_page_of_a_role_opens_and_is_accessible(page: Any, role: str, username: str) -> None:
    sign_in(page, username)
    page.goto("/prefs/large-font?on=1&next=/")
    problems: dict[str, Any] = {}
    for path in _pages_for(role):
        response = page.goto(path)
        status = response.status if response is not None else None
        if status != 200:
            problems[path] = status
            continue
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    assert problems == {}, problems


# Every element whose box reaches past the right edge of the viewport, except those inside a scroll container
# that itself fits (a wide table in a focusable scrolling region), and whether the page scrolls sideways.
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    const s = getComputedStyle(el);
    return s.overflowX === 'auto' || s.overflowX === 'scroll';
  };
  const inFittingScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) { const r = p.getBoundingClientRect(); return r.left >= -1 && r.right <= width + 1; }
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // (an element wholly off-screen to the left, like the skip link until focused, is hidden on purpose)
    if ((r.right > width + 1 || (r.left < -1 && r.right > 0)) && !inFittingScroller(el)) {
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim() : '';
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' ' + Math.round(r.left) + '..' +
                Math.round(r.right) + ' ' + (el.textContent || '').trim().slice(0, 30));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 8)};
}"""


def phone_overflow(page: Any) -> dict[str, Any] | None:
    found = page.evaluate(WIDER_THAN_THE_SCREEN)
    if found["wide"] or found["scrollWidth"] > found["width"]:
        return found
    return None


@pytest.fixture()
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
@pytest.mark.parametrize("role,username", DEMO_USERS.items())
def test_every_page_of_a_role_fits_a_phone(phone: Any, role: str, username: str, lang: str) -> None:
    """At 390 px no element is wider than the screen (a wide table scrolls inside its own focusable region) and
    axe finds nothing serious, in both languages."""
    sign_in(phone, username)
    phone.goto(f"/prefs/lang?to={lang}&next=/")
    problems: dict[str, Any] = {}
    for path in _pages_for(role) + _pages_with_ids(phone, role):
        response = phone.goto(path)
        if response is None or response.status != 200:
            problems[path] = response.status if response is not None else None
            continue
        overflow = phone_overflow(phone)
        if overflow:
            problems[path] = overflow
        violations = axe_violations(phone)
        if violations:
            problems[path + " axe"] = violations
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def _pages_with_ids(page: Any, role: str) -> list[str]:
    """Pages behind a link with an id in the path (an application, a pass, its print and e-pass)."""
    start = {"enterprise_agent": "/passes/mine", "pass_issuer": "/passes/review"}.get(role)
    if start is None:
        return []
    page.goto(start)
    hrefs: list[str] = page.eval_on_selector_all("main a[href^='/passes/']",
                                                 "els => els.map(e => e.getAttribute('href'))")
    wanted = re.compile(r"^/passes/(applications/\d+|review/\d+|pass/\d{12}/(print|e-pass))$")
    seen: dict[str, str] = {}
    for href in hrefs:
        if wanted.match(href):
            seen.setdefault(re.sub(r"\d+", "N", href), href)
    extra = list(seen.values())
    if role == "pass_issuer":
        extra.append("/passes/issued")
    return extra
