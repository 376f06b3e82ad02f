"""A hall in a real browser: the admin opens the hall for the next hour, a citizen books a slot and gets the
check-in QR, checks in at the kiosk, a clerk calls the ticket, and the display board shows the call and speaks it
in Chinese (the speechSynthesis call is recorded). Pages fit a 390 px phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible, screenshot, sign_in

CHINA = dt.timezone(dt.timedelta(hours=8))
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  const original = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = function (u) {
    window.__spoken.push({text: u.text, lang: u.lang});
    try { original(u); } catch (e) { /* headless: no voice */ }
  };
}
"""


def _csrf(page: Any) -> str:
    """The token the page itself sends (bound to the session, so not the cookie's value)."""
    return str(page.evaluate("() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']"))


def _fits(page: Any, width: int = 390) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide}px wide"


def _open_the_hall_now(page: Any) -> tuple[int, str]:
    """As the admin: the Beijing office opens from two minutes from now for an hour, bookable without notice."""
    sign_in(page, "admin")
    office = next(o for o in page.request.get("/api/v1/halls/offices?province=11").json() if o["code"] == "11010501")
    schedule = page.request.get(f"/api/v1/halls/offices/{office['id']}/schedule").json()
    now = dt.datetime.now(CHINA)
    opens = now.hour * 60 + now.minute + 2
    # Hours end by midnight (an opening from 23:18 "for an hour" was refused as closing at 24:18).
    closes = min(opens + 60, 24 * 60 - 1)
    if closes - opens < 30:
        pytest.skip("less than half an hour to midnight in Beijing: no slot of today can start after now")
    hhmm = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    today = now.date().isoformat()
    extra = [{"kind": kind, "weekday": now.weekday(), "opens": hhmm(opens), "closes": hhmm(closes),
              "valid_from": today, "valid_to": today} for kind in ("regular", "weekend")]
    saved = page.request.put(f"/api/v1/halls/offices/{office['id']}/schedule", headers={
        "X-CSRF-Token": _csrf(page)}, data={
        "hours": schedule["hours"] + extra, "plans": schedule["plans"],
        "rules": {"min_notice_minutes": 0, "checkin_early_minutes": 60}, "generate_days": 1})
    assert saved.ok, saved.text()
    return office["id"], hhmm(opens)


def test_a_citizen_books_checks_in_and_the_board_speaks_the_call(browser: Any, live_server: str) -> None:
    def context() -> Any:
        return browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})

    admin = context().new_page()
    office, at = _open_the_hall_now(admin)
    today = dt.datetime.now(CHINA).date().isoformat()

    citizen = context().new_page()
    sign_in(citizen, "citizen")
    citizen.goto(f"/halls/book?office={office}&group=vehicle&day={today}")
    _fits(citizen)
    first = citizen.locator("#slots button:not([disabled])").first
    assert at in first.inner_text()
    first.click()
    citizen.wait_for_selector("#confirm")
    citizen.click("#confirm")
    citizen.wait_for_selector("#checkin-code")
    assert citizen.evaluate("() => document.getElementById('checkin-qr').naturalWidth") > 0
    code = citizen.inner_text("#checkin-code").strip()
    _fits(citizen)
    assert_accessible(citizen)
    screenshot(citizen, "halls-booking-confirmed")

    board_context = context()
    board_context.add_init_script(RECORD_SPEECH)
    board = board_context.new_page()
    board.goto(f"/halls/board/{office}")
    board.wait_for_function("() => document.getElementById('board').dataset.updates >= 1")

    kiosk = context().new_page()
    kiosk.goto(f"/halls/kiosk/{office}")
    _fits(kiosk)
    assert_accessible(kiosk)
    kiosk.fill("#scan", "JGHALL:" + code)
    kiosk.click("#kiosk-checkin button[type=submit]")
    kiosk.wait_for_selector("#ticket-number")
    number = kiosk.inner_text("#ticket-number").strip()
    assert number.startswith("A")
    assert_accessible(kiosk)
    screenshot(kiosk, "halls-kiosk-ticket")

    clerk = context().new_page()
    sign_in(clerk, "clerk")
    clerk.goto("/halls/console")
    clerk.get_by_role("link", name="03 号窗口", exact=False).first.click()
    clerk.click("#call-next")
    clerk.wait_for_selector("#current-ticket")
    assert clerk.inner_text("#current-ticket").strip() == number   # the appointment due now goes first
    _fits(clerk)

    board.wait_for_function("n => document.getElementById('board-calls').innerText.includes(n)", arg=number,
                            timeout=15000)
    spoken = board.wait_for_function(
        "n => (window.__spoken || []).find(s => s.text.includes(n.split('').join(' ')))", arg=number,
        timeout=15000).json_value()
    assert spoken["lang"] == "zh-CN" and "03" in spoken["text"]
    assert_accessible(board)
    screenshot(board, "halls-board")
    _fits(board)
    for ctx in {p.context for p in (admin, citizen, board, kiosk, clerk)}:
        ctx.close()
