"""The one masker of personal numbers and names, for pages, QR codes, audit summaries and logs.

* `mask_id_number` — one number: a resident ID (18 characters, or 15 for an old one) keeps its first 6
  and last 4 (``110105********002X``: the area and the last digits, what a checkpoint matches against
  an ID card in hand); another document (passport, Hong Kong/Macao/Taiwan permit: 8–14 characters) keeps
  2 and 2 (``E1*****78``); anything shorter is hidden whole.
* `scrub` — free text (an audit summary, a log line, a query string): every 18-character and 15-digit
  resident ID number in it is masked the same way; other text is left alone.
* `mask_name` — 张三丰 → 张*丰, 张三 → 张*.
"""

from __future__ import annotations

import re

from jiaoguan.kit.ids.text import compact

# Not inside a longer run of letters and digits (a VIN, a hash, a longer number).
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}\d{3}[0-9Xx]|\d{9})(?![0-9A-Za-z])")
_RESIDENT_LENGTHS = 15
_OTHER_DOCUMENT_MIN = 8


def mask_id_number(raw: str) -> str:
    """A resident ID keeps 6 + 4 characters, another document 2 + 2, a short value none (see above)."""
    value = compact(raw)
    if len(value) >= _RESIDENT_LENGTHS:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) >= _OTHER_DOCUMENT_MIN:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return "*" * len(value)


def scrub(text: str) -> str:
    """Mask every resident ID number (18 characters, or 15 digits) found in free text."""
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 张三 → 张*: surname and last character, never the whole name."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
