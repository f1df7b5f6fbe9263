"""The pages' sessions: cookies, CSRF, security headers, language, and where log-in leads."""

from __future__ import annotations

import pytest

from tests.api.pages.browsing import csrf_of, log_in, post_form


def _set_cookies(answer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each Set-Cookie header of an answer, by cookie name, as sent."""
    headers = answer.headers.get_list("set-cookie")
    return {header.split("=", 1)[0]: header for header in headers}


def test_logging_in_sets_an_httponly_samesite_lax_session_cookie(api, world):
    answer = log_in(api.client, "organiser.li")
    cookie = _set_cookies(answer)["vl_session"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie


def test_an_organiser_lands_at_the_desk_and_a_volunteer_at_me(api, world):
    assert log_in(api.client, "organiser.li").headers["location"] == "/desk"
    api.client.cookies.clear()
    assert log_in(api.client, "13911110001").headers["location"] == "/me"


def test_log_in_goes_back_to_the_page_that_asked_for_it(api, world):
    token = csrf_of(api.client.get("/login?next=/recognition").text)
    answer = api.client.post(
        "/login",
        data={"csrf_token": token, "login": "13911110001", "password": "correct horse battery"}
        | {"next": "/recognition?period=2026"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/recognition?period=2026"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_log_in_never_sends_the_reader_to_another_site(api, world, target):
    answer = post_form(
        api.client,
        "/login",
        "/login",
        login="13911110001",
        password="correct horse battery",
        next=target,
    )
    assert answer.headers["location"] == "/me"


def test_a_wrong_password_is_answered_on_the_page_without_a_session(api, world):
    answer = post_form(api.client, "/login", "/login", login="13911110001", password="wrong one")
    assert answer.status_code == 401
    assert 'role="alert"' in answer.text
    assert "vl_session" not in _set_cookies(answer)


def test_a_post_without_the_csrf_token_is_refused(api, world):
    api.client.get("/login")
    answer = api.client.post(
        "/login", data={"login": "13911110001", "password": "correct horse battery"}
    )
    assert answer.status_code == 403
    assert "vl_session" not in _set_cookies(answer)


def test_a_csrf_token_of_another_reader_is_refused(api, world):
    from fastapi.testclient import TestClient

    with TestClient(api.client.app) as other:
        stolen = csrf_of(other.get("/login").text)
    api.client.get("/login")
    answer = api.client.post(
        "/login",
        data={"csrf_token": stolen, "login": "13911110001", "password": "correct horse battery"},
    )
    assert answer.status_code == 403


def test_logging_out_ends_the_session_and_every_token_of_the_account(api, world):
    log_in(api.client, "13911110001")
    answer = post_form(api.client, "/", "/logout")
    assert answer.status_code == 303
    assert 'vl_session=""' in _set_cookies(answer)["vl_session"]
    still = api.client.get("/v1/me", headers=world.tokens["volunteer"])
    assert still.status_code == 401


def test_a_session_of_a_disabled_account_ends_on_its_next_page(api, world):
    log_in(api.client, "organiser.li")
    ledger = api.services.ledger
    admin = ledger.account_for_login("admin.zhang").as_actor()
    ledger.disable_account(ledger.account_for_login("organiser.li").id, "left the post", admin)
    answer = api.client.get("/account", follow_redirects=False)
    assert answer.headers["location"].startswith("/login?next=")
    assert 'vl_session=""' in _set_cookies(answer)["vl_session"]


def test_every_page_forbids_inline_script_and_framing(api, world):
    policy = api.client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_are_in_chinese_unless_english_is_picked(api, world):
    assert '<html lang="zh-Hans">' in api.client.get("/login").text
    english = api.client.get("/login?lang=en")
    assert '<html lang="en">' in english.text
    assert '<html lang="en">' in api.client.get("/register").text  # remembered


def test_a_page_for_signed_in_readers_sends_others_to_log_in(api, world):
    answer = api.client.get("/account", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Faccount"
