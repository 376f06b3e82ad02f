"""The scanner's lane: `POST /api/v1/passes/verify` with a device token, answered by a plain Starlette route
placed ahead of the API routers.

Why: a checkpoint's scanners send one request per vehicle, and the framework's part of that request (matching
it against every room's routes, solving the dependency tree, a thread trip for the token lookup and another for
the work) cost more than the verification itself. Here it is one route match, one trip to a worker thread and one
unit of work, and the device token's user and the body's checkpoint are read in one statement. What the request
does is the API route's own: the same token lookup, role check (`accounts.auth.admit` with the route's `OFFICERS`),
body model, `verify_for_device` and response model, and
errors raised here are answered by the app's handlers as problem+json, as the route's are. A request without a
device token (an officer's browser session, which also needs the CSRF header) is not claimed by the lane and
goes to the API route, which stays the documented endpoint.
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import Engine, bindparam
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from jiaoguan.accounts.auth import admit, bad_device_token, device_token_of
from jiaoguan.accounts.principal import Principal
from jiaoguan.accounts.service import (
    TOKEN_PRINCIPAL_COLUMNS,
    principal_of_token_row,
    token_hash,
    token_principal_select,
)
from jiaoguan.kit.context import set_actor
from jiaoguan.kit.db import is_postgres, writes_stand_alone
from jiaoguan.kit.prepared import Prepared
from jiaoguan.kit.web import request_session, run_blocking
from jiaoguan.passes.api import verify_for_device
from jiaoguan.passes.auth import OFFICERS
from jiaoguan.passes.checkpoint import scans as cp
from jiaoguan.passes.models import Checkpoint
from jiaoguan.passes.schemas import VerifyIn

PATH = "/api/v1/passes/verify"


class DeviceTokenRoute(Route):
    """A route that claims only requests carrying a device token (`Authorization: Bearer …`)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get("type") != "http" or scope.get("path") != self.path:
            return Match.NONE, {}
        for name, value in scope.get("headers", ()):
            if name == b"authorization" and value[:7] == b"Bearer ":
                return super().matches(scope)
        return Match.NONE, {}


async def verify(request: Request) -> Response:
    raw = await request.body()
    try:
        body = VerifyIn.model_validate_json(raw)
    except ValidationError as err:
        # The same answer FastAPI gives the API route: errors located in the body, rendered by the app's handler.
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in err.errors()], body=raw) from None
    async with request_session(request) as session:
        return await run_blocking(session, _verify_in_one_unit_of_work, request, session, body)


def _verify_in_one_unit_of_work(request: Request, session: Session, body: VerifyIn) -> Response:
    request.state.db = session
    # A session bound to a connection belongs to an outer transaction (a test's): it stays in it.
    if is_postgres(session) and isinstance(session.get_bind(), Engine):
        # Every statement of a scan stands alone: the token with the checkpoint, and the pass, are reads, the token's
        # minute stamp is one conditional UPDATE, and the scan is logged with its event in one statement
        # (`scans.verify_online`). So no transaction is opened around them: two round trips fewer (BEGIN, COMMIT)
        # of the seven a scan made. The pool gives the connection back in its usual mode.
        writes_stand_alone(session)
    try:
        user, checkpoint = _officer_and_checkpoint(request, session, body.checkpoint)
        out = verify_for_device(session, user, body, checkpoint)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Response(out.model_dump_json(), media_type="application/json")


def routes() -> list[Any]:
    return [DeviceTokenRoute(PATH, verify, methods=["POST"])]


# The device token's user and the body's checkpoint in one round trip: the token look-up of `accounts`, with the
# checkpoint's columns outer-joined (NULLs when no checkpoint has the code). A scan made 4 round trips, now 3.
_TOKEN_AND_CHECKPOINT = Prepared(token_principal_select().add_columns(*cp.CHECKPOINT_REF_COLUMNS).outerjoin(
    Checkpoint, Checkpoint.code == bindparam("code")))


def _officer_and_checkpoint(request: Request, session: Session, code: str) -> tuple[Principal, cp.CheckpointRef]:
    """As the API route has them, with the same refusals in the same order: a token not valid (401), a role that
    may not scan (403), no such checkpoint (404), another province's checkpoint (403)."""
    token = device_token_of(request)
    assert token is not None   # the lane claims only requests with a device token (`DeviceTokenRoute`)
    found = _TOKEN_AND_CHECKPOINT.first(session, {"token_hash": token_hash(token), "code": cp.checkpoint_code_of(code)})
    if found is None:
        raise bad_device_token()
    user = admit(principal_of_token_row(session, found), OFFICERS)
    set_actor(user.actor)   # this thread's context: everything after it runs in it
    return user, cp.checkpoint_ref_of(user, found[TOKEN_PRINCIPAL_COLUMNS:])
