"""The whole story in a real browser, on a clock the test moves: a volunteer registers, logs
in and signs up for a shift; at the shift the organiser's desk shows a QR code that the
volunteer's phone checks in by; the organiser checks them out at the desk and a second
organiser approves; the volunteer asks for a certificate, the desk issues it, the volunteer
downloads it; the public check says 有效; a correction of the record makes it say
已被更正版本取代; a changed copy uploaded says 被篡改."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.security import hash_password
from tests.browser.checks import check_page
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.live import live_service
from tests.conftest import Clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "quiet lantern over the river 42"
VOLUNTEER_PASSWORD = "paper boats on a spring pond 7"
VOLUNTEER_PHONE = "13712340001"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The service on a clock standing one day before a shift of 和平里社区, with two
    organisers there (the second approves what the first records).

    The shift ends an hour before the real time, so that whatever the ledger dates (a
    certificate, the status list that says it is not revoked) is in the past when checked:
    verifiers check dates against the real clock."""
    start = (datetime.now(SHANGHAI) - timedelta(hours=3)).replace(second=0, microsecond=0)
    clock = Clock(start - timedelta(days=1))
    with live_service(tmp_path_factory.mktemp("story") / "data", clock) as service:
        ledger = service.services.ledger
        district = ledger.create_organisation(name="东城区", kind="district")
        community = ledger.create_organisation(
            name="和平里社区", kind="community", parent_id=district
        )
        secret = hash_password(PASSWORD)
        for username in ("organiser.li", "organiser.zhou"):
            ledger.create_staff_account(
                username=username,
                display_name=username,
                password_hash=secret,
                organisation_id=community,
            )
        activity = ledger.create_activity(
            title="早高峰文明交通劝导",
            category="文明劝导",
            organisation_id=community,
            location="和平里北街路口",
            actor=ledger.account_for_login("organiser.li").as_actor(),
        )
        shift = ledger.add_shift(
            activity,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=5,
            actor=ledger.account_for_login("organiser.li").as_actor(),
        )
        service.story = {"community": str(community), "shift": str(shift), "start": start}
        yield service


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text))
    return context, page


