"""/me in a real browser at phone width: the demo volunteer signs up for a shift, sees it,
cancels it, asks for a certificate, and downloads the one the demo issued."""

from __future__ import annotations

import re

from tests.browser.checks import check_page


def _log_in(phone, service, who: str = "volunteer") -> None:
    """Log in on the log-in page as the demo's ``who``, and land on /me."""
    account = service.logins[who]
    phone.goto(service.url + "/login?next=/me")
    phone.fill("#f-login", account.login)
    phone.fill("#f-password", account.password)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(re.compile(r"/me$"))


def test_the_volunteer_signs_up_for_a_shift_sees_it_and_cancels_it(phone, service, screenshots):
    _log_in(phone, service)
    assert phone.locator("h1").inner_text() == "我的服务"
    assert phone.locator("#star-progress").is_visible()
    check_page(phone, "me", screenshots)

    sign_up = phone.locator("#open-shifts form[id^=signup-]").first
    shift_id = (sign_up.get_attribute("id") or "").removeprefix("signup-")
    sign_up.get_by_role("button").click()
    phone.wait_for_url(re.compile(r"/me\?notice=(signed-up|waitlisted)"))
    assert phone.locator("#notice").is_visible()
    assert phone.locator(f"#upcoming-{shift_id}").is_visible()
    check_page(phone, "me-signed-up", screenshots)

    phone.locator(f"#cancel-{shift_id}").get_by_role("button").click()
    phone.wait_for_url(re.compile(r"/me\?notice=cancelled"))
    assert phone.locator(f"#upcoming-{shift_id}").count() == 0
    assert phone.locator(f"#signup-{shift_id}").count() == 1
    check_page(phone, "me-cancelled", screenshots)


def test_the_volunteer_asks_for_a_certificate(phone, service, screenshots):
    _log_in(phone, service)
    form = phone.locator("#certificate-request")
    form.locator("#f-certificate-period_start").fill("2026-01-01")
    form.locator("#f-certificate-period_end").fill("2026-12-31")
    form.get_by_role("button").click()
    phone.wait_for_url(re.compile(r"/me\?notice=certificate-requested"))
    assert phone.locator("#certificates .requests li").count() >= 1
    check_page(phone, "me-certificate-requested", screenshots)


def test_a_correction_without_a_reason_is_shown_beside_the_field(phone, service, screenshots):
    _log_in(phone, service)
    record = phone.locator("#records details.correction").first
    record.locator("summary").click()
    form = record.locator("form")
    form_id = form.get_attribute("id")
    form.get_by_role("button").click()
    assert phone.locator(f"#e-{form_id}-reason").is_visible()
    assert phone.locator(f"#f-{form_id}-reason").get_attribute("aria-invalid") == "true"
    check_page(phone, "me-correction-error", screenshots)


def test_the_volunteer_downloads_their_certificate(phone, service):
    _log_in(phone, service)
    number = service.certificate
    assert phone.locator(f"#certificate-{number}").is_visible()
    pdf = phone.request.get(f"{service.url}/me/certificates/{number}.pdf")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    credential = phone.request.get(f"{service.url}/me/certificates/{number}.json")
    assert credential.json()["credentialSubject"]["certificate"]["number"] == number


def test_an_organiser_is_pointed_to_the_desk(phone, service, screenshots):
    _log_in(phone, service, who="organiser")
    assert phone.locator("#to-desk").get_attribute("href") == "/desk"
    check_page(phone, "me-organiser", screenshots)
