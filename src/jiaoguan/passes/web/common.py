"""What every pass page shares: rendering (the shell adds its navigation), and readable names for codes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.i18n import translate
from jiaoguan.kit.ids import find_division
from jiaoguan.kit.web import get_db, render
from jiaoguan.passes.applications.service import REFUSAL_REASONS
from jiaoguan.passes.vocab import CARGO_CATEGORIES, PLATE_COLOURS

Db = Annotated[Session, Depends(get_db)]

STATUS_CLASS = {"pending": "warn", "approved": "ok", "refused": "bad", "withdrawn": "grey", "active": "ok",
                "revoked": "grey", "key_revoked": "grey", "requested": "warn", "scheduled": "ok", "done": "grey",
                "cancelled": "grey"}


def place(code: str | None) -> str:
    """全称 of a division code, e.g. 上海市浦东新区 (the code itself when unknown)."""
    if not code:
        return ""
    found = find_division(code)
    return found.full_name if found is not None else code


def colour_name(code: str) -> str:
    return translate(PLATE_COLOURS[code]) if code in PLATE_COLOURS else code


def cargo_name(code: str) -> str:
    return translate(CARGO_CATEGORIES[code]) if code in CARGO_CATEGORIES else code


def page(request: Request, user: Principal | None, template: str, status_code: int = 200, **ctx: Any) -> Response:
    return render(request, template, {
        "user": user, "place": place, "colour_name": colour_name,
        "cargo_name": cargo_name, "status_class": STATUS_CLASS, "plate_colours": PLATE_COLOURS,
        "cargo_categories": CARGO_CATEGORIES, "refusal_reasons": REFUSAL_REASONS, "beijing": CHINA_TZ,
        **ctx,
    }, status_code=status_code)
