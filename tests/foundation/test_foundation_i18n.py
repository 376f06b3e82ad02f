"""Every user-facing string has a Simplified Chinese translation, and placeholders survive translation."""

from __future__ import annotations

import re

from jiaoguan.kit.i18n import catalog
from tools.i18n_missing import extracted, missing

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_translatable_string_has_a_chinese_translation() -> None:
    gaps = missing()
    assert gaps == {}, "untranslated: " + "; ".join(f"{m!r} ({w[0]})" for m, w in list(gaps.items())[:30])


def test_translations_keep_every_placeholder() -> None:
    zh = catalog("zh_Hans").messages
    bad = [m for m in extracted() if m in zh and set(PLACEHOLDER.findall(m)) != set(PLACEHOLDER.findall(zh[m]))]
    assert bad == []
