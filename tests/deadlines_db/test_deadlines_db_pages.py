"""Deadlines pages: the citizen's countdowns, the measures and their reach today, the editor, the check."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from jiaoguan.accounts.roles import Role
from jiaoguan.deadlines.jobs import measure_previews
from jiaoguan.deadlines.measures.loader import shipped_measures
from jiaoguan.deadlines.models import MeasureVersion
from jiaoguan.kit.clock import FixedClock, get_clock, set_clock
from tests.factories.deadlines import publish_shipped
from tests.factories.registry import D, licence, person, vehicle


@pytest.fixture()
def on_first_of_july() -> Iterator[None]:
    before = get_clock()
    set_clock(FixedClock(dt.datetime(2022, 7, 1, 2, 0, tzinfo=dt.UTC)))
    yield
    set_clock(before)


def mps_document() -> dict:
    return copy.deepcopy(next(m.source for m in shipped_measures() if m.id == "MPS-2022-04-21"))


def test_my_deadlines_shows_each_countdown_and_why_in_the_page_language(
        client, sign_in, make_user, db, on_first_of_july) -> None:
    publish_shipped(db, "MPS-2022-04-21")
    owner = person(db)
    vehicle(db, owner, inspection=D("2022-03-15"), plate="京A12345")
    licence(db, owner, valid_to=D("2028-01-01"))
    c = sign_in(client, make_user(Role.citizen, person_id=owner.id))
    page = c.get("/my/deadlines")
    assert page.status_code == 200
    assert "剩余 30 天" in page.text and "我的办理期限" in page.text
    assert "2022-07-31" in page.text and "不予处罚" in page.text
    c.cookies.set("jg_lang", "en")
    english = c.get("/my/deadlines").text
    assert "30 days left" in english and "without penalty" in english


def test_a_citizen_without_a_person_record_is_told_so(client, sign_in, make_user) -> None:
    page = sign_in(client, make_user(Role.citizen)).get("/my/deadlines")
    assert page.status_code == 200 and 'role="alert"' in page.text


def test_a_citizen_may_not_open_the_measures_pages(client, sign_in, make_user) -> None:
    c = sign_in(client, make_user(Role.citizen))
    assert c.get("/measures").status_code == 403
    assert c.get("/admin/measures").status_code == 403
    assert sign_in(client, make_user(Role.supervisor)).get("/admin/measures").status_code == 403


def _previewed(c, db, answer, waiting: int = 1) -> str:  # type: ignore[no-untyped-def]
    """The preview a publish led to, counted by the worker's job (with the others `waiting`); its page's URL."""
    assert answer.status_code == 303, answer.text[:300]
    url = answer.headers["location"]
    assert "/admin/measures/preview/" in url and 'data-status="queued"' in c.get(url).text
    assert measure_previews(db) == waiting
    return str(url)


def test_the_admin_publishes_a_new_version_after_its_preview_and_can_never_edit_one(client, sign_in, make_user,
                                                                                    db) -> None:
    c = sign_in(client, make_user(Role.admin))
    doc = mps_document()
    assert c.get("/admin/measures").status_code == 200
    checked = c.post("/admin/measures", data={"document": json.dumps(doc), "action": "validate"})
    assert checked.status_code == 200 and "MPS-2022-04-21@1" in checked.text
    assert db.execute(select(MeasureVersion)).first() is None
    url = _previewed(c, db, c.post("/admin/measures", data={"document": json.dumps(doc), "action": "publish"},
                                   follow_redirects=False))
    assert db.execute(select(MeasureVersion)).first() is None       # nothing published before the confirmation
    preview = c.get(url).text
    assert 'id="preview-reach"' in preview and 'id="confirm-publish-button"' in preview
    published = c.post(url + "/publish")
    assert published.status_code == 200 and 'id="measure-notice"' in published.text
    assert c.post(url + "/publish").status_code == 409                 # a preview is published once
    doc["title"]["en"] += " (edited)"
    refused = c.post("/admin/measures", data={"document": json.dumps(doc), "action": "publish"})
    assert refused.status_code == 409                                   # refused before any count is asked
    doc["version"] = 2
    upload = c.post("/admin/measures", data={"action": "publish"}, follow_redirects=False,
                    files={"upload": ("mps.json", json.dumps(doc).encode(), "application/json")})
    assert c.post(_previewed(c, db, upload) + "/publish").status_code == 200
    assert [v for (v,) in db.execute(select(MeasureVersion.version).order_by(MeasureVersion.version))] == [1, 2]


def test_a_preview_is_not_published_before_its_count_or_after_another_publish(client, sign_in, make_user,
                                                                              db) -> None:
    c = sign_in(client, make_user(Role.admin))
    first, second = mps_document(), mps_document()
    second["id"], second["title"]["en"] = "MPS-LATER", "A later measure"
    queued = c.post("/admin/measures", data={"document": json.dumps(first), "action": "publish"},
                    follow_redirects=False).headers["location"]
    early = c.post(queued + "/publish")
    assert early.status_code == 409 and 'id="preview-error"' in early.text
    assert 'data-status="queued"' in c.get(queued + "/progress").text
    other = _previewed(c, db, c.post("/admin/measures", data={"document": json.dumps(second), "action": "publish"},
                                     follow_redirects=False), waiting=2)
    assert c.get(queued + "/progress").headers.get("hx-refresh") == "true"   # counted with the other one
    assert c.post(other + "/publish").status_code == 200
    stale = c.get(queued).text
    assert 'id="preview-stale"' in stale and 'id="confirm-publish-button"' not in stale
    assert c.post(queued + "/publish").status_code == 409
    again = c.post(queued + "/again", follow_redirects=False).headers["location"]
    assert measure_previews(db) == 1 and c.post(again + "/publish").status_code == 200
    kept = c.get("/admin/measures", params={"preview": again.rsplit("/", 1)[1]}).text   # back to the editor
    assert "MPS-2022-04-21" in kept.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    sign_in(client, make_user(Role.supervisor))
    assert client.get(queued).status_code == 403 and client.post(queued + "/publish").status_code == 403


@pytest.mark.parametrize(("document", "field"), [
    ("{not json", "document"),
    ("", "document"),
])
def test_the_editor_refuses_what_is_not_json(client, sign_in, make_user, document, field) -> None:
    page = sign_in(client, make_user(Role.admin)).post("/admin/measures", data={"document": document})
    assert page.status_code == 422 and f'data-field="{field}"' in page.text


def test_the_editor_names_the_bad_field(client, sign_in, make_user) -> None:
    doc = mps_document()
    doc["provisions"][0]["mode"] = "stretch"
    page = sign_in(client, make_user(Role.admin)).post("/admin/measures", data={"document": json.dumps(doc)})
    assert page.status_code == 422 and 'data-field="measure.provisions[0].mode"' in page.text


def test_the_editor_form_needs_its_csrf_token(client, sign_in, make_user) -> None:
    c = sign_in(client, make_user(Role.admin))
    del c.headers["X-CSRF-Token"]
    assert c.post("/admin/measures", data={"document": json.dumps(mps_document())}).status_code == 403


def test_the_officer_sees_the_answer_in_big_green_or_red(client, sign_in, make_user, db) -> None:
    publish_shipped(db, "MPS-2022-04-21")
    vehicle(db, person(db), inspection=D("2022-03-15"), plate="京A12345")
    c = sign_in(client, make_user(Role.checkpoint_officer))
    assert c.get("/enforcement/check").status_code == 200
    green = c.get("/enforcement/check", params={"plate": "京A12345", "on": "2022-05-01"})
    assert 'data-penalty="no"' in green.text and "verdict waived" in green.text
    red = c.get("/enforcement/check", params={"plate": "京A12345", "on": "2022-08-01"})
    assert 'data-penalty="yes"' in red.text and "verdict allowed" in red.text
    bad = c.get("/enforcement/check", params={"plate": "京A12345", "on": "1 Aug"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
