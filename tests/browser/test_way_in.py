"""The front page, registration, logging in and out, in a real browser at phone width."""

from __future__ import annotations

from tests.browser.checks import check_page


def test_the_front_page_shows_open_shifts_the_board_and_a_certificate_box(
    phone, service, screenshots
):
    phone.goto(service.url + "/")
    assert phone.locator("h1").inner_text() == "志愿服务记录平台"
    assert phone.locator(".cards .card").count() > 0
    assert phone.locator(".board li").count() > 0
    check_page(phone, "home", screenshots)


def test_registration_shows_each_error_beside_its_field(phone, service, screenshots):
    phone.goto(service.url + "/register")
    check_page(phone, "register", screenshots)
    phone.fill("#f-name", "陈小红")
    phone.fill("#f-phone", "139")
    phone.get_by_role("button", name="注册").click()
    assert phone.locator("#e-phone").inner_text() == "内容太短。"
    assert phone.locator("#e-consent").count() == 0 or phone.locator("#e-consent").is_visible()
    assert phone.locator("#f-name").input_value() == "陈小红"
    check_page(phone, "register-errors", screenshots)


def test_a_new_volunteer_registers_logs_in_and_logs_out(phone, service, screenshots):
    phone.goto(service.url + "/register")
    phone.fill("#f-name", "陈小红")
    phone.fill("#f-phone", "13712345678")
    phone.fill("#f-password", "paper lantern over quiet river 42")
    phone.fill("#f-birth_date", "1995-06-01")
    phone.select_option("#f-organization_id", index=2)
    phone.check("#f-consent")
    phone.get_by_role("button", name="注册").click()
    assert "欢迎加入" in phone.locator("h1").inner_text()
    check_page(phone, "registered", screenshots)
    phone.get_by_role("link", name="登录").last.click()
    check_page(phone, "login", screenshots)
    phone.fill("#f-login", "13712345678")
    phone.fill("#f-password", "paper lantern over quiet river 42")
    phone.get_by_role("button", name="登录").click()
    assert phone.url.endswith("/me")
    phone.goto(service.url + "/")
    phone.get_by_role("button", name="退出登录").click()
    assert "您已退出登录" in phone.locator(".notice").inner_text()


def test_a_wrong_password_is_told_on_the_login_page(phone, service):
    phone.goto(service.url + "/login")
    phone.fill("#f-login", service.logins["volunteer"].login)
    phone.fill("#f-password", "not the password at all")
    phone.get_by_role("button", name="登录").click()
    assert phone.locator("[role=alert]").is_visible()
    assert phone.url.endswith("/login")


def test_logging_in_works_from_the_keyboard_alone(phone, service):
    """Tab reaches each labelled field in order, and Enter sends the form."""
    phone.goto(service.url + "/login")
    focused = ""
    for _ in range(20):  # the skip link, the menu, then the form
        phone.keyboard.press("Tab")
        focused = phone.evaluate("() => document.activeElement.id")
        if focused == "f-login":
            break
    assert focused == "f-login"
    phone.keyboard.type(service.logins["volunteer"].login)
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => document.activeElement.id") == "f-password"
    phone.keyboard.type(service.logins["volunteer"].password)
    phone.keyboard.press("Enter")
    phone.wait_for_url(service.url + "/me")
