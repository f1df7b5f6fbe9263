"""Public lists show a volunteer number as names are shown: masked, its last four digits only
(the whole number is a login)."""

from __future__ import annotations

import pytest

from api.routes.recognition_lists import entry_named
from domain.errors import InvalidInputError
from tests.api import every_store
from tests.api.every_store import read
from tests.api.test_recognition_routes import approve_hours

api = every_store.api  # this module's tests run on every store


def masked(number: str) -> str:
    return "*****" + number[-4:]


@pytest.fixture
def number(api, world):
    approve_hours(api, world, world.volunteer, 120)
    return api.services.ledger.volunteer(world.volunteer).volunteer_number


def test_the_public_leaderboard_shows_the_last_four_digits(api, world, number):
    board = read(api, "/v1/leaderboards", organization_id=str(world.district)).json()
    assert [e["volunteer_number"] for e in board["entries"]] == [masked(number)]


def test_organisers_of_the_scope_see_the_whole_number(api, world, number):
    board = read(
        api,
        "/v1/leaderboards",
        headers=world.tokens["organiser"],
        organization_id=str(world.street_a),
    ).json()
    assert [e["volunteer_number"] for e in board["entries"]] == [number]


def publish(api, world) -> str:
    published = api.client.post(
        "/v1/recognition-lists",
        headers=world.tokens["organiser"],
        json={"organization_id": str(world.street_a), "period": "all", "title": "好人榜"},
    )
    assert published.status_code == 201, published.text
    return published.json()["id"]


def test_a_published_list_shows_the_last_four_digits(api, world, number):
    list_id = publish(api, world)
    shown = api.client.get(f"/v1/recognition-lists/{list_id}")
    assert [e["volunteer_number"] for e in shown.json()["entries"]] == [masked(number)]
    assert number not in shown.text


@pytest.mark.parametrize("spelling", ["as shown", "in full"])
def test_an_objection_names_the_entry_by_its_number_as_shown_or_in_full(
    api, world, number, spelling
):
    list_id = publish(api, world)
    objection = api.client.post(
        f"/v1/recognition-lists/{list_id}/objections",
        headers=world.tokens["other volunteer"],
        json={
            "volunteer_number": masked(number) if spelling == "as shown" else number,
            "reason": "时长存疑",
        },
    )
    assert objection.status_code == 201, objection.text


def test_an_objection_to_a_number_not_on_the_list_is_invalid_input(api, world, number):
    list_id = publish(api, world)
    objection = api.client.post(
        f"/v1/recognition-lists/{list_id}/objections",
        headers=world.tokens["other volunteer"],
        json={"volunteer_number": "*****0000", "reason": "时长存疑"},
    )
    assert objection.status_code == 422
    assert objection.json()["context"]["field"] == "volunteer_number"


ENTRIES = [
    {"rank": 1, "volunteer_id": "a", "volunteer_number": "111116782"},
    {"rank": 2, "volunteer_id": "b", "volunteer_number": "222226782"},
]


def test_when_two_entries_show_one_number_the_rank_tells_them_apart():
    assert entry_named(ENTRIES, "*****6782", 2)["volunteer_id"] == "b"


def test_when_two_entries_show_one_number_and_no_rank_is_given_it_is_invalid_input():
    with pytest.raises(InvalidInputError) as refused:
        entry_named(ENTRIES, "*****6782", None)
    assert refused.value.context["field"] == "rank"
