"""Browser: the supervisor counts the measures' reach as of a day in 2022 and watches it finish (the worker
runs the count, the page polls and reloads); the citizen's records and deadlines pages give the same dates."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import axe_violations, screenshot, sign_in

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_a_supervisor_asks_for_the_counts_as_of_2022_05_01_and_sees_them_arrive(page: Any) -> None:
    sign_in(page, "supervisor")
    page.goto("/measures?on=2022-05-01")
    assert page.locator('tr[data-measure="MPS-2022-04-21@2"]').get_attribute("data-state") == "in_force"
    assert page.locator('tr[data-measure="SX-2022-12-20@2"]').get_attribute("data-state") == "not_announced"
    page.click('form[action="/measures/counts"] button[type="submit"]')
    page.wait_for_selector("#count-progress")
    page.wait_for_selector("#counted-at", timeout=90_000)   # the worker's job, then htmx reloads the page
    assert "2022-05-01" in page.inner_text("#h-counts") and page.locator("#count-progress").count() == 0
    total = page.locator('tr[data-measure="MPS-2022-04-21@2"] td.affected').get_attribute("data-total")
    assert total is not None and total.isdigit()
    assert axe_violations(page) == []
    screenshot(page, "supervisor-measures-2022-05-01")


def test_the_citizens_records_page_states_no_date_the_deadlines_page_does_not_give(page: Any) -> None:
    sign_in(page, "citizen")
    page.goto("/my/deadlines")
    deadlines = page.inner_text("main")
    page.goto("/my/records")
    tags = page.locator("[data-state]").all_inner_texts()
    assert tags
    for text in tags:
        for day in ISO.findall(text):
            assert day in deadlines, (text, day)
