"""/V/<number>: a person who scans or types a certificate number always gets a page."""

from __future__ import annotations

import re

import pytest

from tests.api.verify_pages import typed_number, verdict_word

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_a_number_typed_in_lower_case_opens_the_certificate(api, issued):
    page = api.client.get(f"/V/{issued['number'].lower()}", headers=BROWSER)
    assert page.status_code == 200
    assert verdict_word(page.text) == "有效"
    assert issued["number"] in page.text


def test_the_page_shows_a_masked_name_and_the_volunteer_numbers_last_four_digits(
    api, world, issued
):
    volunteer = api.services.ledger.volunteer(world.volunteer)
    page = api.client.get(f"/V/{issued['number']}", headers=BROWSER).text
    assert f"王*明 (*****{volunteer.volunteer_number[-4:]})" in page
    assert volunteer.volunteer_number not in page


def test_an_unknown_number_is_a_page_in_chinese_showing_the_number_typed(api, world):
    page = api.client.get("/V/VC2026999999999", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert typed_number(page.text) == "VC2026999999999"
    assert "没有找到该编号的证明" in page.text


def test_the_not_found_page_shows_no_internal_id(api, world):
    page = api.client.get("/V/vc2026999999999", headers=BROWSER)
    assert not UUID.search(page.text)
    assert "vc2026999999999" in page.text


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("VC2026", "VC2026"),
        ("hello%3Cscript%3Ealert(1)%3C%2Fscript%3E", "hello&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("VC2026/000/123", "VC2026/000/123"),
        ("证书123", "证书123"),
    ],
)
def test_a_malformed_number_is_the_same_not_found_page_escaped(api, typed, shown):
    page = api.client.get(f"/V/{typed}", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert typed_number(page.text) == shown
    assert "<script>" not in page.text


def test_a_very_long_number_is_shown_cut_short(api):
    page = api.client.get("/V/" + "9" * 500, headers=BROWSER)
    assert page.status_code == 404
    assert "9" * 40 + "…" in page.text
    assert "9" * 41 not in page.text


def test_a_client_that_asks_for_json_gets_the_page_too(api, world):
    page = api.client.get("/V/nothing", headers={"Accept": "application/json"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


def test_the_openapi_document_declares_the_not_found_page_as_html(api):
    operation = api.client.get("/openapi.json").json()["paths"]["/V/{number}"]["get"]
    assert list(operation["responses"]["404"]["content"]) == ["text/html"]
    assert list(operation["responses"]["200"]["content"]) == ["text/html"]


def test_a_number_with_a_line_break_in_it_still_gets_the_page(api):
    response = api.client.get("/V/VC12%0A34")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
