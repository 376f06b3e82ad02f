"""What every pass page shares: rendering (the shell adds its navigation), and readable names for codes."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from jiaoguan.accounts.principal import Principal
from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.i18n import translate
from jiaoguan.kit.ids import find_division
from jiaoguan.kit.web import render
from jiaoguan.passes.applications.service import REFUSAL_REASONS
from jiaoguan.passes.states import APPLICATION, PASS
from jiaoguan.passes.vocab import CARGO_CATEGORIES, PLATE_COLOURS

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


def pass_status(status: str) -> str:
    """The word for an issued pass's state (撤销 for a revocation: 吊销 is a licence penalty)."""
    return translate(PASS.label(status))


def application_status(status: str) -> str:
    return translate(APPLICATION.label(status))


def page(request: Request, user: Principal | None, template: str, status_code: int = 200, **ctx: Any) -> Response:
    return render(request, template, {
        "user": user, "place": place, "colour_name": colour_name,
        "cargo_name": cargo_name, "pass_status": pass_status,
        "application_status": application_status, "status_class": STATUS_CLASS, "plate_colours": PLATE_COLOURS,
        "cargo_categories": CARGO_CATEGORIES, "refusal_reasons": REFUSAL_REASONS, "beijing": CHINA_TZ,
        **ctx,
    }, status_code=status_code)
