"""The pass in a real browser: an enterprise applies, the issuer approves, an officer verifies the QR read
off the e-pass (green), the issuer revokes, the officer verifies again (grey, "revoked")."""

from __future__ import annotations

import io
from typing import Any

from tests.e2e.conftest import assert_accessible, screenshot, sign_in


def _qr_text_from_screen(page: Any) -> str:
    """Read the QR back from pixels, as a phone camera would: proof the rendered code carries the pass."""
    import zxingcpp
    from PIL import Image

    png = page.locator("#e-pass .qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found, "no QR code could be read from the e-pass"
    text: str = found[0].text
    return text


def _verify(page: Any, qr: str) -> Any:
    sign_in(page, "officer")
    page.goto("/checkpoint/verify")
    page.fill("#qr", qr)
    page.click("#verify-button")
    page.wait_for_selector("#verdict")
    return page.locator("#verdict")


def _apply_from_the_fleet(page: Any) -> str:
    """Fill the form as an agent does with the helps: a vehicle picked from the fleet, the crew picked from earlier
    crews, the destination searched by name; the first fleet vehicle the register lets through (the demo's
    first vehicles already hold passes) is the one applied for. Returns its plate."""
    fleet = page.locator("#f-fleet option")
    for index in range(6, fleet.count()):
        page.goto("/passes/apply")
        page.select_option("#f-fleet", index=index)
        plate = page.input_value("#f-plate_no")
        assert plate and len(page.input_value("#f-vin")) == 17
        page.select_option("#f-crew-0-pick", index=1)
        page.select_option("#f-crew-1-pick", index=2)
        assert page.input_value("#f-crew-0-id_number")
        page.fill("#f-destination_code", "湖北省武汉市江岸区")
        fields = {"#f-transport_cert_no": "110105990001", "#f-origin_address": "朝阳区东三环北路1号",
                  "#f-destination_address": "武汉市江岸区解放大道1277号", "#f-consignor": "北京顺达物流有限公司",
                  "#f-consignee": "武汉某钢铁加工厂", "#f-cargo_name": "冷轧钢卷", "#f-cargo_quantity": "6卷",
                  "#f-cargo_weight_kg": "28000"}
        for selector, value in fields.items():
            page.fill(selector, value)
        page.select_option("#f-cargo_category", "raw_materials")
        page.click("#submit-application")
        page.wait_for_load_state()
        if "/passes/mine" in page.url:
            return plate
    raise AssertionError("no vehicle of the demo fleet passed the register check")


def test_apply_approve_verify_green_revoke_verify_grey(page: Any) -> None:
    sign_in(page, "agent")
    page.goto("/passes/apply")
    assert_accessible(page)
    assert page.input_value("#f-contact_phone")  # prefilled
    plate = _apply_from_the_fleet(page)
    row = page.locator("#applications tr", has_text=plate)
    assert row.locator("[data-status='pending']").count() == 1
    screenshot(page, "passes-agent-applied")

    sign_in(page, "issuer")
    page.goto("/passes/review")
    page.locator("#review-queue tr", has_text=plate).locator("a").first.click()
    assert page.locator("#register-facts[data-register-ok='yes']").count() == 1
    assert_accessible(page)
    page.click("#approve-button")
    page.wait_for_selector("#review-notice")
    pass_no = "".join(ch for ch in page.inner_text("#review-notice") if ch.isdigit())
    assert len(pass_no) == 12 and pass_no.startswith("11"), pass_no   # the demo haulier is in Beijing

    sign_in(page, "agent")
    page.goto(f"/passes/pass/{pass_no}/e-pass")
    qr = _qr_text_from_screen(page)
    assert qr.startswith("JG1:")
    page.goto(f"/passes/pass/{pass_no}/print")
    assert page.locator("#pass-sheet[data-status='active'] svg").count() == 1
    screenshot(page, "passes-print-a4")

    verdict = _verify(page, qr)
    assert verdict.get_attribute("data-result") == "valid"
    assert plate in page.inner_text("#verdict-plate")
    assert_accessible(page)
    screenshot(page, "passes-verify-green")

    sign_in(page, "issuer")
    page.goto(f"/passes/issued?q={pass_no}")
    form = page.locator(f"tr[data-pass='{pass_no}'] form.revoke-form")
    form.locator("input[name='reason']").fill("实际运输货物与申请不符")
    form.locator("button").click()
    page.wait_for_selector("#issued-notice")

    verdict = _verify(page, qr)
    assert verdict.get_attribute("data-result") == "invalid"
    assert verdict.get_attribute("data-reason") == "revoked_pass"
    assert "revoked" in page.inner_text("#reason-en")
    screenshot(page, "passes-verify-grey")
