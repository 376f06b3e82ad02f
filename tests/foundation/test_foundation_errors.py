"""Errors: problem+json on the API in the request's language, readable pages elsewhere."""

from __future__ import annotations


def test_an_unknown_api_path_is_problem_json(client) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 404 and body["code"] == "web.not_found" and body["title"]


def test_an_api_error_speaks_the_requests_language(client) -> None:
    zh = client.get("/api/v1/accounts/me", headers={"Accept-Language": "zh-CN"})
    en = client.get("/api/v1/accounts/me", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 401
    assert zh.json()["code"] == en.json()["code"] == "kit.unauthenticated"
    assert en.json()["detail"] == "Please sign in."
    assert zh.json()["detail"] != en.json()["detail"]


def test_an_unknown_page_is_a_readable_page_in_both_languages(client) -> None:
    zh = client.get("/no-such-page")
    assert zh.status_code == 404 and "<html" in zh.text and "页面" in zh.text
    client.cookies.set("jg_lang", "en")
    en = client.get("/no-such-page")
    assert en.status_code == 404 and "Page not found" in en.text


def test_health_and_readiness(client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json() == {"status": "ready"}


def test_openapi_is_published(client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/accounts/me" in spec["paths"]
