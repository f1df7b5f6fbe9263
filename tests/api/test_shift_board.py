"""GET /v1/shifts: the shift board, public for what any resident may see."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.values import Actor
from tests.api import every_store
from tests.api.every_store import read

api = every_store.api  # this module's tests run on every store


def organiser(api):
    return api.services.ledger.account_for_login("organiser.li").as_actor()


def board(api, headers=None, **params):
    response = read(api, "/v1/shifts", headers, **params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(page) -> list[str]:
    return [item["id"] for item in page["items"]]


def second_shift(api, world, *, days=2, capacity=5, title="社区义诊"):
    ledger = api.services.ledger
    activity = ledger.create_activity(
        title=title,
        category="义诊",
        organisation_id=world.community_b,
        location="东四社区卫生站",
        actor=Actor.account("admin"),
    )
    start = api.clock.now + timedelta(days=days)
    return ledger.add_shift(
        activity,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        actor=Actor.account("admin"),
    )


def test_anyone_lists_an_upcoming_shift_with_its_places_and_names_of_nobody(api, world):
    api.services.ledger.sign_up(world.shift, world.volunteer, Actor.volunteer(world.volunteer))
    [shift] = board(api)["items"]
    assert shift["id"] == str(world.shift)
    assert shift["activity_title"] == "早高峰文明交通劝导"
    assert shift["organisation_name"] == "和平里社区"
    assert shift["place"] == "和平里北街路口"
    assert (shift["capacity"], shift["confirmed"], shift["places_left"]) == (5, 1, 4)
    assert shift["waitlist_length"] == 0
    assert shift["status"] == "scheduled"
    assert shift["my_place"] is None
    assert "王小明" not in str(shift)


def test_times_are_utc_and_local_to_the_organisation(api, world):
    [shift] = board(api)["items"]
    start = api.services.ledger.shift(world.shift).starts_at
    assert shift["starts_at"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert shift["starts_at_local"].endswith("+08:00")


def test_a_shift_whose_end_has_passed_is_completed_and_gone_from_the_public_board(api, world):
    api.clock.advance(days=1, hours=3)
    assert board(api)["items"] == []
    [shift] = board(api, world.tokens["organiser"])["items"]
    assert shift["status"] == "completed"


def test_a_shift_under_way_is_running(api, world):
    api.clock.advance(days=1, hours=1)
    [shift] = board(api)["items"]
    assert shift["status"] == "running"


def test_a_cancelled_shift_shows_as_cancelled_to_those_logged_in(api, world):
    api.services.ledger.cancel_shift(world.shift, "暴雨预警", organiser(api))
    assert board(api)["items"] == []
    [shift] = board(api, world.tokens["volunteer"])["items"]
    assert shift["status"] == "cancelled"


def test_open_leaves_out_what_one_can_no_longer_sign_up_for(api, world):
    cancelled = second_shift(api, world)
    api.services.ledger.cancel_shift(cancelled, "场地占用", Actor.account("admin"))
    token = world.tokens["volunteer"]
    assert ids(board(api, token, open="true")) == [str(world.shift)]
    assert ids(board(api, token, open="false")) == [str(cancelled)]


def test_a_full_shift_is_still_open_for_the_waitlist(api, world):
    ledger = api.services.ledger
    full = second_shift(api, world, capacity=1)
    ledger.sign_up(full, world.other_volunteer, Actor.volunteer(world.other_volunteer))
    page = board(api, open="true")
    assert ids(page) == [str(world.shift), str(full)]
    assert page["items"][1]["places_left"] == 0


def test_the_organisation_filter_takes_in_everything_below_it(api, world):
    other = second_shift(api, world)
    assert ids(board(api, organization_id=str(world.street_a))) == [str(world.shift)]
    assert ids(board(api, organization_id=str(world.district))) == [str(world.shift), str(other)]


def test_an_unknown_organisation_is_a_404(api, world):
    response = read(api, "/v1/shifts", organization_id="00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404


def test_the_category_filter(api, world):
    clinic = second_shift(api, world)
    assert ids(board(api, category="义诊")) == [str(clinic)]


def test_an_unknown_category_is_a_422_that_names_the_categories(api, world):
    response = read(api, "/v1/shifts", category="跳广场舞")
    assert response.status_code == 422
    assert "义诊" in response.json()["detail"]


def test_text_search_on_the_title_takes_wildcards_literally(api, world):
    clinic = second_shift(api, world, title="100%义诊")
    assert ids(board(api, q="义诊")) == [str(clinic)]
    assert ids(board(api, q="%")) == [str(clinic)]
    assert ids(board(api, q="_")) == []


def test_days_are_local_days_of_the_organisation(api, world):
    start = api.services.ledger.shift(world.shift).starts_at
    day = start.astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert ids(board(api, **{"from": day.isoformat(), "to": day.isoformat()})) == [str(world.shift)]
    assert board(api, to=(day - timedelta(days=1)).isoformat())["items"] == []
    assert board(api, **{"from": (day + timedelta(days=1)).isoformat()})["items"] == []


def test_a_day_range_that_ends_before_it_starts_is_a_422(api, world):
    response = read(api, "/v1/shifts", **{"from": "2026-12-02", "to": "2026-12-01"})
    assert response.status_code == 422


def test_a_volunteer_sees_their_own_place_and_waitlist_position(api, world):
    ledger = api.services.ledger
    full = second_shift(api, world, capacity=1)
    for volunteer in (world.other_volunteer, world.spare_volunteer, world.volunteer):
        ledger.sign_up(full, volunteer, Actor.volunteer(volunteer))
    ledger.sign_up(world.shift, world.volunteer, Actor.volunteer(world.volunteer))
    mine = {item["id"]: item["my_place"] for item in board(api, world.tokens["volunteer"])["items"]}
    assert mine[str(world.shift)] == {"status": "confirmed", "waitlist_position": None}
    assert mine[str(full)] == {"status": "waitlisted", "waitlist_position": 2}


def test_a_volunteer_with_no_place_sees_none(api, world):
    [shift] = board(api, world.tokens["other volunteer"])["items"]
    assert shift["my_place"] == {"status": "none", "waitlist_position": None}


def test_the_board_pages_in_start_order(api, world):
    later = second_shift(api, world, days=3)
    first = board(api, limit=1)
    second = board(api, limit=1, cursor=first["next_cursor"])
    assert (ids(first), ids(second)) == ([str(world.shift)], [str(later)])
    assert second["next_cursor"] is None


@pytest.mark.parametrize("name", ["category", "status"])
def test_the_openapi_document_gives_the_enums(api, name):
    schema = api.client.get("/openapi.json").json()
    shift = schema["components"]["schemas"]["BoardShiftPublic"]["properties"][name]
    choices = shift.get("enum") or next(b["enum"] for b in shift["anyOf"] if "enum" in b)
    assert {"义诊", "scheduled"} & set(choices)


def test_the_openapi_document_marks_the_board_as_needing_no_token(api):
    operation = api.client.get("/openapi.json").json()["paths"]["/v1/shifts"]["get"]
    assert {} in operation["security"]
    [category] = [p for p in operation["parameters"] if p["name"] == "category"]
    assert "义诊" in next(b["enum"] for b in category["schema"]["anyOf"] if "enum" in b)