def _log_in(page, url: str, login: str, password: str) -> None:
    page.goto(url + "/login")
    page.fill("#f-login", login)
    page.fill("#f-password", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_from_registration_to_a_checked_certificate(live, browser, screenshots, tmp_path):
    url, story = live.url, live.story
    shift = story["shift"]
    phone_context, phone = _context(browser, PHONE)
    desk_context, desk = _context(browser, DESKTOP)
    zhou_context, zhou = _context(browser, DESKTOP)
    public_context, public = _context(browser, PHONE)
    try:
        # A volunteer registers, logs in and signs up for the shift.
        phone.goto(url + "/register")
        phone.fill("#f-name", "陈小红")
        phone.fill("#f-phone", VOLUNTEER_PHONE)
        phone.fill("#f-password", VOLUNTEER_PASSWORD)
        phone.fill("#f-birth_date", "1995-06-01")
        phone.select_option("#f-organization_id", story["community"])
        phone.check("#f-consent")
        phone.get_by_role("button", name="注册").click()
        assert "欢迎加入" in phone.locator("h1").inner_text()
        _log_in(phone, url, VOLUNTEER_PHONE, VOLUNTEER_PASSWORD)
        assert phone.url.endswith("/me")
        phone.locator(f"#signup-{shift}").get_by_role("button").click()
        phone.wait_for_url(re.compile(r"/me\?notice=signed-up"))
        assert phone.locator(f"#upcoming-{shift}").is_visible()

        # At the shift: the desk shows a QR code; the volunteer's phone checks in by it.
        live.clock.set(story["start"] - timedelta(minutes=5))
        _log_in(desk, url, "organiser.li", PASSWORD)
        desk.goto(f"{url}/desk/shifts/{shift}")
        link = str(desk.locator("#checkin-qr").get_attribute("data-checkin-url"))
        assert link.startswith(f"{url}/checkin/")
        check_page(desk, "story-roster-qr", screenshots)
        phone.goto(link)
        phone.click("#checkin-submit")
        assert "签到成功" in phone.locator("#checkin-message").inner_text()

        # Two hours later the organiser checks the volunteer out at the desk.
        live.clock.set(story["start"] + timedelta(hours=2))
        desk.goto(f"{url}/desk/shifts/{shift}")
        checked_in = desk.locator("[data-state=checked_in]")
        volunteer = checked_in.get_attribute("data-volunteer-id")
        desk.click(f"#check-out-{volunteer}")
        assert desk.locator("#roster-done").is_visible()

        # A second organiser approves the record.
        _log_in(zhou, url, "organiser.zhou", PASSWORD)
        zhou.goto(url + "/desk/queue")
        record = zhou.locator("#queue-records > li").first.get_attribute("data-record-id")
        zhou.click(f"#approve-{record}")
        assert zhou.locator("#queue-done").is_visible()

        # The volunteer asks for a certificate; the desk issues it; the volunteer downloads it.
        day = story["start"].date()
        phone.goto(url + "/me")
        phone.select_option("#f-certificate-organization_id", story["community"])
        phone.fill("#f-certificate-period_start", (day - timedelta(days=1)).isoformat())
        phone.fill("#f-certificate-period_end", day.isoformat())
        phone.locator("#certificate-request").get_by_role("button").click()
        phone.wait_for_url(re.compile(r"/me\?notice=certificate-requested"))
        desk.goto(url + "/desk/certificates")
        asked = desk.locator("li[id^=request-]")
        request_id = str(asked.first.get_attribute("id")).removeprefix("request-")
        desk.fill(f"#f-{request_id}-person_in_charge", "李主任")
        desk.fill(f"#f-{request_id}-handler", "王干事")
        desk.fill(f"#f-{request_id}-contact", "010-64200000")
        desk.locator(f"#request-{request_id} button[name=issue]").click()
        number = re.search(r"number=(VC\d{13})", desk.url)[1]
        check_page(desk, "story-certificate-issued", screenshots)
        phone.goto(url + "/me")
        assert phone.locator(f"#certificate-{number}").is_visible()
        card = phone.locator(f"#certificate-{number}")
        pdf = phone.request.get(url + str(card.locator("a[href$='.pdf']").get_attribute("href")))
        assert pdf.body().startswith(b"%PDF")
        download = card.locator("a[href$='.json']").get_attribute("href")
        credential = phone.request.get(url + str(download)).json()
        assert credential["credentialSubject"]["certificate"]["number"] == number

        # Anyone checks it: valid.
        public.goto(f"{url}/verify/{number}")
        assert public.locator("#verdict").inner_text().strip() == "有效"
        check_page(public, "story-verify-valid", screenshots)

        # A changed copy uploaded: tampered.
        changed = json.loads(json.dumps(credential))
        changed["credentialSubject"]["certificate"]["totalMinutes"] += 600
        changed_path = tmp_path / "changed.json"
        changed_path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
        public.goto(url + "/verify")
        public.set_input_files("#f-file", str(changed_path))
        public.get_by_role("button", name="核验文件").click()
        assert public.locator("#verdict").inner_text().strip() == "被篡改"

        # The volunteer asks for a correction; the organiser accepts it: superseded.
        phone.goto(url + "/me")
        correction = phone.locator(f"#record-{record} details.correction")
        correction.locator("summary").click()
        phone.fill(f"#f-correction-{record}-minutes", "110")
        phone.fill(f"#f-correction-{record}-reason", "签退时忘了算上收尾整理的时间")
        correction.get_by_role("button").click()
        phone.wait_for_url(re.compile(r"/me\?notice="))
        zhou.goto(url + "/desk/queue")
        zhou.fill(f"#resolve-{record}-reason", "核实属实")
        zhou.click(f"#accept-{record}")
        assert zhou.locator("#queue-done").is_visible()
        public.goto(f"{url}/verify/{number}")
        assert public.locator("#verdict").inner_text().strip() == "已被更正版本取代"
        check_page(public, "story-verify-superseded", screenshots)
    finally:
        for context in (phone_context, desk_context, zhou_context, public_context):
            context.close()
