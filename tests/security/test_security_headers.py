"""Headers and tokens (issue 10.11): a Content-Security-Policy without inline script, framing refused, HSTS and
Secure cookies when the public URL is https, Referrer-Policy, and a CSRF token bound to the session and renewed
at sign-in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jiaoguan.kit.settings import reset_settings
from tests.security.conftest import PASSWORD, Live

SRC = Path(__file__).resolve().parents[2] / "src" / "jiaoguan"


def _directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


@pytest.mark.parametrize("path", ["/", "/signin", "/api/v1/openapi.json", "/healthz", "/no-such-page"])
def test_every_answer_carries_the_policy_and_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    policy = _directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in response.headers  # plain http: no HSTS


def test_no_template_has_an_inline_script_or_handler() -> None:
    found = []
    for template in SRC.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{template.relative_to(SRC)}: {tag}")
        found += [f"{template.relative_to(SRC)}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
        found += [f"{template.relative_to(SRC)}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert found == []


def test_the_api_docs_admit_their_one_script_by_hash(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    policy = _directives(response.headers["content-security-policy"])
    assert response.status_code == 200 and "SwaggerUIBundle" in response.text
    assert "'unsafe-inline'" not in policy["script-src"] and any(s.startswith("'sha256-") for s in policy["script-src"])
    assert policy["frame-ancestors"] == ["'none'"]


def test_under_https_every_cookie_is_secure_and_hsts_is_sent(installations, monkeypatch) -> None:
    inst = installations()
    monkeypatch.setenv("JIAOGUAN_PUBLIC_BASE_URL", "https://jiaoguan.example")
    reset_settings()
    live = Live(inst)
    try:
        live.user("clerk", role="window_clerk")
        c = live.client(base_url="https://testserver")  # a browser keeps Secure cookies for https only
        cookies = []
        for response in (c.get("/"), c.get("/prefs/lang?to=en", follow_redirects=False),
                         c.post("/signin", data={"username": "clerk", "password": PASSWORD}, follow_redirects=False),
                         c.post("/signout", follow_redirects=False)):
            assert response.status_code in (200, 303), response.text[:300]
            assert response.headers["strict-transport-security"].startswith("max-age=31536000")
            cookies += response.headers.get_list("set-cookie")
        fresh = TestClient(live.app, base_url="https://testserver")
        cookies += fresh.get("/signin").headers.get_list("set-cookie")
        names = {c.split("=")[0] for c in cookies}
        assert {"jg_csrf", "jg_lang", "jg_session"} <= names
        assert [c for c in cookies if "secure" not in c.lower()] == []
    finally:
        live.close()


def test_the_csrf_token_is_bound_to_the_session_and_renewed_at_sign_in(live: Live) -> None:
    live.user("clerk", role="window_clerk")
    live.user("other", role="window_clerk")
    browser = TestClient(live.app, base_url="http://testserver")

    def token() -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/signin").text)
        assert found is not None
        return found.group(1)

    before = token()
    cookie_before = browser.cookies.get("jg_csrf")
    signed_in = browser.post("/signin", data={"username": "clerk", "password": PASSWORD, "csrf_token": before},
                             follow_redirects=False)
    assert signed_in.status_code == 303
    assert browser.cookies.get("jg_csrf") not in (None, cookie_before)  # renewed at sign-in
    # The token a page showed before sign-in is worth nothing in the session.
    assert browser.post("/signout", data={"csrf_token": before}, follow_redirects=False).status_code == 403
    # Nor is another session's token, even with this browser's CSRF cookie.
    other = TestClient(live.app, base_url="http://testserver")
    other.cookies.set("jg_csrf", browser.cookies.get("jg_csrf") or "")
    found = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/signin").text)
    assert found is not None
    other.post("/signin", data={"username": "other", "password": PASSWORD, "csrf_token": found.group(1)})
    other.cookies.set("jg_csrf", browser.cookies.get("jg_csrf") or "")  # the same CSRF cookie, another session
    other_token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/signin").text)
    assert other_token is not None
    assert browser.post("/signout", data={"csrf_token": other_token.group(1)},
                        follow_redirects=False).status_code == 403
    # The session's own token, from a page shown in the session, works.
    assert browser.post("/signout", data={"csrf_token": token()}, follow_redirects=False).status_code == 303
