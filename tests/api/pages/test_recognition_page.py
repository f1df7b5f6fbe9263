"""The recognition page: the API's leaderboard, lists and figures, as HTML for people."""

import re
from datetime import date, timedelta

from domain.policy import mask_volunteer_number
from domain.values import Actor
from tests.api.conftest import PASSWORD, password_hash
from tests.api.test_recognition_routes import approve_hours

NAME_WITH_HTML = "<b>x</b>"


def page(api, **params) -> str:
    api.services.runner.wait_for(api.services.ledger.recorder.max_notification_id(), timeout=5)
    response = api.client.get("/recognition", params=params)
    assert response.status_code == 200, response.text
    return response.text


def caught_up(api, done) -> None:
    api.services.runner.wait_for(done["position"], timeout=5)


def log_in(api, login: str) -> None:
    form = api.client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    answer = api.client.post(
        "/login",
        data={"login": login, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def number_of(api, volunteer) -> str:
    return api.services.ledger.volunteer(volunteer).volunteer_number


def register(api, organisation, phone, name, birth_date=date(1990, 5, 4), **guardian):
    return api.services.ledger.register_volunteer(
        name=name,
        phone=phone,
        birth_date=birth_date,
        home_organisation_id=organisation,
        privacy_consent=True,
        password_hash=password_hash(),
        **guardian,
    )


def test_the_public_sees_masked_names_and_the_last_four_digits(api, world):
    caught_up(api, approve_hours(api, world, world.volunteer, 120))
    html = page(api, organization_id=str(world.district), period="all")
    number = number_of(api, world.volunteer)
    assert "王*明" in html
    assert mask_volunteer_number(number) in html
    assert "王小明" not in html
    assert number not in html


def test_an_opted_out_volunteer_and_a_minor_without_consent_are_not_listed(api, world):
    minor = register(
        api,
        world.community_a,
        "13911110009",
        "刘小雨",
        birth_date=api.clock.now.date() - timedelta(days=15 * 365),
        guardian_name="刘建国",
        guardian_consent=True,
    )
    api.services.ledger.change_listing(
        world.spare_volunteer,
        public=False,
        guardian_consent=False,
        actor=Actor.volunteer(world.spare_volunteer),
    )
    for volunteer in (world.volunteer, world.spare_volunteer, minor):
        done = approve_hours(api, world, volunteer, 60)
    caught_up(api, done)
    html = page(api, organization_id=str(world.district), period="all")
    assert "王*明" in html
    assert "赵*" not in html
    assert "刘*雨" not in html


def test_an_organiser_of_the_scope_sees_what_the_api_shows_them(api, world):
    api.services.ledger.change_listing(
        world.spare_volunteer,
        public=False,
        guardian_consent=False,
        actor=Actor.volunteer(world.spare_volunteer),
    )
    caught_up(api, approve_hours(api, world, world.spare_volunteer, 60))
    log_in(api, "organiser.li")
    html = page(api, organization_id=str(world.street_a), period="all")
    assert "赵刚" in html
    assert number_of(api, world.spare_volunteer) in html


def test_the_filters_pick_the_period_and_the_category(api, world):
    caught_up(api, approve_hours(api, world, world.volunteer, 120))
    scope = str(world.district)
    assert "王*明" in page(api, organization_id=scope, period="all", category="文明劝导")
    assert "王*明" not in page(api, organization_id=scope, period="all", category="义诊")
    assert "王*明" not in page(api, organization_id=scope, period="2020")
    html = page(api, organization_id=scope, period="2020", category="义诊")
    assert '<option value="2020" selected>' in html
    assert '<option value="义诊" selected>' in html


def test_an_unknown_period_is_told_on_a_page(api, world):
    page(api)
    response = api.client.get("/recognition", params={"period": "2026-B9"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")


def publish(api, world, title="和平里社区“好人榜”") -> str:
    today = api.clock.now.date()
    created = api.client.post(
        "/v1/recognition-lists",
        headers=world.tokens["organiser"],
        json={"organization_id": str(world.street_a), "period": str(today.year), "title": title},
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_a_list_under_public_notice_shows_its_objection_window(api, world):
    caught_up(api, approve_hours(api, world, world.volunteer, 120))
    list_id = publish(api, world)
    shown = api.client.get(f"/v1/recognition-lists/{list_id}").json()
    ends = shown["publicity_ends_at_local"]
    html = page(api, organization_id=str(world.street_a))
    assert f'href="/recognition/lists/{list_id}"' in html
    assert "公示中" in html
    assert f"自 {shown['published_at_local'][:16].replace('T', ' ')} 起公示" in html
    assert ends[:10] in html
    listed = api.client.get(f"/recognition/lists/{list_id}").text
    assert "王*明" in listed
    assert "王小明" not in listed
    assert ends[:10] in listed


def test_a_finalised_list_shows_as_published(api, world):
    caught_up(api, approve_hours(api, world, world.volunteer, 120))
    list_id = publish(api, world)
    api.clock.advance(days=api.services.settings.publicity_days + 1)
    final = api.client.post(
        f"/v1/recognition-lists/{list_id}/finalise", headers=world.tokens["organiser"]
    )
    assert final.status_code == 200, final.text
    html = api.client.get(f"/recognition/lists/{list_id}").text
    assert "已发布" in html
    assert "公示中" not in html


def test_the_chart_shows_the_figures_of_the_apis_hours_report(api, world):
    approve_hours(api, world, world.volunteer, 95, days_ago=1)
    approve_hours(api, world, world.spare_volunteer, 30, days_ago=2)
    caught_up(api, approve_hours(api, world, world.volunteer, 45, days_ago=8))
    year = api.clock.now.year
    html = page(api, organization_id=str(world.district), period=str(year))
    shown = dict(
        re.findall(r'<th scope="row">(\d{4}-\d\d)</th><td class="hours">([\d.]+)</td>', html)
    )
    reported = {}
    for month in range(1, 13):
        report = api.client.get(
            "/v1/reports/hours",
            headers=world.tokens["admin"],
            params={"organization_id": str(world.district), "period": f"{year}-{month:02d}"},
        ).json()
        reported[f"{year}-{month:02d}"] = report["totals"]["hours"]
    assert shown == reported
    assert set(shown.values()) != {"0"}  # the service of the last days is there


def test_names_and_titles_with_html_come_out_escaped(api, world):
    hacker = register(api, world.community_a, "13911110008", NAME_WITH_HTML)
    caught_up(api, approve_hours(api, world, hacker, 60))
    list_id = publish(api, world, title='"><img src=x onerror=alert(1)>')
    public = page(api, organization_id=str(world.street_a), period="all")
    assert "&lt;******&gt;" in public
    assert "<******>" not in public
    assert "<img src=x" not in public
    assert "&#34;&gt;&lt;img src=x" in public
    log_in(api, "organiser.li")
    full = page(api, organization_id=str(world.street_a), period="all")
    assert "&lt;b&gt;x&lt;/b&gt;" in full
    assert NAME_WITH_HTML not in full
    listed = api.client.get(f"/recognition/lists/{list_id}").text
    assert "<img src=x" not in listed
    assert "&lt;******&gt;" in listed


def test_an_organiser_of_another_street_sees_the_public_view(api, world):
    caught_up(api, approve_hours(api, world, world.volunteer, 60))
    log_in(api, "organiser.wang")
    html = page(api, organization_id=str(world.street_a), period="all")
    assert "王*明" in html
    assert "王小明" not in html


def test_the_page_is_in_english_when_asked(api, world):
    caught_up(api, approve_hours(api, world, world.volunteer, 60))
    html = page(api, organization_id=str(world.district), period="all", lang="en")
    assert "Approved hours by month" in html
    assert '<span class="hours">1 h</span>' in html


def test_an_english_page_names_the_periods_in_english(api, world):
    caught_up(api, approve_hours(api, world, world.volunteer, 60))
    year = api.clock.now.year
    html = page(api, organization_id=str(world.district), period=f"{year}-B6", lang="en")
    assert "Leaderboard: " in html
    assert f"Nov–Dec {year}</h2>" in html
    assert f'<option value="{year}">{year}</option>' in html
    assert "年" not in html


def test_a_chinese_page_names_the_periods_as_the_api_does(api, world):
    year = api.clock.now.year
    html = page(api, organization_id=str(world.district), period=f"{year}-B6")
    label = api.client.get(
        "/v1/leaderboards", params={"organization_id": str(world.district), "period": f"{year}-B6"}
    ).json()["period_detail"]["label"]
    assert f"{label}</h2>" in html
