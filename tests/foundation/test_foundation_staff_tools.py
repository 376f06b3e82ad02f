"""Staff can work from the pages (issue 9.8): the officer's "may I penalise?" page offers the plate type by name."""

from __future__ import annotations

from jiaoguan.accounts.roles import Role


def test_the_penalty_check_offers_the_plate_type_as_a_named_choice(client, make_user, sign_in) -> None:
    officer = make_user(Role.checkpoint_officer, province_code="11")
    sign_in(client, officer)
    page = client.get("/enforcement/check").text
    assert 'name="plate_type" value=' not in page and '<select id="plate_type" name="plate_type">' in page
    choice = page.split('<select id="plate_type"', 1)[1].split("</select>", 1)[0]
    assert '<option value="01" >大型汽车</option>' in choice and '<option value="02" >小型汽车</option>' in choice
    kept = client.get("/enforcement/check", params={"plate": "京A12345", "plate_type": "52"}).text
    assert '<option value="52" selected>小型新能源汽车</option>' in kept
