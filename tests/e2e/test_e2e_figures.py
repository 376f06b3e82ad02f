"""Browser: the figures dashboard on the demo data, in Chinese and English, at 1280 px and at 390 px, on
screen and in print. The demo's pass part (passes/demo.py) makes 5 applications (3 passes issued, in the
demo haulier's province) and 24 offline scans at the Beijing checkpoint BJ-G4-DJK, 7 of them denied (expired,
revoked pass, bad signature every 10). The hotline's (hotline/demo.py) opens three Beijing tickets (a consultation,
closed; a help request waiting on the caller; an appointment call) and registers one emergency case; the halls' and
the business room's demo parts book slots and submit applications in every province."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import SHOTS, axe_violations, screenshot, sign_in
from tests.e2e.test_e2e_every_page import WIDER_THAN_THE_SCREEN


def headline(page: Any, metric: str, measure: str = "1") -> str:
    return str(page.locator(f'#measure-{measure} li[data-metric="{metric}"] .value').inner_text()).strip()


def the_other_measures_agree_with_the_demo(page: Any, types: list[str]) -> None:
    """急事急办 as hotline/demo.py made it (`types`: its three kinds of call, in the page's words); 便捷办 and 网上办
    counted; each figure says how it is counted."""
    assert (headline(page, "hotline.opened", "2"), headline(page, "hotline.closed", "2"),
            headline(page, "emergency.opened", "2")) == ("3", "1", "1")
    assert headline(page, "hotline.sla_kept", "2") == "100.0 %"   # the one closed ticket was answered at once
    rows = page.locator('#t-hotline\\.opened-by tbody tr').all_inner_texts()
    assert sorted(r.rsplit(maxsplit=1)[0] for r in rows) == sorted(types)
    assert int(headline(page, "halls.booked", "5").replace(",", "")) > 0
    submitted = int(headline(page, "business.submitted", "6").replace(",", ""))
    funnel = [int(c) for c in page.locator("#t-m6-funnel tbody tr td").all_inner_texts()]
    assert funnel[0] == submitted > 0 and funnel == sorted(funnel, reverse=True)
    assert page.locator("li.headline details.how").count() == page.locator("li.headline").count()


def viewport_shot(page: Any, name: str, anchor: str | None = None) -> None:
    """What one screen shows (the full-page shot is too tall to read), from `anchor` if given."""
    if anchor:
        page.locator(anchor).scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def charts_drawn(page: Any) -> None:
    page.wait_for_selector('html[data-charts="ready"]', timeout=30_000)
    assert page.locator("#chart-m1-trend svg").count() == 1
    assert page.locator("#chart-m1-funnel svg").count() == 1


def test_a_supervisor_sees_the_checkpoint_figures_of_beijing_in_chinese_and_english(page: Any) -> None:
    sign_in(page, "supervisor")
    page.goto("/stats")
    assert "措施统计看板" in page.inner_text("h1") and "北京市" in page.inner_text("#scope")
    assert (headline(page, "passes.verified"), headline(page, "passes.denied")) == ("24", "7")
    assert headline(page, "passes.applied") == "5"   # the demo haulier is in Beijing, beside the demo staff (9.8)
    denied = page.locator('#t-passes\\.denied-by tbody tr').all_inner_texts()
    assert sorted(t.split()[0] for t in denied) == ["bad_signature", "expired", "revoked_pass"]
    the_other_measures_agree_with_the_demo(page, ["咨询", "求助", "预约来电"])
    charts_drawn(page)
    assert axe_violations(page) == []
    screenshot(page, "figures-supervisor-zh-1280")
    viewport_shot(page, "figures-supervisor-zh-1280-top")
    viewport_shot(page, "figures-supervisor-zh-1280-charts", "#chart-m1-funnel")
    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert "Figures of the measures" in page.inner_text("h1")
    assert "Checks at checkpoints" in page.inner_text("#measure-1") and headline(page, "passes.verified") == "24"
    assert "Hotline tickets" in page.inner_text("#measure-2")
    assert "once per measure" in str(page.locator('#measure-2 li[data-metric="people"] .how p').text_content())
    the_other_measures_agree_with_the_demo(page, ["Appointment call", "Consultation", "Help request"])
    charts_drawn(page)
    screenshot(page, "figures-supervisor-en-1280")
    viewport_shot(page, "figures-supervisor-en-1280-charts", "#chart-m1-trend")


def test_an_admin_sees_the_nation_and_the_page_fits_a_phone_and_prints(page: Any) -> None:
    sign_in(page, "admin")
    page.goto("/stats?period=all")
    assert "全国" in page.inner_text("#scope")
    assert (headline(page, "passes.applied"), headline(page, "passes.issued")) == ("5", "3")
    assert headline(page, "people") == "1"          # one enterprise, however many applications
    funnel = page.locator("#t-m1-funnel tbody tr td").all_inner_texts()
    assert funnel == ["5", "3"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    charts_drawn(page)
    assert page.evaluate(WIDER_THAN_THE_SCREEN)["wide"] == []  # what a chart clips stays in its box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "figures-admin-zh-390")
    viewport_shot(page, "figures-admin-zh-390-top")
    viewport_shot(page, "figures-admin-zh-390-chart", "#chart-m1-regions")
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible() and page.locator("#t-m1-trend").is_visible()
    page.emulate_media(media="screen")


def test_large_text_at_phone_width_in_english_fits_and_passes_axe(page: Any) -> None:
    sign_in(page, "supervisor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/prefs/lang?to=en&next=/stats")
    page.goto("/prefs/large-font?on=1&next=/stats")
    page.wait_for_load_state("networkidle")
    assert "Figures of the measures" in page.inner_text("h1")
    charts_drawn(page)
    assert page.evaluate(WIDER_THAN_THE_SCREEN)["wide"] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    viewport_shot(page, "figures-supervisor-en-390-large-top")
    viewport_shot(page, "figures-supervisor-en-390-large-hotline", "#measure-2")
    page.goto("/prefs/large-font?on=0&next=/stats")
