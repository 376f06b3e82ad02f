"""Reusable answers to common questions (常见问题答复), kept as data: a JSON file in both languages, loaded
into the database by `jiaoguan hotline answers-load`, searched at the desk.

The file is the source: loading it replaces the set (answers no longer in the file are removed), and loading the
same file twice changes nothing. Every entry is checked before anything is written (一次告知: all problems).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jiaoguan.hotline.models import HotlineAnswer
from jiaoguan.kit import audit
from jiaoguan.kit.clock import utc_now
from jiaoguan.kit.errors import InvalidInput
from jiaoguan.kit.i18n import N_

SHIPPED = Path(__file__).parent / "data" / "answers.json"
KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,59}")
FIELDS = ("question_zh", "question_en", "answer_zh", "answer_en")


class AnswersInvalid(InvalidInput):
    code = "hotline.answers_invalid"
    message = N_("The answers file is not valid: %(problems)s")


@dataclass(frozen=True)
class LoadReport:
    added: int
    changed: int
    removed: int
    unchanged: int


def parse(text: str) -> list[dict[str, str]]:
    """The entries of an answers file, or every problem found in it at once."""
    try:
        doc: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswersInvalid(problems=f"JSON: {exc.msg} (line {exc.lineno})") from None
    entries = doc.get("answers") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise AnswersInvalid(problems='{"answers": [...]}')
    problems: list[str] = []
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict):
            problems.append(f"#{i}: not an object")
            continue
        key = str(e.get("key", ""))
        if not KEY.fullmatch(key):
            problems.append(f"#{i}: key {key!r}")
        elif key in seen:
            problems.append(f"#{i}: key {key!r} twice")
        seen.add(key)
        missing = [f for f in FIELDS if not str(e.get(f, "")).strip()]
        if missing:
            problems.append(f"#{i} {key}: " + ", ".join(missing))
        tags = e.get("tags", [])
        out.append({"key": key, **{f: str(e.get(f, "")).strip() for f in FIELDS},
                    "tags": " ".join(tags) if isinstance(tags, list) else str(tags)})
    if problems:
        raise AnswersInvalid(problems="; ".join(problems))
    return out


def load(session: Session, text: str) -> LoadReport:
    entries = parse(text)
    existing = {a.key: a for a in session.scalars(select(HotlineAnswer))}
    added = changed = unchanged = 0
    now = utc_now()
    for e in entries:
        row = existing.pop(e["key"], None)
        if row is None:
            session.add(HotlineAnswer(**e, updated_at=now))
            added += 1
        elif any(getattr(row, k) != v for k, v in e.items()):
            for k, v in e.items():
                setattr(row, k, v)
            row.updated_at = now
            changed += 1
        else:
            unchanged += 1
    for row in existing.values():
        session.delete(row)
    session.flush()
    report = LoadReport(added, changed, len(existing), unchanged)
    audit.record(session, "hotline.answers_load", "hotline_answer", "-",
                 f"added {added}, changed {changed}, removed {len(existing)}, unchanged {unchanged}")
    return report


def search(session: Session, query: str, *, limit: int = 30) -> list[HotlineAnswer]:
    """Answers whose question, answer or tags contain every word of the query (both languages)."""
    stmt = select(HotlineAnswer)
    for word in query.split()[:6]:
        like = f"%{word.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(HotlineAnswer.question_zh.like(like), HotlineAnswer.question_en.ilike(like),
                              HotlineAnswer.answer_zh.like(like), HotlineAnswer.answer_en.ilike(like),
                              HotlineAnswer.tags.ilike(like), HotlineAnswer.key.ilike(like)))
    return list(session.scalars(stmt.order_by(HotlineAnswer.key).limit(limit)))


def get(session: Session, key: str) -> HotlineAnswer | None:
    return session.get(HotlineAnswer, key)
