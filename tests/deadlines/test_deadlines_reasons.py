from __future__ import annotations

import datetime as dt

import pytest

from jiaoguan.deadlines.engine import evaluate
from jiaoguan.deadlines.measures.loader import shipped_measures
from jiaoguan.deadlines.rules import reasons
from jiaoguan.deadlines.rules.kinds import DeadlineKind
from jiaoguan.kit.i18n import catalog

D = dt.date.fromisoformat
SENTENCES = sorted({v for k, v in vars(reasons).items() if k.isupper() and isinstance(v, str) and "%(" in v})


@pytest.mark.parametrize("msgid", SENTENCES + sorted(k.label for k in DeadlineKind))
def test_every_sentence_and_kind_has_a_chinese_translation(msgid: str) -> None:
    assert catalog("zh_Hans").messages.get(msgid)


@pytest.mark.parametrize(("kind", "due", "on", "zh", "en"), [
    ("licence-renewal", "2022-06-10", "2022-06-01", "如逾期", "should it become overdue"),
    ("learner-permit", "2022-05-05", "2022-09-01", "已过期", "has expired"),
    ("compulsory-scrapping", "2022-06-30", "2022-08-01", "暂缓至2022-10-31", "holds it until 2022-10-31"),
    ("compulsory-scrapping", "2022-04-15", "2022-05-01", "已生效", "is in effect"),
    ("inspection", "2022-09-15", "2022-10-01", "可依法处罚", "a penalty may be imposed"),
])
def test_the_sentence_fits_the_situation(kind: str, due: str, on: str, zh: str, en: str) -> None:
    d = evaluate(kind, D(due), D(on), shipped_measures())
    assert zh in d.reason_zh
    assert en in d.reason_en
    assert "%(" not in d.reason_zh + d.reason_en
