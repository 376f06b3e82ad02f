"""The baseline of bench/pages.py: bare FastAPI endpoints of the same shape as the measured ones.

    POST /verify   the verify API's request model (VerifyIn, validated) and response model (VerifyOut), no work
    GET  /page     a sync route returning an HTML page of `bytes` bytes (as large as the real one)

Served by uvicorn exactly like `jiaoguan serve` (one process, same log level), so the ratio of the two is what
the product adds on top of the framework and the server.
"""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from jiaoguan.passes.schemas import VerifyIn, VerifyOut

app = FastAPI()
_pages: dict[int, str] = {}


@app.post("/verify", response_model=VerifyOut)
def verify(body: VerifyIn) -> VerifyOut:
    return VerifyOut(valid=True, reason=None, message_zh="通行证有效", message_en="The pass is valid", kid="00" * 8,
                     authentic=True, claims={"pass_no": body.checkpoint, "plate": body.plate}, registered=True,
                     pass_status="active", scan_id=body.scan_id or "bare", checked_at=dt.datetime.now(dt.UTC),
                     duplicate=False)


@app.get("/page")
def page(bytes: int = 8000) -> HTMLResponse:
    html = _pages.get(bytes)
    if html is None:
        html = _pages[bytes] = "<!doctype html><html><body>" + "x" * max(0, bytes - 40) + "</body></html>"
    return HTMLResponse(html)
