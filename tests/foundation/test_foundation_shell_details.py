"""Shell details (issue 9.9): the language and text-size switches keep the query string; a signed-in user on an
error page is shown as signed in; a sign-in asked on a page with a query comes back to it."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlparse

from jiaoguan.accounts.roles import Role


def _switch_target(html: str, anchor_id: str) -> str:
    tag = html.split(f'id="{anchor_id}"', 1)[0].rsplit("<a ", 1)[1]
    href = tag.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    return parse_qs(urlparse(href).query)["next"][0]


def test_the_language_switch_keeps_the_query_string(client, make_user, sign_in) -> None:
    issuer = make_user(Role.pass_issuer, province_code="31")
    sign_in(client, issuer)
    page = client.get("/passes/issued?q=沪D12345")
    assert page.status_code == 200
    assert unquote(_switch_target(page.text, "lang-switch")) == "/passes/issued?q=沪D12345"
    assert unquote(_switch_target(page.text, "large-font-switch")) == "/passes/issued?q=沪D12345"
    back = client.get("/prefs/lang", params={"to": "en", "next": "/passes/issued?q=沪D12345"},
                      follow_redirects=False)
    assert back.status_code == 303 and unquote(back.headers["location"]) == "/passes/issued?q=沪D12345"


def test_a_signed_in_user_on_an_error_page_is_shown_signed_in(client, make_user, sign_in) -> None:
    clerk = make_user(Role.window_clerk, province_code="31")
    sign_in(client, clerk)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert clerk.display_name in missing.text and "/signout" in missing.text
    bad = client.get("/persons/not-a-number")
    assert bad.status_code in (403, 404, 422) and clerk.display_name in bad.text


def test_an_error_page_finds_its_viewer_through_the_real_async_session_dependency(app, db, client, make_user,
                                                                                   sign_in) -> None:
    # Production's `get_db` is an async generator; the suite's override is a plain one. Both shapes must work
    # (the error page once called next() on the async one, failed, and showed every user as signed out).
    from collections.abc import AsyncIterator

    from jiaoguan.kit.web import get_db

    async def _async_db(request) -> AsyncIterator[object]:  # type: ignore[no-untyped-def]
        request.state.db = db
        yield db

    app.dependency_overrides[get_db] = _async_db
    clerk = make_user(Role.window_clerk, province_code="31")
    sign_in(client, clerk)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert clerk.display_name in missing.text and "/signout" in missing.text


def test_a_sign_in_asked_on_a_page_with_a_query_comes_back_to_it(client) -> None:
    answer = client.get("/passes/issued?q=沪D12345", follow_redirects=False)
    assert answer.status_code == 303
    target = parse_qs(urlparse(answer.headers["location"]).query)["next"][0]
    assert unquote(target) == "/passes/issued?q=沪D12345"


def test_the_switch_links_never_copy_an_id_number_from_the_query(client) -> None:  # type: ignore[no-untyped-def]
    """The language and text-size switches keep the query string (issue 9.9), except where it holds an ID number (a
    hotline or clerk search): copied into links it would reach the history, the logs and the Referer."""
    page = client.get("/?q=11010519800501003X")
    assert "11010519800501003X" not in page.text and "next=/" in page.text
    kept = client.get("/?q=%E5%BC%A0%E4%B8%89")  # a name is kept, as 9.9 asks
    assert "q%3D%25E5%25BC%25A0%25E4%25B8%2589" in kept.text or "q%3D%E5%BC%A0" in kept.text or "%3Fq%3D" in kept.text
