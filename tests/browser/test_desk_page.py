"""The organiser's desk in a real browser at phone width: the desk, a new shift (with errors,
then scheduled), its roster with the QR code, a volunteer checking in by the QR link, and the
approval queue (with an error beside the reason)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest

from tests.browser.checks import check_page
from tests.browser.service import Login

SHANGHAI = ZoneInfo("Asia/Shanghai")


def log_in(page, service, who: str) -> None:
    login = service.logins[who]
    page.goto(service.url + "/login")
    page.fill("#f-login", login.login)
    page.fill("#f-password", login.password)
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def organiser(phone, service):
    log_in(phone, service, "organiser")
    assert phone.url.endswith("/desk")
    return phone


def _schedule_a_shift_starting_soon(page, service) -> str:
    """Through the desk's form: a shift starting in ten minutes (check-in is open); the new
    shift's roster address."""
    page.goto(service.url + "/desk")
    page.locator("a[id^=new-shift-]").first.click()
    start = (datetime.now(SHANGHAI) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=2)
    page.fill("#one-day", start.date().isoformat())
    page.fill("#one-start_time", start.strftime("%H:%M"))
    page.fill("#one-end_time", end.strftime("%H:%M"))
    page.fill("#one-capacity", "3")
    page.click("#one-submit")
    assert page.locator("#desk-done").is_visible()
    return str(page.locator("#done-roster").get_attribute("href"))


def _new_volunteer(service) -> Login:
    """A volunteer of the first organisation, registered over the API, on no shift yet."""
    organisation = httpx.get(service.url + "/v1/organizations").json()["organisations"][0]["id"]
    phone = f"137{secrets.randbelow(10**8):08d}"
    password = "lantern river quiet paper 73"
    answer = httpx.post(
        service.url + "/v1/volunteers",
        json={
            "name": "刘晓燕",
            "phone": phone,
            "password": password,
            "birth_date": "1992-03-04",
            "organization_id": organisation,
            "consent": True,
        },
    )
    assert answer.status_code == 201, answer.text
    return Login(phone, password)


def test_the_desk_lists_activities_and_shifts(organiser, service, screenshots):
    assert organiser.locator("#desk-activities tbody tr").count() > 0
    check_page(organiser, "desk", screenshots)


def test_the_new_shift_form_shows_errors_beside_the_fields(organiser, service, screenshots):
    organiser.locator("a[id^=new-shift-]").first.click()
    check_page(organiser, "desk-new-shift", screenshots)
    organiser.fill("#one-start_time", "07:30")
    organiser.click("#one-submit")
    assert organiser.locator("#one-day-error").is_visible()
    assert organiser.locator("#one-capacity-error").is_visible()
    assert organiser.locator("#one-start_time").input_value() == "07:30"
    organiser.click("#series-submit")
    assert organiser.locator("#series-weekdays-error").is_visible()
    check_page(organiser, "desk-new-shift-errors", screenshots)


def test_a_new_shift_shows_its_qr_code_and_a_volunteer_checks_in_by_it(
    organiser, service, screenshots, browser
):
    roster = _schedule_a_shift_starting_soon(organiser, service)
    shift_id = roster.rsplit("/", 1)[-1]
    volunteer = _new_volunteer(service)  # the demo's may be on a shift at that hour
    token = httpx.post(
        service.url + "/v1/auth/token",
        data={"username": volunteer.login, "password": volunteer.password},
    ).json()["access_token"]
    signed = httpx.post(
        f"{service.url}/v1/shifts/{shift_id}/signups",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert signed.status_code == 201, signed.text
    organiser.goto(service.url + roster)
    assert organiser.locator("#checkin-qr-img").is_visible()
    link = str(organiser.locator("#checkin-qr").get_attribute("data-checkin-url"))
    assert link == organiser.locator("#checkin-link").get_attribute("href")
    check_page(organiser, "desk-roster-qr", screenshots)

    scanning = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        phone = scanning.new_page()
        phone.console_errors = []
        phone.on("console", lambda message: phone.console_errors.append(message.text))
        phone.goto(link)  # not logged in: the log-in page, then back here
        phone.fill("#f-login", volunteer.login)
        phone.fill("#f-password", volunteer.password)
        phone.get_by_role("button", name="登录").click()
        assert phone.locator("#checkin-submit").is_visible()
        check_page(phone, "checkin", screenshots)
        phone.click("#checkin-submit")
        assert "签到成功" in phone.locator("#checkin-message").inner_text()
        check_page(phone, "checkin-done", screenshots)
    finally:
        scanning.close()
    organiser.reload()
    assert organiser.locator("[data-state=checked_in]").count() == 1


def test_the_approval_queue_asks_for_a_reason_to_reject(organiser, service, screenshots):
    organiser.goto(service.url + "/desk/queue")
    check_page(organiser, "desk-queue", screenshots)
    first = organiser.locator("#queue-records > li").first
    record = first.get_attribute("data-record-id")
    first.locator("summary").first.click()
    organiser.click(f"#reject-{record}")
    assert organiser.locator(f"#reject-{record}-reason-error").is_visible()
    check_page(organiser, "desk-queue-errors", screenshots)


def test_the_supervision_ledger(organiser, service, screenshots):
    organiser.goto(service.url + "/desk/supervision")
    assert organiser.locator("section.supervision").count() > 0
    check_page(organiser, "desk-supervision", screenshots)


def test_a_volunteer_is_refused_the_desk_with_a_page(phone, service, screenshots):
    log_in(phone, service, "volunteer")
    phone.goto(service.url + "/desk")
    assert phone.locator("#desk-refused").is_visible()
    check_page(phone, "desk-refused", screenshots)
