"""The hotline room's pages: one router made of the parts in `web/`."""

from __future__ import annotations

from fastapi import APIRouter

from jiaoguan.hotline.web import cases, desk

router = APIRouter(include_in_schema=False)
router.include_router(cases.router)
router.include_router(desk.router)
