"""GET /v1/activities, /v1/activities/{id} and /v1/organizations: public look-ups."""

from __future__ import annotations

from datetime import timedelta

from domain.values import Actor
from tests.api import every_store
from tests.api.every_store import read

api = every_store.api  # this module's tests run on every store
ADMIN = Actor.account("admin")


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def clinic(api, world, *, title="社区义诊", shifts=(2,)):
    ledger = api.services.ledger
    activity = ledger.create_activity(
        title=title,
        category="义诊",
        organisation_id=world.community_b,
        location="东四社区卫生站",
        description="测血压、量血糖",
        actor=ADMIN,
    )
    for days in shifts:
        start = api.clock.now + timedelta(days=days)
        ledger.add_shift(
            activity, starts_at=start, ends_at=start + timedelta(hours=3), capacity=4, actor=ADMIN
        )
    return activity


def test_anyone_reads_an_activity_with_its_coming_shifts(api, world):
    activity = clinic(api, world, shifts=(2, 5))
    found = ok(read(api, f"/v1/activities/{activity}"))
    assert (found["title"], found["description"], found["category"]) == (
        "社区义诊",
        "测血压、量血糖",
        "义诊",
    )
    assert (found["organisation_name"], found["place"]) == ("东四社区", "东四社区卫生站")
    summary = found["shifts"]
    assert (summary["upcoming"], summary["places_left"]) == (2, 8)
    assert summary["next_starts_at_local"].endswith("+08:00")


def test_a_started_or_cancelled_shift_is_not_coming(api, world):
    activity = clinic(api, world, shifts=(2, 5))
    ledger = api.services.ledger
    _first, second = ledger.activity(activity).shift_ids
    ledger.cancel_shift(second, "场地占用", ADMIN)
    api.clock.advance(days=2, minutes=1)
    summary = ok(read(api, f"/v1/activities/{activity}"))["shifts"]
    assert summary == {
        "upcoming": 0,
        "next_starts_at": None,
        "next_starts_at_local": None,
        "places_left": 0,
    }


def test_an_unknown_activity_is_a_404(api, world):
    response = read(api, "/v1/activities/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404


def test_the_list_filters_by_subtree_category_and_title(api, world):
    activity = clinic(api, world)
    by_street = ok(read(api, "/v1/activities", organization_id=str(world.street_b)))
    assert [item["id"] for item in by_street["items"]] == [str(activity)]
    by_category = ok(read(api, "/v1/activities", category="文明劝导"))
    assert [item["id"] for item in by_category["items"]] == [str(world.activity)]
    by_title = ok(read(api, "/v1/activities", q="义诊"))
    assert [item["id"] for item in by_title["items"]] == [str(activity)]


def test_open_lists_activities_one_can_still_sign_up_for(api, world):
    without_shifts = clinic(api, world, shifts=())
    opened = ok(read(api, "/v1/activities", open="true"))
    assert [item["id"] for item in opened["items"]] == [str(world.activity)]
    closed = ok(read(api, "/v1/activities", open="false"))
    assert [item["id"] for item in closed["items"]] == [str(without_shifts)]


def test_the_list_pages_by_title(api, world):
    clinic(api, world, title="爱心义诊")
    first = ok(read(api, "/v1/activities", limit=1))
    second = ok(read(api, "/v1/activities", limit=1, cursor=first["next_cursor"]))
    titles = [first["items"][0]["title"], second["items"][0]["title"]]
    assert titles == sorted(["爱心义诊", "早高峰文明交通劝导"])
    assert second["next_cursor"] is None


def test_anyone_reads_the_organisation_tree(api, world):
    [district] = ok(read(api, "/v1/organizations"))["organisations"]
    assert (district["name"], district["kind"]) == ("东城区", "district")
    streets = {street["name"]: street for street in district["children"]}
    assert set(streets) == {"和平里街道", "东四街道"}
    assert [c["name"] for c in streets["和平里街道"]["children"]] == ["和平里社区"]


def test_a_subtree_of_the_tree(api, world):
    [street] = ok(read(api, "/v1/organizations", root=str(world.street_b)))["organisations"]
    assert street["name"] == "东四街道"
    assert [c["kind"] for c in street["children"]] == ["community"]


def test_an_unknown_root_is_a_404(api, world):
    response = read(api, "/v1/organizations", root="00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404


def test_the_tree_gives_kinds_as_an_enum(api):
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert "community" in schema["OrganisationNode"]["properties"]["kind"]["enum"]
