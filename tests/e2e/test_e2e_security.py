"""In a real browser, the Content-Security-Policy admits what the pages need and nothing inline (issue 10.11):
the page fixture fails a test on any violation the browser reports."""

from __future__ import annotations

from typing import Any

import httpx


def test_the_halls_board_runs_its_script_from_a_file_under_the_policy(page: Any, live_server: str) -> None:
    office = httpx.get(f"{live_server}/api/v1/halls/offices").json()[0]["id"]
    assert "script-src 'self';" in httpx.get(f"{live_server}/halls/board/{office}").headers["content-security-policy"]
    page.goto(f"/halls/board/{office}")
    # The script (a file now, not inline) subscribes to the board's stream and renders its first event.
    page.wait_for_function("() => +document.getElementById('board').dataset.updates >= 1", timeout=20000)


def test_a_page_cannot_be_framed_by_another_site(browser: Any, live_server: str) -> None:
    context = browser.new_context()
    try:
        framer = context.new_page()
        reported: list[str] = []
        framer.on("console", lambda m: reported.append(m.text))
        framer.set_content(f'<iframe id="f" src="{live_server}/signin"></iframe>')
        framer.wait_for_timeout(1500)
        assert framer.frame_locator("#f").locator("#password").count() == 0
        assert any("frame-ancestors 'none'" in m for m in reported), reported
    finally:
        context.close()
