"""List every translatable string (Python N_/_/gettext/translate/both, Jinja `_()`) without a Chinese translation.

Usage: python tools/i18n_missing.py [--po]   (--po prints .po entries ready to fill in)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parents[1] / "src" / "jiaoguan"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "translate": None, "both": None, "ngettext": (1, 2)}
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


def extracted() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS, options_map=OPTIONS):
        msgs = message if isinstance(message, tuple) else (message,)
        for m in msgs:
            if m and isinstance(m, str) and not m.isspace():
                found.setdefault(m, []).append(f"{filename}:{lineno}")
    return found


def missing() -> dict[str, list[str]]:
    from jiaoguan.kit.i18n import catalog

    catalog.cache_clear()
    zh = catalog("zh_Hans").messages
    return {m: where for m, where in extracted().items() if m not in zh}


if __name__ == "__main__":
    gaps = missing()
    for msg, where in sorted(gaps.items(), key=lambda kv: kv[1][0]):
        if "--po" in sys.argv:
            escaped = msg.replace("\\", "\\\\").replace('"', '\\"')
            print(f'#: {where[0]}\nmsgid "{escaped}"\nmsgstr ""\n')
        else:
            print(f"{where[0]}: {msg}")
    print(f"{len(gaps)} untranslated", file=sys.stderr)
