"""/me's privacy: the public-list opt-out, the export of my data, and erasing myself."""

from __future__ import annotations

from tests.api.conftest import PASSWORD
from tests.api.pages.me_world import element, page_text, post_form, signed_in


def test_opting_out_of_public_lists_and_back_in(api, world):
    client = signed_in(api)
    answer = post_form(client, "/me/listing", {"public": "no"})
    assert answer.status_code == 303
    assert "notice=unlisted" in answer.headers["location"]
    assert api.services.ledger.volunteer(world.volunteer).listed_publicly is False
    html = client.get(answer.headers["location"]).text
    assert 'value="no" checked' in element(html, "listing")
    post_form(client, "/me/listing", {"public": "yes"})
    assert api.services.ledger.volunteer(world.volunteer).listed_publicly is True


def test_an_opt_out_without_the_form_token_is_refused(api, world):
    client = signed_in(api)
    answer = client.post("/me/listing", data={"public": "no"})
    assert answer.status_code == 403
    assert api.services.ledger.volunteer(world.volunteer).listed_publicly is True


def test_my_data_downloads_as_the_apis_export(api, world):
    client = signed_in(api)
    answer = client.get("/me/export.json")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["cache-control"] == "no-store"
    mine = answer.json()
    from_api = api.client.get("/v1/me/export", headers=world.tokens["volunteer"]).json()
    assert mine["format"] == from_api["format"] == "volunteer-ledger-export/1"
    assert mine["profile"] == from_api["profile"]
    assert mine["listing"] == from_api["listing"]
    assert mine["events"] == from_api["events"]
    assert set(mine) == set(from_api)


def test_an_organiser_has_no_export_here(api, world):
    client = signed_in(api, "organiser.li")
    assert client.get("/me/export.json").status_code == 403


def test_erasure_with_a_wrong_password_is_refused_beside_the_field(api, world):
    client = signed_in(api)
    answer = post_form(client, "/me/erasure", {"password": "not my password"})
    assert answer.status_code == 401
    assert element(answer.text, "e-erasure-password")
    assert '<details class="erasure" open>' in answer.text  # the form stays in view
    assert api.services.ledger.volunteer(world.volunteer).status == "active"
    assert client.get("/me").status_code == 200  # still logged in


def test_erasure_without_a_password_is_refused_beside_the_field(api, world):
    client = signed_in(api)
    answer = post_form(client, "/me/erasure", {"password": ""})
    assert answer.status_code == 422
    assert element(answer.text, "e-erasure-password")
    assert api.services.ledger.volunteer(world.volunteer).status == "active"


def test_erasure_with_my_password_erases_me_and_ends_the_session(api, world):
    client = signed_in(api)
    answer = post_form(client, "/me/erasure", {"password": PASSWORD})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/me/erased"
    assert api.services.ledger.volunteer(world.volunteer).status == "erased"
    erased = client.get("/me/erased")
    assert "erased" in page_text(element(erased.text, "main"))
    assert client.get("/me", follow_redirects=False).status_code == 303  # to log in


def test_an_erasure_without_the_form_token_is_refused(api, world):
    client = signed_in(api)
    answer = client.post("/me/erasure", data={"password": PASSWORD, "csrf_token": "x"})
    assert answer.status_code == 403
    assert api.services.ledger.volunteer(world.volunteer).status == "active"
