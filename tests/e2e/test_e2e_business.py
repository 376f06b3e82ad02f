"""Browser: 容缺办 from end to end on a phone. The citizen renews the licence without the medical certificate,
a seat accepts and approves from the inbox, the licence is renewed, the obligation shows with its due date, the
citizen hands the certificate in and the obligation closes. Every page fits 390 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e.conftest import screenshot, sign_in

NARROW = 390
PNG = Path(__file__).parent / "vendor"


def _fits(page: Any) -> None:
    wider = page.evaluate(f"""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > {NARROW} + 1).map(e => e.tagName + '.' + e.className)""")
    assert wider == [], wider


def _phone(browser: Any, live_server: str) -> Any:
    return browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": NARROW, "height": 800})


def _upload(page: Any, material: str, path: Path) -> None:
    page.select_option("#upload-form select[name=material]", material)
    page.set_input_files("#upload-form input[type=file]", str(path))
    page.click("#upload-button")
    page.wait_for_load_state("networkidle")


def test_a_citizen_renews_without_the_certificate_and_hands_it_in_later(browser: Any, live_server: str,
                                                                         tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                      "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d4c3a7"
                                      "0000000049454e44ae426082"))
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    citizen_ctx, seat_ctx = _phone(browser, live_server), _phone(browser, live_server)
    citizen, seat = citizen_ctx.new_page(), seat_ctx.new_page()
    try:
        sign_in(citizen, "citizen")
        citizen.goto("/business/licence_renewal")
        assert citizen.locator("#eligibility").count() == 1
        _fits(citizen)
        screenshot(citizen, "business-renewal-390")
        citizen.check("input[name=later][value=medical_certificate]")
        citizen.click("#apply-button")
        citizen.wait_for_url(re.compile(r"/business/applications/\d+"))
        app_url = citizen.url.split("?")[0]
        _upload(citizen, "id_card", picture)
        _upload(citizen, "photo", picture)
        citizen.click("#do-submit")
        citizen.wait_for_load_state("networkidle")
        assert citizen.get_attribute("#status", "data-status") == "submitted"
        _fits(citizen)

        sign_in(seat, "seat")
        seat.goto("/business/inbox")
        _fits(seat)
        screenshot(seat, "business-inbox-390")
        seat.goto(app_url.replace(live_server, ""))
        for action in ("accept", "start_review", "approve"):
            seat.click(f"#do-{action}")
            seat.wait_for_load_state("networkidle")
        assert seat.get_attribute("#status", "data-status") == "approved"
        assert seat.locator("#effect").count() == 1
        _fits(seat)

        citizen.goto(app_url)
        owed = citizen.locator("#obligation")
        assert owed.get_attribute("data-status") == "open"
        due = owed.get_attribute("data-due")
        assert due and re.fullmatch(r"\d{4}-\d{2}-\d{2}", due) and due in owed.inner_text()
        assert "续" in citizen.inner_text("#effect") or citizen.locator("#effect").count() == 1
        screenshot(citizen, "business-rongque-owed-390")
        citizen.goto("/my/records")
        assert due in citizen.inner_text("main")

        citizen.goto(app_url)
        _upload(citizen, "medical_certificate", certificate)
        assert citizen.get_attribute("#obligation", "data-status") == "closed"
        _fits(citizen)
        screenshot(citizen, "business-rongque-closed-390")
    finally:
        citizen_ctx.close()
        seat_ctx.close()


def test_the_inbox_overdue_checkbox_sits_beside_its_words_on_a_phone(browser: Any, live_server: str) -> None:
    """At 390 px, in normal and large text, in Chinese and in English: the checkbox keeps its own size and its
    words start right after it (stretched to the filter's width, it sat a phone's width away from them)."""
    ctx = _phone(browser, live_server)
    seat = ctx.new_page()
    try:
        sign_in(seat, "seat")
        for large in (False, True):
            if large:
                seat.goto("/prefs/large-font?on=1&next=/")
            for lang in ("zh_Hans", "en"):
                ctx.add_cookies([{"name": "jg_lang", "value": lang, "url": live_server}])
                seat.goto("/business/inbox")
                box, words = seat.evaluate("""() => {
                    const label = document.querySelector('#filters label.check');
                    const box = label.querySelector('input[type=checkbox]').getBoundingClientRect();
                    const range = document.createRange();
                    range.selectNodeContents(label);
                    const text = [...range.getClientRects()].filter(r => r.width > 0 && r.left >= box.right - 1);
                    return [box.toJSON(), {left: Math.min(...text.map(r => r.left)),
                                           top: Math.min(...text.map(r => r.top))}]; }""")
                where = f"{'large' if large else 'normal'} {lang}: {box} {words}"
                assert 12 <= box["width"] <= 40 and box["height"] <= 40, where        # its own size, not stretched
                assert 0 <= words["left"] - box["right"] <= 16, where                 # its words right beside it
                assert abs(words["top"] - box["top"]) <= 12, where                    # on the same line
                _fits(seat)
                screenshot(seat, f"business-inbox-filters-390-{'large-' if large else ''}{lang}")
    finally:
        ctx.close()
