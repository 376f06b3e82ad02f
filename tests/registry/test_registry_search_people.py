"""The staff's one-box search finds people by name (exact or prefix, in the searcher's province) and by mobile
number (the hotline's main key), as the clerk, the online seat and the hotline agent use it — page and API —
with masked ID numbers, and each search is audited like any other registry look-up (issue 9.8)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

from jiaoguan.accounts.roles import Role
from jiaoguan.kit.audit import AuditRecord
from jiaoguan.registry.models import Person
from jiaoguan.registry.service import NAME_RESULTS
from tests.factories import registry as reg


def _named(db: Session, name: str, *, province: str = "11", phone: str | None = None):  # type: ignore[no-untyped-def]
    person = reg.person(db, province=province, phone=phone)
    person.name = name
    db.flush()
    return person


def _people(db: Session):  # type: ignore[no-untyped-def]
    found = {"zm": _named(db, "张明", phone="13712345678"), "zmh": _named(db, "张明华"),
             "zl": _named(db, "张丽", phone="13712345678"), "sh": _named(db, "张明", province="31"),
             "other": _named(db, "李明", phone="13712345678", province="44")}
    db.commit()
    return found


def test_a_clerk_finds_people_by_name_prefix_in_the_province_with_masked_id_numbers(client, db, make_user,
                                                                                    sign_in) -> None:
    p = _people(db)
    sign_in(client, make_user(Role.window_clerk, province_code="11"))
    exact_first = client.get("/api/v1/registry/search", params={"q": "张明"}).json()
    assert exact_first["kind"] == "name" and not exact_first["more"]
    assert [x["id"] for x in exact_first["persons"]] == [p["zm"].id, p["zmh"].id]   # not Shanghai's 张明
    assert all(x["id_number_masked"] and "*" in x["id_number"] for x in exact_first["persons"])
    page = client.get("/registry/search", params={"q": "张"})
    assert page.status_code == 200
    for who in ("zm", "zmh", "zl"):
        assert f'data-person="{p[who].id}"' in page.text and p[who].id_number not in page.text
    assert f'data-person="{p["sh"].id}"' not in page.text


def test_the_hotline_and_the_seat_find_everyone_who_gave_a_mobile_number(client, db, make_user, sign_in) -> None:
    p = _people(db)
    for role in (Role.hotline_agent, Role.online_seat):
        sign_in(client, make_user(role, province_code="11"))
        found = client.get("/api/v1/registry/search", params={"q": "137 1234 5678"}).json()
        assert found["kind"] == "mobile" and found["query"] == "137****5678"
        assert {x["id"] for x in found["persons"]} == {p["zm"].id, p["zl"].id, p["other"].id}
        page = client.get("/registry/search", params={"q": "13712345678"}).text
        assert f'data-person="{p["other"].id}"' in page and "137****5678" in page


def test_a_common_surname_lists_the_first_few_and_asks_for_more(client, db, make_user, sign_in) -> None:
    for n in range(NAME_RESULTS + 3):
        _named(db, f"王{chr(0x4E00 + n)}")
    db.commit()
    sign_in(client, make_user(Role.window_clerk, province_code="11"))
    body = client.get("/api/v1/registry/search", params={"q": "王"}).json()
    assert len(body["persons"]) == NAME_RESULTS and body["more"]
    assert 'id="search-more"' in client.get("/registry/search", params={"q": "王"}).text


def test_name_and_mobile_searches_are_audited_without_the_full_name_or_number(client, db, make_user,
                                                                             sign_in) -> None:
    _people(db)
    clerk = make_user(Role.window_clerk, province_code="11")
    sign_in(client, clerk)
    client.get("/registry/search", params={"q": "张明华"})
    client.get("/registry/search", params={"q": "13712345678"})
    rows = db.execute(select(AuditRecord.actor_id, AuditRecord.summary)
                      .where(AuditRecord.action == "registry.search").order_by(AuditRecord.id)).all()
    assert [r.actor_id for r in rows] == [clerk.id, clerk.id]
    assert "张明华" not in rows[0].summary and "1 found" in rows[0].summary
    assert "13712345678" not in rows[1].summary and "137****5678" in rows[1].summary


def test_citizens_and_agents_cannot_search_by_name(client, db, make_user, sign_in) -> None:
    _people(db)
    for role in (Role.citizen, Role.enterprise_agent):
        sign_in(client, make_user(role, province_code="11"))
        assert client.get("/api/v1/registry/search", params={"q": "张明"}).status_code == 403
        assert client.get("/registry/search", params={"q": "张明"}).status_code == 403


@pytest.mark.postgres_only("the plan is PostgreSQL's: the index serves the prefix and the order, no sort")
def test_a_name_search_reads_its_page_from_the_index_without_sorting_every_prefix_match(
        client, db, make_user, sign_in) -> None:
    db.execute(insert(Person), [
        {"id_number": f"1101011990{n:07d}X", "name": f"王{chr(0x4E00 + n % 400)}{chr(0x4E00 + n // 400)}", "sex": "M",
         "birth_date": dt.date(1990, 1, 1), "address_division": "110101", "province_code": "11"}
        for n in range(3000)])
    db.execute(text("ANALYZE person"))
    db.execute(text("SET LOCAL enable_seqscan = off"))   # a few thousand rows: make the planner show what it can use
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if "FROM person" in statement and "LIKE" in statement:
            sent.append((statement, parameters))

    event.listen(db.get_bind(), "before_cursor_execute", capture)
    try:
        sign_in(client, make_user(Role.window_clerk, province_code="11"))
        body = client.get("/api/v1/registry/search", params={"q": "王"}).json()
        sign_in(client, make_user(Role.hotline_agent, province_code="11"))        # the hotline's caller search
        callers = client.get("/api/v1/hotline/callers", params={"q": "王"}).json()
        sign_in(client, make_user(Role.supervisor, province_code=None))             # every province (0230)
        national = client.get("/api/v1/registry/search", params={"q": "王"}).json()
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", capture)
    names = [p["name"] for p in body["persons"]]
    assert len(names) == NAME_RESULTS and body["more"] and names == sorted(names)
    assert len(callers) == 20 and [c["name"] for c in callers] == names[:20]
    assert [p["name"] for p in national["persons"]] == names
    assert len(sent) == 3
    for (statement, parameters), index in zip(sent, ["ix_person_province_name"] * 2 + ["ix_person_name"], strict=True):
        plan = "\n".join(db.connection().exec_driver_sql("EXPLAIN " + statement, parameters).scalars())  # type: ignore[arg-type]
        assert f"Index Scan using {index} " in plan and "Sort" not in plan, plan
