"""Request plumbing shared by every room's routes: the request-owned unit of work and page rendering.

`UnitOfWorkRoute` commits the request's session after the handler returns and before the response
is sent, and rolls back on any error, so a client is never told "done" about a change that did not
commit. Routers declare it with `APIRouter(route_class=UnitOfWorkRoute)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast
from urllib.parse import unquote_plus

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, Template, pass_context, select_autoescape
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context
from markupsafe import Markup, _escape_inner
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.util import greenlet_spawn
from starlette.concurrency import run_in_threadpool

from jiaoguan.kit.clock import CHINA_TZ
from jiaoguan.kit.db import connection_slots, get_request_sessionmaker, is_on_event_loop
from jiaoguan.kit.i18n import LOCALES, catalog, current_locale
from jiaoguan.kit.ids.masking import scrub
from jiaoguan.kit.settings import get_settings

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


async def get_db(request: Request) -> Session:
    """The request's session, made on its first ask and ended by the route once the response is made
    (`UnitOfWorkRoute`; `request_session` outside a route): `let_go_of_db`.

    Async: making a session does no I/O (it connects when first used), so it needs no trip to a worker thread and
    back, twice, on every request. Not a dependency with `yield`: FastAPI runs each of those in an exit stack of its
    own with a cancel scope, a tenth of a cheap page's time in the framework (py-spy, the citizen's records)."""
    found: Session | None = getattr(request.state, "db", None)
    if found is not None:
        return found
    make = get_request_sessionmaker()
    slot = _Slot(_session_slots(make))
    await slot.take()   # on the event loop, holding no worker thread (kit.db.connection_slots)
    try:
        session = make()
    except BaseException:
        slot.give_back()
        raise
    request.state.db, request.state.db_slot = session, slot
    return session


async def _close(session: Session) -> None:
    if session.in_transaction():
        await run_blocking(session, session.close)
    else:
        session.close()


async def run_blocking(session: Session, work: Callable[..., T], *args: Any) -> T:
    """Run sync code that uses `session` without blocking the event loop: in a greenlet on the loop when the
    session's I/O is the loop's (`kit.db.get_request_sessionmaker`, PostgreSQL), in a worker thread otherwise
    (SQLite; a test's session). Either way the code sees the request's context variables (locale, actor)."""
    if is_on_event_loop(session):
        return await greenlet_spawn(work, *args)
    return await run_in_threadpool(work, *args)


class _Slot:
    """A request's turn at the database: taken once, given back once (at the request's end, or earlier by
    `let_go_of_db`)."""

    __slots__ = ("semaphore", "held")

    def __init__(self, semaphore: asyncio.Semaphore | None) -> None:
        self.semaphore, self.held = semaphore, False

    async def take(self) -> None:
        if self.semaphore is not None:
            await self.semaphore.acquire()
            self.held = True

    def give_back(self) -> None:
        if self.held and self.semaphore is not None:
            self.held = False
            self.semaphore.release()


async def let_go_of_db(request: Request) -> None:
    """End the request's session and give its turn back before the response ends: for a response that streams
    for minutes (the hall board's events), which reads in short sessions of its own (`request_session`) and must
    not keep one of the process's few turns meanwhile. A test's session (a `get_db` override) is left as it is."""
    slot: _Slot | None = getattr(request.state, "db_slot", None)
    if slot is None:
        return
    session = request.state.db
    request.state.db = request.state.db_slot = None
    try:
        await _close(session)
    finally:
        slot.give_back()


# Per event loop (a test may run several, one after another): the semaphore and the number it was made for.
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[int, asyncio.Semaphore]] = \
    weakref.WeakKeyDictionary()


def _session_slots(make: sessionmaker[Session]) -> asyncio.Semaphore | None:
    """At most `requests_in_flight` requests (0: no such limit) and never more than the pool can serve at once."""
    bind = make.kw.get("bind")
    in_flight = get_settings().requests_in_flight
    if in_flight is None:
        in_flight = 8 if isinstance(bind, Engine) and bind.dialect.is_async else 4
    limits = [n for n in (connection_slots(bind) if isinstance(bind, Engine) else None, in_flight)
              if n is not None and n > 0]
    if not limits:
        return None
    size = min(limits)
    loop = asyncio.get_running_loop()
    found = _slots.get(loop)
    if found is None or found[0] != size:
        found = _slots[loop] = (size, asyncio.Semaphore(size))
    return found[1]


# The request's session: the one dependency every route that touches the database declares.
Db = Annotated[Session, Depends(get_db)]


@contextlib.asynccontextmanager
async def request_session(request: Request) -> AsyncIterator[Session]:
    """The request's session outside dependency injection (an error page, a lane), got the way a route gets it,
    so an override of `get_db` is honoured. `get_db` is an async generator; an override may be a plain one (the
    tests' is): both are driven here."""
    provider = request.app.dependency_overrides.get(get_db, get_db)
    sessions = provider(request)
    if inspect.isawaitable(sessions):   # `get_db` itself
        try:
            yield cast(Session, await sessions)
        finally:
            await let_go_of_db(request)
        return
    if inspect.isasyncgen(sessions):
        try:
            yield cast(Session, await sessions.__anext__())
        finally:
            await sessions.aclose()
        return
    try:
        yield cast(Session, next(sessions))
    finally:
        sessions.close()


class UnitOfWorkRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _commit_in_the_same_trip(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                try:
                    response = await handler(request)
                except BaseException:
                    db: Session | None = getattr(request.state, "db", None)
                    if db is not None:
                        await run_blocking(db, db.rollback)
                    raise
                db = getattr(request.state, "db", None)
                # Nothing left to end when the endpoint's own trip committed already (below): no second trip.
                if db is not None and db.in_transaction():
                    await run_blocking(db, db.commit if response.status_code < 400 else db.rollback)
                return response
            finally:
                await let_go_of_db(request)   # the session `get_db` made, and the request's turn at the database

        return handle


def _commit_in_the_same_trip(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A sync endpoint as an async one that runs it, then commits its session, in one trip (`run_blocking`: a greenlet
    on the event loop on PostgreSQL, a worker thread otherwise; an endpoint without a session: a thread).

    FastAPI sends a sync endpoint to a thread, its response model's validation to another and the commit to a
    third: each trip is a hand-over between threads, and on a busy process they cost as much as a query. A result
    that is an error response is not committed here (the route rolls it back, as before). The response model still
    validates after the commit; every JSON endpoint builds its answer with `Model.model_validate` already."""

    @functools.wraps(endpoint)
    async def endpoint_then_commit(**kwargs: Any) -> Any:
        session = next((v for v in kwargs.values() if isinstance(v, Session)), None)
        if session is None:
            return await run_in_threadpool(_run_and_commit, endpoint, kwargs)
        return await run_blocking(session, _run_and_commit, endpoint, kwargs)

    return endpoint_then_commit


def _run_and_commit(endpoint: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    result = endpoint(**kwargs)
    if isinstance(result, Response) and result.status_code >= 400:
        return result
    for value in kwargs.values():
        if isinstance(value, Session) and value.in_transaction():
            value.commit()
    return result


def _template_dirs() -> list[str]:
    return [str(p) for p in sorted(PACKAGE_ROOT.glob("*/templates")) if p.is_dir()]


def _gettext(message: str) -> str:
    # The request's locale is normalized when set: straight to its catalog (a page asks this dozens of times).
    return catalog(current_locale()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(current_locale()).gettext(singular if n == 1 else plural)


@pass_context
def _page_gettext(context: Context, message: str, **variables: Any) -> str:
    """jinja2's newstyle `gettext`, without its `%` when there is nothing to fill or unescape (most of the
    200-odd calls of a page, each a trip through Markup's formatting): a text holding a `%` still goes through it,
    so a `%%` still becomes `%`. Also bound to `_` directly, not through the extension's alias (a second call)."""
    rv = catalog(current_locale()).gettext(message)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables if variables or "%" in rv else rv


def _beijing(value: Any, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """Times are stored in UTC and shown in Beijing time, the time every office and citizen works in."""
    if value is None:
        return ""
    return str(value.astimezone(CHINA_TZ).strftime(fmt))


def _day(value: Any) -> str:
    """A date as YYYY-MM-DD, or a dash when there is none."""
    return "—" if value is None else str(value.isoformat())


def _here(request: Any) -> str:
    """The page's own address for the language and text-size switches to come back to, with its query kept — unless
    the query holds an ID number (a hotline or clerk search): that must not be copied into links, where it would
    reach the history, the logs and the Referer. Such a page comes back without its query."""
    query = str(request.url.query)
    unquoted = unquote_plus(query)
    if query and scrub(unquoted) == unquoted:
        return f"{request.url.path}?{query}"
    return str(request.url.path)


class ConstantTranslations(Extension):
    """`_("text")` with nothing to fill, translated when the template is compiled: each locale has an environment
    of its own (`page_environment`), whose compiled templates hold the translated text as a constant.

    A page says `_("…")` a hundred-odd times, and every call went through jinja2's `Context.call` (its `hasattr`
    and pass-argument checks), the catalogue and `Markup`: about a tenth of a page's work, for text that depends
    on nothing but the locale. What stays a call: `_()` with variables (filled when rendered), and a text whose
    translation holds a `%` that is not `%%`. The output is the same markup `_page_gettext` gives (`|safe`, with
    `%%` made `%`)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        locale = getattr(self.environment, "jiaoguan_locale", None)
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            found = tokens[i:i + 4]
            if (locale is not None and len(found) == 4 and found[0].test("name:_") and found[1].type == "lparen"
                    and found[2].type == "string" and found[3].type == "rparen"
                    and (i == 0 or tokens[i - 1].type != "dot")):
                text = _constant(locale, found[2].value)
                if text is not None:
                    line = found[0].lineno
                    yield from (Token(line, "lparen", "("), Token(line, "string", text), Token(line, "pipe", "|"),
                                Token(line, "name", "safe"), Token(line, "rparen", ")"))
                    i += 4
                    continue
            yield tokens[i]
            i += 1


def _constant(locale: str, message: str) -> str | None:
    text = catalog(locale).gettext(message)
    if "%" not in text:
        return text
    try:
        return text % {}   # as `_page_gettext` does: `%%` becomes `%`
    except (KeyError, ValueError, TypeError):
        return None        # a placeholder with nothing to fill: left to fail when rendered, as before


def written(value: Any) -> str:
    """What a page's `{{ value }}` writes: markupsafe's `escape`, without the `Markup` it wraps every result in.

    Jinja's compiled pages call `escape` only on what they output, and join the results into the page or into a
    block's or a macro's buffer, which it makes `Markup` itself: the wrapper (a Python `__new__` and two `hasattr`
    per value, eighty values a citizen's records page) bought nothing there. The text is escaped by markupsafe's own C
    routine, so the page is the same byte for byte (tests/kit/test_kit_page_escape.py)."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return _escape_inner(str(value))


class PageTemplate(Template):
    """A template whose outputs are escaped by `written`."""

    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: MutableMapping[str, Any],
                        globals: MutableMapping[str, Any]) -> Template:
        # The compiled module imported `escape` from jinja2.runtime into its namespace; its outputs look it up there.
        namespace["escape"] = written
        return super()._from_namespace(environment, namespace, globals)


def _environment(locale: str | None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(_template_dirs()),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n", ConstantTranslations],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.template_class = PageTemplate
    env.extend(jiaoguan_locale=locale)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(gettext=_page_gettext, _=_page_gettext, here_of=_here)
    env.filters["beijing"] = _beijing
    env.filters["day"] = _day
    return env


# Translated as each page is rendered, for any locale (what `ConstantTranslations` leaves to the call, it does too).
templates_env = _environment(None)
_page_environments = {locale: _environment(locale) for locale in LOCALES}


def reload_templates_when_changed(on: bool) -> None:
    """Whether a template is looked at on disk again before each use (its file's time read, and those of the
    templates it imports): for development. An installed product's templates do not change while it runs."""
    for env in (templates_env, *_page_environments.values()):
        env.auto_reload = on


def page_environment() -> Environment:
    """The environment whose templates are compiled for the request's locale."""
    return _page_environments.get(current_locale(), templates_env)


ContextProvider = Callable[[Request], dict[str, Any]]
_context_providers: list[ContextProvider] = []


def add_context_provider(provider: ContextProvider) -> None:
    """The shell (a higher layer) adds what every page shows, e.g. the signed-in user and the role's navigation."""
    if provider not in _context_providers:
        _context_providers.append(provider)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """Render a page with the shell's context (user, navigation, locale, CSRF token, large-font mode)."""
    from fastapi.responses import HTMLResponse

    ctx: dict[str, Any] = {"request": request}
    ctx.update(getattr(request.state, "page_context", {}))
    for provider in _context_providers:
        ctx.update(provider(request))
    ctx.update(context or {})
    html = page_environment().get_template(name).render(ctx)
    return HTMLResponse(html, status_code=status_code)
