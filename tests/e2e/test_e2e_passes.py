"""The pass in a real browser: an enterprise applies, the issuer approves, an officer verifies the QR read
off the e-pass (green), the issuer revokes, the officer verifies again (grey, "revoked")."""

from __future__ import annotations

import io
from typing import Any

from jiaoguan.kit.ids.resident import id_check_char
from jiaoguan.kit.ids.vin import vin_check_digit
from tests.e2e.conftest import assert_accessible, screenshot, sign_in

PLATE = "沪DE2E01"


def _id_number(first17: str) -> str:
    return first17 + id_check_char(first17)


def _vin(raw: str) -> str:
    return raw[:8] + vin_check_digit(raw) + raw[9:]


def _qr_text_from_screen(page: Any) -> str:
    """Read the QR back from pixels, as a phone camera would: proof the rendered code carries the pass."""
    import zxingcpp
    from PIL import Image

    png = page.locator("#e-pass .qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
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


def test_apply_approve_verify_green_revoke_verify_grey(page: Any) -> None:
    sign_in(page, "agent")
    page.goto("/passes/apply")
    assert_accessible(page)
    fields = {
        "#f-plate_no": PLATE, "#f-vin": _vin("LFWE2E0X0E2E00001"), "#f-transport_cert_no": "310115990001",
        "#f-crew-0-name": "赵建国", "#f-crew-0-id_number": _id_number("31011519750412003"),
        "#f-crew-0-phone": "13611112222", "#f-crew-1-name": "钱小军",
        "#f-crew-1-id_number": _id_number("31011519880920004"), "#f-crew-1-phone": "13611113333",
        "#f-origin_code": "310115", "#f-origin_address": "浦东新区外高桥保税区港城路1号",
        "#f-destination_code": "420102", "#f-destination_address": "武汉市江岸区解放大道1277号",
        "#f-consignor": "上海顺达物流有限公司", "#f-consignee": "武汉某钢铁加工厂", "#f-cargo_name": "冷轧钢卷",
        "#f-cargo_quantity": "6卷", "#f-cargo_weight_kg": "28000", "#f-contact_name": "周涛",
        "#f-contact_phone": "13700137000",
    }
    for selector, value in fields.items():
        page.fill(selector, value)
    page.select_option("#f-cargo_category", "raw_materials")
    page.click("#submit-application")
    page.wait_for_url("**/passes/mine**")
    row = page.locator("#applications tr", has_text=PLATE)
    assert row.locator("[data-status='pending']").count() == 1
    screenshot(page, "passes-agent-applied")

    sign_in(page, "issuer")
    page.goto("/passes/review")
    page.locator("#review-queue tr", has_text=PLATE).locator("a").first.click()
    assert_accessible(page)
    page.click("#approve-button")
    page.wait_for_selector("#review-notice")
    pass_no = "".join(ch for ch in page.inner_text("#review-notice") if ch.isdigit())
    assert len(pass_no) == 12 and pass_no.startswith("31"), pass_no

    sign_in(page, "agent")
    page.goto(f"/passes/pass/{pass_no}/e-pass")
    qr = _qr_text_from_screen(page)
    assert qr.startswith("JG1:")
    page.goto(f"/passes/pass/{pass_no}/print")
    assert page.locator("#pass-sheet[data-status='active'] svg").count() == 1
    screenshot(page, "passes-print-a4")

    verdict = _verify(page, qr)
    assert verdict.get_attribute("data-result") == "valid"
    assert PLATE in page.inner_text("#verdict-plate")
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
