"""Pass numbers: division code of the issuing area + 6-digit serial, unique and without gaps per area."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from jiaoguan.kit.ids import check_pass_no
from jiaoguan.passes.applications.policy import configure_province, issuing_area, province_settings
from jiaoguan.passes.issuance.numbering import next_pass_no
from jiaoguan.passes.models import PassNumberCounter


def test_serials_of_an_area_start_at_one_and_count_up(db: Session) -> None:
    numbers = [next_pass_no(db, "310000") for _ in range(3)]
    assert numbers == ["310000000001", "310000000002", "310000000003"]
    assert all(check_pass_no(n).ok for n in numbers)


def test_each_area_has_its_own_serials(db: Session) -> None:
    assert next_pass_no(db, "310000") == "310000000001"
    assert next_pass_no(db, "420100") == "420100000001"
    assert next_pass_no(db, "310000") == "310000000002"


def test_a_rolled_back_issuance_gives_its_serial_back(db: Session) -> None:
    assert next_pass_no(db, "310000") == "310000000001"
    with pytest.raises(RuntimeError), db.begin_nested():
        next_pass_no(db, "310000")
        raise RuntimeError("signing failed")
    assert next_pass_no(db, "310000") == "310000000002"


def test_an_area_that_is_not_a_division_code_is_refused(db: Session) -> None:
    with pytest.raises(Exception, match="division"):
        next_pass_no(db, "319999")


def test_a_province_may_number_per_prefecture(db: Session) -> None:
    configure_province(db, "42", number_area="prefecture")
    assert issuing_area(province_settings(db, "42"), "420102") == "420100"
    assert issuing_area(province_settings(db, "31"), "310115") == "310000"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.sampled_from(["310000", "440300"]), st.booleans()), min_size=1, max_size=12))
def test_whatever_rolls_back_the_kept_numbers_have_no_gaps(db: Session, plan: list[tuple[str, bool]]) -> None:
    with db.begin_nested() as outer:
        kept: dict[str, list[int]] = {}
        for area, keep in plan:
            try:
                with db.begin_nested():
                    number = next_pass_no(db, area)
                    if not keep:
                        raise RuntimeError
            except RuntimeError:
                continue
            kept.setdefault(area, []).append(int(number[6:]))
        for serials in kept.values():
            assert serials == list(range(1, len(serials) + 1))
        outer.rollback()


@pytest.mark.postgres_only("concurrent issuance is only meaningful on PostgreSQL (SQLite has one writer)")
def test_two_issuers_at_once_on_postgresql_never_collide_and_leave_no_gap(engine: Engine) -> None:
    area, per_thread = "650100", 40
    barrier = threading.Barrier(2)
    results: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def issue(slot: int) -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                with Session(engine) as session, session.begin():
                    results[slot].append(next_pass_no(session, area))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        numbers = results[0] + results[1]
        assert sorted(numbers) == [f"{area}{n:06d}" for n in range(1, 2 * per_thread + 1)]
    finally:
        with Session(engine) as session, session.begin():
            session.execute(delete(PassNumberCounter).where(PassNumberCounter.division_code == area))
