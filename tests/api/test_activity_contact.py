"""An activity's contact: given when it is created, answered by the activity look-ups."""

from __future__ import annotations

import pytest

from tests.api import every_store
from tests.api.every_store import read

api = every_store.api  # this module's tests run on every store


def create(api, world, **extra):
    return api.client.post(
        "/v1/activities",
        headers=world.tokens["organiser"],
        json={
            "title": "社区义诊",
            "category": "义诊",
            "organization_id": str(world.community_a),
            "location": "和平里社区卫生站",
            **extra,
        },
    )


def test_an_activity_created_with_a_contact_shows_it(api, world):
    created = create(api, world, contact=" 李老师 010-6401 2345 ")
    assert created.status_code == 201, created.text
    found = read(api, f"/v1/activities/{created.json()['id']}")
    assert found.status_code == 200, found.text
    assert found.json()["contact"] == "李老师 010-6401 2345"
    listed = read(api, "/v1/activities", q="义诊").json()["items"]
    assert [item["contact"] for item in listed] == ["李老师 010-6401 2345"]


def test_an_activity_without_a_contact_shows_null(api, world):
    found = read(api, f"/v1/activities/{world.activity}")
    assert found.status_code == 200, found.text
    assert found.json()["contact"] is None


@pytest.mark.parametrize("contact", ["   ", "李" * 101, 12345])
def test_a_blank_too_long_or_non_text_contact_is_refused(api, world, contact):
    refused = create(api, world, contact=contact)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_the_openapi_says_what_a_contact_may_be(api):
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]
    [given, _null] = schemas["CreateActivity"]["properties"]["contact"]["anyOf"]
    assert (given["maxLength"], given["minLength"]) == (100, 1)
    assert "pattern" in given
