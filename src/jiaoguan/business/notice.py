"""一次告知: everything missing or wrong, told to the applicant at once, as one list (Decree 162 art. 3,
Decree 164 art. 3). Pure: built from the business's materials, what was handed in, and the checks' outcomes.

Each item keeps msgids and both names, so it is shown in whoever reads it's language; the message sent to the
applicant is rendered in the applicant's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from jiaoguan.business.catalogue import BusinessSpec
from jiaoguan.business.outcomes import CheckOutcome
from jiaoguan.kit.i18n import N_, translate


@dataclass(frozen=True)
class NoticeItem:
    kind: str                 # material | check | note
    code: str
    text_msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    article: str = ""
    remedy_msgid: str = ""
    name_zh: str = ""
    name_en: str = ""

    def text(self, locale: str | None = None) -> str:
        name = self.name_en if (locale or "").startswith("en") else self.name_zh
        return translate(self.text_msgid, locale, name=name, **self.params)

    def remedy(self, locale: str | None = None) -> str:
        return translate(self.remedy_msgid, locale, **self.params) if self.remedy_msgid else ""

    def line(self, locale: str | None = None) -> str:
        if self.kind == "check":
            return _line(self, locale)
        parts = [self.text(locale)]
        if self.article:
            parts.append(translate(N_("(%(article)s)"), locale, article=self.article))
        if self.remedy_msgid:
            parts.append(translate(N_("To satisfy it: %(remedy)s"), locale, remedy=self.remedy(locale)))
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, raw: dict[str, Any]) -> NoticeItem:
        return cls(**raw)


def missing_materials(spec: BusinessSpec, handed_in: Iterable[str], later: Iterable[str] = (),
                      rongque: bool = False) -> list[NoticeItem]:
    """Required materials neither handed in nor (where 容缺 is allowed) promised for later."""
    have, promised = set(handed_in), set(later) if rongque else set()
    items = []
    for m in spec.materials:
        if not m.required or m.code in have or (m.code in promised and m.later_allowed):
            continue
        msgid = N_("Missing: %(name)s (the original).") if m.original else N_("Missing: %(name)s.")
        items.append(NoticeItem("material", m.code, msgid, name_zh=m.name_zh, name_en=m.name_en))
    return items


def failed_checks(outcomes: Iterable[CheckOutcome]) -> list[NoticeItem]:
    return [NoticeItem("check", o.name, N_("Not met: %(rule)s"),
                       {"rule_msgid": o.rule_msgid, "rule_params": o.params or {}}, o.article, o.remedy_msgid)
            for o in outcomes if o.checked and not o.ok]


def note_item(text: str) -> NoticeItem:
    """The seat's own words (not translated: the seat writes them for this applicant)."""
    return NoticeItem("note", "note", N_("Note from the seat: %(note)s"), {"note": text})


def render(items: Iterable[NoticeItem], locale: str | None = None) -> list[str]:
    return [_line(i, locale) for i in items]


def _line(item: NoticeItem, locale: str | None) -> str:
    if item.kind == "check":
        rule = translate(str(item.params.get("rule_msgid", item.code)), locale, **(item.params.get("rule_params")
                                                                                    or {}))
        parts = [translate(N_("Not met: %(rule)s"), locale, rule=rule)]
        if item.article:
            parts.append(translate(N_("(%(article)s)"), locale, article=item.article))
        if item.remedy_msgid:
            parts.append(translate(N_("To satisfy it: %(remedy)s"), locale,
                                   remedy=translate(item.remedy_msgid, locale, **(item.params.get("rule_params")
                                                                                  or {}))))
        return " ".join(parts)
    return item.line(locale)


def as_text(items: Iterable[NoticeItem], locale: str | None = None) -> str:
    return "\n".join(f"{n}. {line}" for n, line in enumerate(render(items, locale), 1))
