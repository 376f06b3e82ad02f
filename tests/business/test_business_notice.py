"""一次告知: one complete list of what is missing or not met, in the reader's language."""

from __future__ import annotations

from jiaoguan.business import notice
from jiaoguan.business.catalogue import shipped_catalogue
from jiaoguan.business.outcomes import CheckOutcome

RENEWAL = next(s for s in shipped_catalogue() if s.code == "licence_renewal")
DETAINED = CheckOutcome("licence_not_detained", False, "The licence is not detained.", "Decree 162 art. 69",
                        "Handle the detention at the office that holds the licence first.")


def test_every_missing_material_and_every_failed_check_is_listed_once() -> None:
    items = notice.missing_materials(RENEWAL, handed_in=["photo"]) + notice.failed_checks(
        [DETAINED, CheckOutcome("no_open_violations", True, "No open violations.")])
    assert [(i.kind, i.code) for i in items] == [("material", "id_card"), ("material", "medical_certificate"),
                                                 ("check", "licence_not_detained")]


def test_a_material_promised_for_later_is_not_missing_where_rongque_is_allowed() -> None:
    assert [i.code for i in notice.missing_materials(RENEWAL, ["id_card", "photo"], ["medical_certificate"],
                                                     rongque=True)] == []
    assert [i.code for i in notice.missing_materials(RENEWAL, ["id_card", "photo"], ["medical_certificate"],
                                                     rongque=False)] == ["medical_certificate"]


def test_the_notice_reads_in_chinese_and_in_english_with_the_rule_article_and_remedy() -> None:
    items = notice.missing_materials(RENEWAL, ["id_card", "photo"]) + notice.failed_checks([DETAINED])
    items.append(notice.note_item("请上传清晰照片"))
    zh = notice.as_text(items, "zh_Hans")
    en = notice.as_text(items, "en")
    assert zh.splitlines()[0] == "1. 缺少：身体条件证明（原件）。"
    assert en.splitlines()[0] == "1. Missing: Medical certificate (the original)."
    assert "Decree 162 art. 69" in en.splitlines()[1] and "To satisfy it: Handle the detention" in en
    assert "请上传清晰照片" in zh.splitlines()[2]
    assert notice.NoticeItem.of(items[1].to_json()) == items[1]


def test_a_check_the_registry_does_not_know_yet_is_not_held_against_the_applicant() -> None:
    unknown = CheckOutcome("exam_wait_elapsed", True, "This condition is checked by the seat.", checked=False)
    assert notice.failed_checks([unknown]) == []
