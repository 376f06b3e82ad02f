"""The administrator's user pages (issue 9.8): add a staff member, disable and enable, reset the password,
change role and office — through the pages, checked by signing in as the user."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from jiaoguan.accounts.offices import add_office
from jiaoguan.accounts.roles import Role

TOKEN = {"csrf_token": "test-csrf-token"}


def _signs_in(client, username: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    answer = client.post("/signin", data={"username": username, "password": password, "next": "/"} | TOKEN,
                         follow_redirects=False)
    return answer.status_code == 303


def _as_admin(client, sign_in, admin) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set("jg_csrf", "test-csrf-token")
    sign_in(client, admin)


def _id_of(html: str, username: str) -> int:
    row = html.split(f'data-user="{username}"', 1)[1]
    return int(re.search(r"/admin/users/(\d+)/", row).group(1))  # type: ignore[union-attr]


def test_an_admin_adds_disables_enables_and_resets_a_clerk_from_the_pages(client, make_user, sign_in,
                                                                           db: Session) -> None:
    admin = make_user(Role.admin)
    office = add_office(db, code="310115A", name="浦东车管所", division_code="310115")
    db.commit()
    _as_admin(client, sign_in, admin)
    added = client.post("/admin/users", data={"username": "wangfang", "display_name": "王芳", "role": "window_clerk",
                                              "office_id": str(office.id), "password": "long-enough-1"} | TOKEN,
                        follow_redirects=False)
    assert added.status_code == 303, added.text
    page = client.get("/admin/users", params={"q": "王芳"}).text
    assert 'data-user="wangfang" data-active="yes"' in page and "浦东车管所" in page
    clerk_id = _id_of(page, "wangfang")
    assert _signs_in(client, "wangfang", "long-enough-1")

    _as_admin(client, sign_in, admin)
    client.post(f"/admin/users/{clerk_id}/active", data={"active": "no"} | TOKEN)
    assert not _signs_in(client, "wangfang", "long-enough-1")
    _as_admin(client, sign_in, admin)
    client.post(f"/admin/users/{clerk_id}/active", data={"active": "yes"} | TOKEN)
    assert _signs_in(client, "wangfang", "long-enough-1")

    _as_admin(client, sign_in, admin)
    reset = client.post(f"/admin/users/{clerk_id}/reset", data=TOKEN)
    new = reset.text.split('id="new-password"', 1)[1].split("<code>", 1)[1].split("</code>", 1)[0]
    assert reset.headers["cache-control"] == "no-store" and len(new) >= 10
    assert not _signs_in(client, "wangfang", "long-enough-1") and _signs_in(client, "wangfang", new)

    _as_admin(client, sign_in, admin)
    client.post(f"/admin/users/{clerk_id}/role", data={"role": "online_seat", "office_id": str(office.id)} | TOKEN)
    assert 'value="online_seat" selected' in client.get("/admin/users", params={"q": "wangfang"}).text


def test_the_admin_page_refuses_bad_input_and_other_roles(client, make_user, sign_in) -> None:
    admin = make_user(Role.admin)
    _as_admin(client, sign_in, admin)
    short = client.post("/admin/users", data={"username": "x", "role": "window_clerk", "password": "short"} | TOKEN)
    assert short.status_code == 422 and 'id="users-error"' in short.text
    citizen = client.post("/admin/users", data={"username": "y", "role": "citizen", "password": "long-enough-1"}
                          | TOKEN)
    assert citizen.status_code == 422
    me = _id_of(client.get("/admin/users", params={"q": admin.username}).text, admin.username)
    assert client.post(f"/admin/users/{me}/active", data={"active": "no"} | TOKEN).status_code == 409
    clerk = make_user(Role.window_clerk)
    _as_admin(client, sign_in, clerk)
    assert client.get("/admin/users").status_code == 403
