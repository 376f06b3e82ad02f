"""The figures dashboard, its exports and its API: supervisors see their province, administrators any region,
everyone else nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.kit import events
from jiaoguan.kit.clock import FixedClock
from tests.factories import accounts

DAY = dt.date(2022, 4, 29)  # the pass fixtures' clock stands on this Friday
RANGE = {"start": "2022-04-23", "end": "2022-04-29"}


def fact(db: Session, name: str, province: str, day: dt.date = DAY, **payload: Any) -> None:
    events.emit(db, name, {"province": province, "day": day.isoformat(), **payload})


@pytest.fixture()
def figures(db: Session, clock: FixedClock) -> None:
    """Beijing: 3 applications by 2 enterprises, 2 issued, 1 refused, 4 checks (1 denied); a hall, a hotline
    and online business. Shanghai: 5 applications by one enterprise."""
    for person in ("e1", "e1", "e2"):
        fact(db, "pass.applied", "11", person=person)
    fact(db, "pass.issued", "11", person="e1")
    fact(db, "pass.issued", "11", DAY - dt.timedelta(days=1), person="e2")
    fact(db, "pass.refused", "11", reason="documents", person="e1")
    for verdict, reason, ms in (("released", "", 900), ("released", "", 1500), ("released", "", 2500),
                                ("denied", "expired", 4000)):
        fact(db, "pass.verified", "11", verdict=verdict, reason=reason, ms=ms, office="BJ-G4-DJK")
    for _ in range(5):
        fact(db, "pass.applied", "31", person="e9")
    fact(db, "halls.booked", "11", office="110000A", lane="A", business_group="licence", weekend=True,
         extended_hours=False, person="p1")
    fact(db, "halls.served", "11", office="110000A", lane="A", wait_seconds=300, person="p1")
    fact(db, "halls.served", "11", office="110000A", lane="A", wait_seconds=100, person="p2")
    fact(db, "hotline.ticket_opened", "11", type="consult", person="p3")
    fact(db, "hotline.ticket_closed", "11", type="consult", sla_kept=True, person="p3")
    fact(db, "hotline.emergency_opened", "11", person="p4")
    fact(db, "hotline.emergency_closed", "11", hours=1.5, person="p4")
    fact(db, "business.completed", "11", business="renewal", sla_kept=True, online=True, person="p5")
    fact(db, "business.completed", "11", business="renewal", sla_kept=False, online=False, person="p6")
    fact(db, "deadlines.covered", "11", DAY - dt.timedelta(days=1), measure="MPS@1", kind="inspection", records=7)
    fact(db, "deadlines.covered", "11", DAY, measure="MPS@1", kind="inspection", records=9)
    while events.dispatch_due(db, limit=500):
        pass
    db.commit()


@pytest.fixture()
def signed_in(client: TestClient, sign_in: Callable[..., TestClient], db: Session) -> Callable[..., TestClient]:
    def as_role(role: Role, province: str | None = "11") -> TestClient:
        return sign_in(client, accounts.user(db, role, province_code=province))
    return as_role


def figure(board: dict[str, Any], measure: str, metric: str) -> Any:
    m = next(m for m in board["measures"] if m["measure"] == measure)
    return next(f for f in m["figures"] if f["metric"] == metric)


def test_a_supervisor_gets_their_provinces_figures_each_with_how_it_is_counted(
        figures: None, signed_in: Callable[..., TestClient]) -> None:
    c = signed_in(Role.supervisor)
    board = c.get("/api/v1/stats/figures", params=RANGE).json()
    assert board["province"] == "11"
    assert figure(board, "1", "people")["value"] == 2          # e1 and e2, each once
    assert figure(board, "1", "passes.applied")["value"] == 3  # Shanghai's 5 are not here
    assert figure(board, "1", "passes.issued")["value"] == 2
    assert figure(board, "1", "passes.verified")["value"] == 4
    assert figure(board, "1", "passes.denied")["value"] == 1
    assert figure(board, "1", "passes.check_ms")["value"] == 2000   # median of 900, 1500, 2500, 4000 lies in ≤ 2000
    assert figure(board, "2", "emergency.minutes")["value"] == 90.0  # average over one closed case
    assert figure(board, "2", "hotline.sla_kept")["value"] == 100.0
    assert figure(board, "3", "deadlines.covered")["value"] == 9     # the last day's count, not 7 + 9
    assert figure(board, "5", "halls.wait_seconds")["value"] == 200.0
    assert figure(board, "5", "halls.weekend")["value"] == 1
    assert figure(board, "6", "business.online")["value"] == 50.0
    assert all(f["how_counted"] for m in board["measures"] for f in m["figures"])
    trend = next(t for m in board["measures"] for t in m["tables"] if t["id"] == "m1-trend")
    assert trend["rows"][-2][1:3] == [0, 1] and trend["rows"][-1][1:3] == [3, 1]  # applied, issued by day
    funnel = next(t for m in board["measures"] for t in m["tables"] if t["id"] == "m1-funnel")
    assert [r[1] for r in funnel["rows"]] == [3, 2]


def test_a_supervisor_asking_for_another_province_is_refused(figures: None,
                                                             signed_in: Callable[..., TestClient]) -> None:
    c = signed_in(Role.supervisor)
    for url in ("/api/v1/stats/figures", "/api/v1/stats/tables/m1-trend", "/api/v1/stats/tables/m1-trend.csv",
                "/stats", "/stats/export.csv", "/stats/export.json"):
        r = c.get(url, params={**RANGE, "province": "31"})
        assert r.status_code == 403, url
        if url.startswith("/api"):
            assert r.json()["code"] == "stats.out_of_province"


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.supervisor, Role.admin)])
def test_other_roles_may_not_read_the_figures(figures: None, signed_in: Callable[..., TestClient],
                                              role: Role) -> None:
    c = signed_in(role)
    assert c.get("/api/v1/stats/figures").status_code == 403
    assert c.get("/api/v1/stats/tables/m1-trend.csv").status_code == 403
    assert c.get("/stats").status_code == 403


def test_signed_out_the_figures_are_closed(figures: None, client: TestClient) -> None:
    assert client.get("/api/v1/stats/figures").status_code == 401


def test_an_admin_sees_the_nation_any_province_and_any_office(figures: None,
                                                              signed_in: Callable[..., TestClient]) -> None:
    c = signed_in(Role.admin)
    national = c.get("/api/v1/stats/figures", params=RANGE).json()
    assert national["province"] is None and figure(national, "1", "passes.applied")["value"] == 8
    assert figure(national, "1", "people")["value"] == 3
    regions = next(t for m in national["measures"] for t in m["tables"] if t["id"] == "m1-regions")
    assert [r[0] for r in regions["rows"]] == ["11 北京市", "31 上海市"]
    shanghai = c.get("/api/v1/stats/figures", params={**RANGE, "province": "31"}).json()
    assert figure(shanghai, "1", "passes.applied")["value"] == 5
    office = c.get("/api/v1/stats/figures", params={**RANGE, "province": "11", "office": "BJ-G4-DJK"}).json()
    assert figure(office, "1", "passes.verified")["value"] == 4 and figure(office, "1", "passes.applied")["value"] == 0


def test_a_bad_period_or_province_is_named(figures: None, signed_in: Callable[..., TestClient]) -> None:
    c = signed_in(Role.admin)
    assert c.get("/api/v1/stats/figures", params={"start": "2022-05-01", "end": "2022-04-01"}
                 ).json()["code"] == "stats.bad_period"
    assert c.get("/api/v1/stats/figures", params={"start": "yesterday"}).json()["code"] == "stats.bad_period"
    assert c.get("/api/v1/stats/figures", params={"province": "99"}).json()["code"] == "stats.unknown_province"
    assert c.get("/api/v1/stats/tables/nope", params=RANGE).json()["code"] == "stats.unknown_table"


def test_every_table_exports_as_csv_with_a_bom_and_as_json(figures: None,
                                                           signed_in: Callable[..., TestClient]) -> None:
    c = signed_in(Role.supervisor)
    one = c.get("/stats/export.csv", params={**RANGE, "table": "m1-trend"})
    assert one.status_code == 200 and one.headers["content-type"].startswith("text/csv")
    assert one.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(one.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["日期", "通行证申请", "核发通行证"] and rows[-1][:3] == ["2022-04-29", "3", "1"]
    everything = c.get("/stats/export.csv", params=RANGE).content.decode("utf-8-sig")
    board = c.get("/api/v1/stats/figures", params=RANGE).json()
    ids = [t["id"] for m in board["measures"] for t in m["tables"]]
    assert all(f"{i}: " in everything for i in ids)
    as_json = c.get("/stats/export.json", params={**RANGE, "table": "passes.refused-by"}).json()
    assert as_json["rows"] == [["documents", 1]]
    waits = c.get("/api/v1/stats/tables/halls.wait_seconds-by", params=RANGE).json()
    assert waits["rows"] == [["A", 400, 200.0]]    # lane A: 300 s and 100 s waited, 200 s on average
    api_csv = c.get("/api/v1/stats/tables/m5-regions.csv", params=RANGE)
    assert api_csv.content.startswith(b"\xef\xbb\xbf") and "110000A" in api_csv.text
    c.cookies.set("jg_lang", "en")
    english = c.get("/stats/export.csv", params={**RANGE, "table": "m1-trend"}).content.decode("utf-8-sig")
    assert english.startswith("Day,Pass applications,Passes issued")


def test_the_page_shows_the_figures_with_charts_beside_their_tables_in_both_languages(
        figures: None, signed_in: Callable[..., TestClient]) -> None:
    c = signed_in(Role.supervisor)
    zh = c.get("/stats", params=RANGE)
    assert zh.status_code == 200
    assert "措施统计看板" in zh.text and "统计口径" in zh.text and "北京市" in zh.text
    assert 'data-table="t-m1-trend"' in zh.text and 'id="t-m1-trend"' in zh.text
    assert "/static/vendor/echarts/echarts.min.js" in zh.text and "cdn" not in zh.text.lower()
    c.cookies.set("jg_lang", "en")
    en = c.get("/stats", params={"period": "today"})
    assert "Figures of the measures" in en.text and "How counted" in en.text and "People served" in en.text
    assert c.get("/static/vendor/echarts/echarts.min.js").status_code == 200
    assert c.get("/stats/assets/dashboard.js").status_code == 200
