"""Message templates: an English msgid per template, translated to the recipient's language when sent.

notify declares only its own (the sign-in code); every room declares its messages in its `room.py`
(`Room.templates`), and `render` finds them all there."""

from __future__ import annotations

from typing import Any

from jiaoguan.kit import rooms
from jiaoguan.kit.i18n import N_, translate

TEMPLATES: dict[str, tuple[str, str]] = {
    # template: (title msgid, body msgid)
    "signin_code": (N_("Sign-in code"),
                    N_("Your jiaoguan sign-in code is %(code)s. It is valid for 5 minutes; do not share it.")),
}


def render(template: str, params: dict[str, Any], locale: str = "zh_Hans") -> tuple[str, str]:
    """Title and body of a message in `locale`. Rooms declare their own templates (`Room.templates`)."""
    known = rooms.all_templates()
    if template not in known:
        raise KeyError(f"unknown message template {template!r}")
    title, body = known[template]
    # A parameter named `x_msgid` is itself a message (a reason chosen from a list): translate it too.
    values = {(k.removesuffix("_msgid") if k.endswith("_msgid") else k): (translate(v, locale) if k.endswith("_msgid")
                                                                        else v) for k, v in params.items()}
    return translate(title, locale), translate(body, locale, **values)
