"""The public certificate check in a real browser: by number, through the QR code's address,
and by uploading a file; valid, superseded, tampered and not found."""

from __future__ import annotations

import copy
import json

import httpx2 as httpx
import pytest

from tests.browser.checks import check_page


def organiser_headers(service) -> dict[str, str]:
    login = service.logins["organiser"]
    response = httpx.post(
        f"{service.url}/v1/auth/token",
        data={"username": login.login, "password": login.password},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def credential_of(service, number: str, headers: dict[str, str]) -> dict:
    response = httpx.get(f"{service.url}/v1/certificates/{number}", headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def verdict(page) -> str:
    return page.locator("#verdict").inner_text()


@pytest.fixture(scope="module")
def superseded(service) -> str:
    """A certificate issued over the API for one approved record (not one of the demo
    certificate's), whose record the organiser then corrects: its number."""
    headers = organiser_headers(service)
    demo = credential_of(service, service.certificate, headers)
    counted = {
        r["id"].removeprefix("urn:uuid:")
        for r in demo["credentialSubject"]["certificate"]["records"]
    }
    approved = httpx.get(
        f"{service.url}/v1/service-records",
        params={"status": "approved", "limit": 200},
        headers=headers,
        timeout=30,
    ).json()["items"]
    record = next(r for r in approved if r["id"] not in counted and r["minutes"] > 30)
    issued = httpx.post(
        f"{service.url}/v1/certificates",
        headers=headers,
        json={
            "organization_id": record["organisation_id"],
            "volunteer_id": record["volunteer_id"],
            "record_ids": [record["id"]],
            "person_in_charge": "张主任",
            "handler": "李干事",
            "contact": "010-64000000",
        },
        timeout=60,
    )
    assert issued.status_code == 201, issued.text
    corrected = httpx.post(
        f"{service.url}/v1/service-records/{record['id']}/corrections",
        headers=headers,
        json={"minutes": record["minutes"] - 30, "reason": "签退时间登记有误"},
        timeout=30,
    )
    assert corrected.status_code == 200, corrected.text
    return str(issued.json()["number"])


def test_the_demo_certificate_typed_in_lower_case_says_valid(phone, service, screenshots):
    phone.goto(service.url + "/verify")
    check_page(phone, "verify", screenshots)
    phone.fill("#f-number", service.certificate.lower())
    phone.get_by_role("button", name="核验", exact=True).click()
    assert verdict(phone) == "有效"
    assert phone.url.endswith(f"/verify/{service.certificate.lower()}")
    check_page(phone, "verify-valid", screenshots)


def test_the_qr_codes_address_opens_the_same_page_in_english(phone, service, screenshots):
    phone.goto(f"{service.url}/V/{service.certificate}?lang=en")
    assert verdict(phone) == "Valid"
    check_page(phone, "verify-valid-en", screenshots)


def test_a_certificate_whose_record_was_corrected_says_superseded(
    phone, service, screenshots, superseded
):
    phone.goto(f"{service.url}/verify/{superseded}")
    assert verdict(phone) == "已被更正版本取代"
    check_page(phone, "verify-superseded", screenshots)


def test_an_uploaded_credential_with_changed_hours_says_tampered(
    phone, service, screenshots, tmp_path
):
    credential = credential_of(service, service.certificate, organiser_headers(service))
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["certificate"]["totalMinutes"] += 600
    path = tmp_path / "certificate.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    phone.goto(service.url + "/verify")
    phone.set_input_files("#f-file", str(path))
    phone.get_by_role("button", name="核验文件").click()
    assert verdict(phone) == "被篡改"
    assert phone.locator("tr.failed").count() > 0
    check_page(phone, "verify-tampered", screenshots)


def test_an_unknown_number_is_a_page_that_shows_it_escaped(phone, service, screenshots):
    phone.goto(service.url + "/verify")
    phone.fill("#f-number", "VC<b>2026</b>")
    phone.get_by_role("button", name="核验", exact=True).click()
    assert phone.locator(".typed").inner_text() == "VC<b>2026</b>"
    check_page(phone, "verify-not-found", screenshots)


def test_a_file_over_the_limit_is_told_before_it_is_sent(phone, service, tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (300 * 1024))
    phone.goto(service.url + "/verify")
    phone.set_input_files("#f-file", str(path))
    assert phone.locator("#f-file").evaluate("input => input.validationMessage") == (
        "文件过大，不是本平台出具的证明文件。"
    )
    phone.get_by_role("button", name="核验文件").click()
    assert phone.url.endswith("/verify")
    assert phone.locator("#verdict").count() == 0
