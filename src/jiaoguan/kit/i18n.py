"""Translations: English msgids, Simplified Chinese the default locale.

Each domain keeps its own catalog (`locale/<lang>/LC_MESSAGES/<domain>.po`) so rooms do not
collide in one file; all catalogs of a language are merged when first used. The .po files are
read directly (Babel's reader), so there is no compile step to forget.
"""

from __future__ import annotations

import contextvars
from functools import cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

DEFAULT_LOCALE = "zh_Hans"
LOCALES = ("zh_Hans", "en")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT_LOCALE)


def normalize_locale(value: str | None) -> str:
    """Map what browsers and users send (zh, zh-CN, en-US, …) onto a supported locale."""
    if not value:
        return DEFAULT_LOCALE
    v = value.strip().replace("-", "_").lower()
    if v.startswith("en"):
        return "en"
    if v.startswith("zh"):
        return "zh_Hans"
    return DEFAULT_LOCALE


class _Catalog:
    def __init__(self, messages: dict[str, str]) -> None:
        self.messages = messages

    def gettext(self, msgid: str) -> str:
        return self.messages.get(msgid) or msgid


@cache
def catalog(locale: str) -> _Catalog:
    messages: dict[str, str] = {}
    folder = resources.files("jiaoguan") / "locale" / locale / "LC_MESSAGES"
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".po"):
                with entry.open("rb") as fh:
                    po = read_po(fh, locale=locale)
                for m in po:
                    if m.id and m.string and not m.fuzzy and isinstance(m.id, str):
                        messages[m.id] = str(m.string)
    return _Catalog(messages)


def set_locale(locale: str) -> contextvars.Token[str]:
    return _current.set(normalize_locale(locale))


def reset_locale(token: contextvars.Token[str]) -> None:
    """Undo a `set_locale` (the CLI restores the caller's language when a command ends)."""
    _current.reset(token)


def current_locale() -> str:
    return _current.get()


def translate(msgid: str, locale: str | None = None, **params: Any) -> str:
    """Translate `msgid` into `locale` (default: the request's) and fill `%(name)s` params."""
    text = catalog(normalize_locale(locale) if locale else _current.get()).gettext(msgid)
    return text % params if params else text


def gettext(msgid: str, **params: Any) -> str:
    return translate(msgid, None, **params)


_ = gettext


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now (translated where it is shown)."""
    return msgid


def both(msgid: str, **params: Any) -> tuple[str, str]:
    """The same message in Chinese and in English, for records that must carry both."""
    return translate(msgid, "zh_Hans", **params), translate(msgid, "en", **params)

