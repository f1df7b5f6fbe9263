"""Summaries, leaderboards, rankings and published lists through HTTP."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import Api
from tests.conftest import Clock


def approve_hours(api, world, volunteer, minutes, days_ago=1):
    organiser = world.tokens["organiser"]
    start = api.clock.now - timedelta(days=days_ago)
    record = api.client.post(
        "/v1/service-records",
        headers=organiser,
        json={
            "volunteer_id": str(volunteer),
            "activity_id": str(world.activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
            "description": "文明劝导",
        },
    ).json()["id"]
    checker = world.tokens["checker"]  # a second organiser approves what the first recorded
    return api.client.post(f"/v1/service-records/{record}/approve", headers=checker).json()


def test_the_summary_shows_approved_hours_and_stars(api, world):
    done = approve_hours(api, world, world.volunteer, 120)
    summary = api.client.get(
        f"/v1/volunteers/{world.volunteer}/summary",
        params={"min_position": done["position"]},
        headers=world.tokens["volunteer"],
    ).json()
    assert (summary["approved_minutes"], summary["stars"]) == (120, 0)
    assert summary["minutes_to_next_star"] == 100 * 60 - 120


def test_the_public_leaderboard_masks_names(api, world):
    done = approve_hours(api, world, world.volunteer, 120)
    board = api.client.get(
        "/v1/leaderboards",
        params={
            "organization_id": str(world.district),
            "min_position": done["position"],
        },
    ).json()
    assert [(e["name"], e["volunteer_id"]) for e in board["entries"]] == [("王*明", None)]


def test_organisers_of_the_scope_see_full_names(api, world):
    done = approve_hours(api, world, world.volunteer, 120)
    board = api.client.get(
        "/v1/leaderboards",
        headers=world.tokens["organiser"],
        params={
            "organization_id": str(world.street_a),
            "min_position": done["position"],
        },
    ).json()
    assert board["full_names"] is True
    assert board["entries"][0]["name"] == "王小明"


def test_an_unknown_period_is_invalid_input(api, world):
    response = api.client.get(
        "/v1/leaderboards",
        params={
            "organization_id": str(world.district),
            "period": "2026-B9",
        },
    )
    assert response.status_code == 422


def test_rankings_flag_the_red_list_and_leave_a_street_with_no_service_unranked(api, world):
    done = approve_hours(api, world, world.volunteer, 120)
    rankings = api.client.get(
        f"/v1/organizations/{world.district}/rankings",
        params={"n": 1, "min_position": done["position"]},
        headers=world.tokens["admin"],
    ).json()
    assert [(c["name"], c["list"]) for c in rankings["children"]] == [
        ("和平里街道", "red"),
        ("东四街道", None),
    ]


def test_a_published_list_takes_objections_and_withdraws_upheld_entries(api, world):
    approve_hours(api, world, world.volunteer, 120)
    organiser = world.tokens["organiser"]
    published = api.client.post(
        "/v1/recognition-lists",
        headers=organiser,
        json={
            "organization_id": str(world.street_a),
            "period": "all",
            "title": "第一期好人榜",
        },
    )
    list_id = published.json()["id"]
    number = api.services.ledger.volunteer(world.volunteer).volunteer_number
    objection = api.client.post(
        f"/v1/recognition-lists/{list_id}/objections",
        headers=world.tokens["other volunteer"],
        json={"volunteer_number": number, "reason": "时长存疑"},
    ).json()
    api.client.post(
        f"/v1/recognition-lists/{list_id}/objections/{objection['id']}/resolve",
        headers=organiser,
        json={"upheld": True, "resolution": "核查属实"},
    )
    api.clock.advance(days=8)
    final = api.client.post(f"/v1/recognition-lists/{list_id}/finalise", headers=organiser)
    shown = api.client.get(f"/v1/recognition-lists/{list_id}").json()
    assert (published.status_code, final.status_code) == (201, 200)
    assert shown["final"] is True
    assert [(e["name"], e["withdrawn"]) for e in shown["entries"]] == [("王*明", True)]


def test_publishing_the_same_period_twice_is_a_conflict(api, world):
    approve_hours(api, world, world.volunteer, 120)
    body = {"organization_id": str(world.street_a), "period": "all", "title": "好人榜"}
    api.client.post("/v1/recognition-lists", headers=world.tokens["organiser"], json=body)
    again = api.client.post("/v1/recognition-lists", headers=world.tokens["organiser"], json=body)
    assert again.status_code == 409


@pytest.fixture
def following_api(tmp_path):
    """The app as it runs embedded: projections followed by a background thread."""
    from datetime import UTC, datetime

    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    settings = Settings(data_dir=tmp_path / "data", store=f"sqlite:///{tmp_path}/data/ledger.db")
    with TestClient(create_app(settings, clock=clock)) as client:
        yield Api(client, client.app.state.services, clock)


def test_a_summary_read_with_the_sign_ups_position_sees_the_sign_up(following_api):
    api = following_api
    ledger = api.services.ledger
    community = ledger.create_organisation(name="和平里社区", kind="community")
    api.staff("organiser.li", organisation=community)
    account_of = ledger.account_for_login("organiser.li").as_actor()
    activity = ledger.create_activity(
        title="义诊",
        category="义诊",
        organisation_id=community,
        location="卫生站",
        actor=account_of,
    )
    start = api.clock.now + timedelta(days=1)
    shift = ledger.add_shift(
        activity, starts_at=start, ends_at=start + timedelta(hours=2), capacity=3, actor=account_of
    )
    volunteer, me = api.volunteer(community, "13911110009")
    signed = api.client.post(
        f"/v1/shifts/{shift}/signups", json={"volunteer_id": str(volunteer)}, headers=me
    ).json()
    summary = api.client.get(
        f"/v1/volunteers/{volunteer}/summary",
        params={"min_position": signed["position"]},
        headers=me,
    ).json()
    assert summary["upcoming_shifts"] == 1
    assert summary["position"] >= signed["position"]


def publish_list(api, world, organisation, period, category=None):
    body = {"organization_id": str(organisation), "period": period, "title": f"{period}好人榜"}
    if category is not None:
        body["category"] = category
    created = api.client.post("/v1/recognition-lists", headers=world.tokens["organiser"], json=body)
    assert created.status_code == 201, created.text
    return created.json()


def lists(api, **params):
    answer = api.client.get("/v1/recognition-lists", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_published_lists_are_listed_newest_first_with_their_notice(api, world):
    approve_hours(api, world, world.volunteer, 120)
    year = api.clock.now.year
    first = publish_list(api, world, world.street_a, str(year))
    second = publish_list(api, world, world.street_a, "all")
    page = lists(api, organization_id=str(world.street_a), min_position=second["position"])
    assert [item["id"] for item in page["items"]] == [second["id"], first["id"]]
    [listed] = [item for item in page["items"] if item["id"] == first["id"]]
    shown = api.client.get(f"/v1/recognition-lists/{first['id']}").json()
    assert listed["places"] == len(shown["entries"]) == 1
    assert listed["published_at"] == shown["published_at"]
    assert listed["publicity_ends_at"] == shown["publicity_ends_at"]
    assert (listed["final"], listed["open_objections"]) == (False, 0)
    assert listed["period_detail"]["id"] == str(year)


def test_the_list_filters_by_year_period_category_and_organisation(api, world):
    approve_hours(api, world, world.volunteer, 120)
    year = api.clock.now.year
    whole_year = publish_list(api, world, world.street_a, str(year))
    civic = publish_list(api, world, world.street_a, str(year), category="文明劝导")
    all_time = publish_list(api, world, world.street_a, "all")
    community = publish_list(api, world, world.community_a, str(year))
    at = {"min_position": community["position"]}

    def ids(**params):
        return {item["id"] for item in lists(api, **at, **params)["items"]}

    assert ids(organization_id=str(world.street_a), year=year) == {whole_year["id"], civic["id"]}
    assert ids(period="all") == {all_time["id"]}
    assert ids(category="文明劝导") == {civic["id"]}
    assert ids(organization_id=str(world.community_a)) == {community["id"]}


def test_objections_and_finalising_show_in_the_list(api, world):
    approve_hours(api, world, world.volunteer, 120)
    published = publish_list(api, world, world.street_a, "all")
    number = api.services.ledger.volunteer(world.volunteer).volunteer_number
    objection = api.client.post(
        f"/v1/recognition-lists/{published['id']}/objections",
        headers=world.tokens["other volunteer"],
        json={"volunteer_number": number, "reason": "时长存疑"},
    ).json()
    [listed] = lists(api, min_position=objection["position"])["items"]
    assert listed["open_objections"] == 1
    api.client.post(
        f"/v1/recognition-lists/{published['id']}/objections/{objection['id']}/resolve",
        headers=world.tokens["organiser"],
        json={"upheld": False, "resolution": "核查无误"},
    )
    api.clock.advance(days=8)
    final = api.client.post(
        f"/v1/recognition-lists/{published['id']}/finalise", headers=world.tokens["organiser"]
    ).json()
    [listed] = lists(api, min_position=final["position"])["items"]
    assert (listed["open_objections"], listed["final"]) == (0, True)
    assert lists(api, final="false", min_position=final["position"])["items"] == []


def test_the_list_pages_with_a_cursor(api, world):
    approve_hours(api, world, world.volunteer, 120)
    served = api.clock.now - timedelta(days=1)
    periods = (str(served.year), f"{served.year}-{served.month:02d}", "all")
    made = [publish_list(api, world, world.street_a, period) for period in periods]
    at = made[-1]["position"]
    first = lists(api, limit=2, min_position=at)
    rest = lists(api, limit=2, cursor=first["next_cursor"], min_position=at)
    assert [i["id"] for i in first["items"] + rest["items"]] == [m["id"] for m in reversed(made)]
    assert rest["next_cursor"] is None


def test_current_without_an_organisation_is_invalid_input(api, world):
    answer = api.client.get("/v1/recognition-lists", params={"period": "current"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_lists_of_an_unknown_organisation_are_not_found(api, world):
    answer = api.client.get(
        "/v1/recognition-lists", params={"organization_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    )
    assert answer.status_code == 404
