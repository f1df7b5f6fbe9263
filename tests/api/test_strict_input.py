"""Values are taken only in their own JSON types and formats, and a missing token comes first."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute

from api.app import ROUTERS  # imports every route module, and so every request model
from api.deps import TokenFirstRoute, needs_token
from api.schemas import Command

FIELDS_CARRIED_AS_TEXT = {"uuid", "date", "datetime", "time"}


def command_models() -> list[type[Command]]:
    found, todo = [], list(Command.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo += model.__subclasses__()
    return sorted(found, key=lambda model: model.__qualname__)


def strict_text_nodes(schema: Any, strict: bool = False) -> list[str]:
    """Schema nodes of values JSON carries as text that strict mode would refuse as text."""
    found = []
    if isinstance(schema, dict):
        strict = schema.get("config", {}).get("strict", strict)
        if schema.get("type") in FIELDS_CARRIED_AS_TEXT and schema.get("strict", strict):
            found.append(schema["type"])
        for value in schema.values():
            found += strict_text_nodes(value, strict)
    elif isinstance(schema, list):
        for value in schema:
            found += strict_text_nodes(value, strict)
    return found


@pytest.mark.parametrize("model", command_models(), ids=lambda model: model.__qualname__)
def test_request_models_take_ids_dates_and_times_as_json_text(model):
    """Use api.schemas' Uuid, Day, LocalTime and Instant in a Command, not the bare types."""
    assert strict_text_nodes(model.__pydantic_core_schema__) == []


@pytest.mark.parametrize("capacity", ["5", True, 5.5], ids=["text", "boolean", "fraction"])
def test_a_capacity_is_only_a_json_integer(api, world, capacity):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/capacity",
        json={"capacity": capacity},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body.capacity"]


def test_a_whole_number_written_with_a_point_is_that_number(api, world):
    """JSON has one number type: 7.0 is the integer 7 (as JSON Schema's "integer" says)."""
    response = api.client.post(
        f"/v1/shifts/{world.shift}/capacity",
        json={"capacity": 7.0},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 200
    shift = api.client.get(f"/v1/shifts/{world.shift}", headers=world.tokens["organiser"]).json()
    assert shift["capacity"] == 7


@pytest.mark.parametrize(
    "reason", [" ", "\u3000", "\x1c\t"], ids=["space", "ideographic", "control"]
)
def test_a_reason_of_white_space_alone_is_refused(api, world, reason):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/cancel",
        json={"reason": reason},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body.reason"]


def test_a_consent_is_only_a_json_boolean(api, world):
    response = api.client.post(
        f"/v1/volunteers/{world.volunteer}/listing",
        json={"public": "false"},
        headers=world.tokens["volunteer"],
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body.public"]


@pytest.mark.parametrize("moment", [1700000000, "1700000000", 0.5], ids=["number", "text", "tiny"])
def test_an_instant_in_a_body_is_only_iso_8601_text(api, world, moment):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/reschedule",
        json={"starts_at": moment, "ends_at": "2030-01-01T11:00:00+08:00", "reason": "改期"},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body.starts_at"]


@pytest.mark.parametrize("until", ["0.5", "1700000000", "2026-03-02T08"])
def test_a_moment_in_a_query_is_only_iso_8601(api, world, until):
    response = api.client.get("/v1/audit", params={"until": until}, headers=world.tokens["admin"])
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["query.until"]


def test_an_instant_in_a_query_with_an_offset_is_taken(api, world):
    until = "2030-01-01T08:00:00+08:00"
    response = api.client.get("/v1/audit", params={"until": until}, headers=world.tokens["admin"])
    assert response.status_code == 200


def test_ids_and_dates_sent_as_json_text_are_taken(api, world):
    response = api.client.post(
        "/v1/certificate-requests",
        json={
            "organization_id": str(world.community_a),
            "period_start": "2026-01-01",
            "period_end": "2026-03-01",
        },
        headers=world.tokens["volunteer"],
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "body", [b"{not json", b'{"capacity": "5"}'], ids=["malformed json", "invalid field"]
)
def test_a_request_without_a_token_is_refused_before_its_body_is_read(api, world, body):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/capacity",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 401
    assert response.json()["type"] == "/problems/unauthenticated"


def test_a_public_route_still_reports_a_broken_body(api, world):
    response = api.client.post(
        "/v1/volunteers", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_every_route_that_needs_a_token_and_takes_a_body_checks_the_token_first():
    """Routers with such routes need ``route_class=TokenFirstRoute``."""
    late = [
        f"{sorted(route.methods)[0]} {route.path}"
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and route.body_field is not None
        and needs_token(route.dependant)
        and not isinstance(route, TokenFirstRoute)
    ]
    assert late == []
