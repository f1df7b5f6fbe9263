"""The recognition page in a real browser at phone width: the board, its filters, a list."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx2 as httpx

from tests.browser.checks import check_page


def test_the_recognition_page_shows_the_board_and_the_month_chart(phone, service, screenshots):
    phone.goto(service.url + "/recognition")
    assert phone.locator("h1").inner_text() == "表彰榜"
    assert phone.locator(".leaderboard li").count() > 0
    assert phone.locator("svg.chart rect.bar").count() == 12
    check_page(phone, "recognition", screenshots)


def test_the_filters_work_as_a_plain_form(phone, service, screenshots):
    phone.goto(service.url + "/recognition")
    phone.select_option("#f-period", "all")
    phone.select_option("#f-category", index=1)
    phone.get_by_role("button", name="查看").click()
    assert "period=all" in phone.url
    assert phone.locator("#f-period").input_value() == "all"
    assert phone.locator("#board-title").inner_text().count("全部") == 1
    check_page(phone, "recognition-filtered", screenshots)


def _publish_this_years_list(service, organisation: str) -> None:
    organiser = service.logins["organiser"]
    with httpx.Client(base_url=service.url) as client:
        token = client.post(
            "/v1/auth/token",
            data={"username": organiser.login, "password": organiser.password},
        ).json()["access_token"]
        published = client.post(
            "/v1/recognition-lists",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "organization_id": organisation,
                "period": str(datetime.now(UTC).year),
                "title": "年度“好人榜”",
            },
        )
        assert published.status_code in (201, 409), published.text  # 409: published already
        if published.status_code == 201:  # the page lists it once the read models have it
            position = published.json()["position"]
            client.get("/v1/recognition-lists", params={"min_position": position})


def test_a_published_list_shows_its_status_window_and_places(phone, service, screenshots):
    phone.goto(service.url + "/recognition")
    _publish_this_years_list(service, phone.locator("#f-organization_id").input_value())
    phone.reload()
    card = phone.locator(".lists .card").first
    assert "公示中" in card.inner_text()
    card.get_by_role("link").click()
    assert phone.locator("h1").inner_text() == "年度“好人榜”"
    assert "异议受理截至" in phone.locator(".window").inner_text()
    assert phone.locator(".list-entries tbody tr").count() > 0
    check_page(phone, "recognition-list", screenshots)
