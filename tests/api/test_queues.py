"""Organisers' queues: records to approve, correction and certificate requests, in scope."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from domain.values import Actor
from tests import factories as f
from tests.api import every_store
from tests.api.every_store import read

api = every_store.api  # this module's tests run on every store


def staff(api, login):
    return api.services.ledger.account_for_login(login).as_actor()


def by_hand(api, world, days_ago=1):
    ledger = api.services.ledger
    return f.record_by_hand(
        ledger, world.volunteer, world.activity, staff(api, "organiser.li"), days_ago=days_ago
    )


def items(api, path, token, **params):
    response = read(api, path, token, **params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_the_approval_queue_lists_pending_records_oldest_first(api, world):
    older, newer = by_hand(api, world, days_ago=3), by_hand(api, world, days_ago=1)
    api.clock.advance(days=2, hours=1)  # ages count from the Recorded event's own time
    queue = items(api, "/v1/service-records", world.tokens["checker"], status="pending")
    assert [item["id"] for item in queue] == [str(older), str(newer)]
    first = queue[0]
    assert (first["volunteer_name"], first["activity_title"]) == ("王*明", "早高峰文明交通劝导")
    assert (first["minutes"], first["hours"], first["age_days"]) == (120, "2", 2)
    assert first["recorded_at_local"].endswith("+08:00")


def test_the_queue_says_the_recorder_needs_a_second_party(api, world):
    by_hand(api, world)
    [mine] = items(api, "/v1/service-records", world.tokens["organiser"])
    [theirs] = items(api, "/v1/service-records", world.tokens["checker"])
    assert mine["second_party"]["reason"] == "recorded_by_hand"
    assert mine["second_party"]["makers"] == [str(staff(api, "organiser.li"))]
    assert (mine["second_party"]["you_may_approve"], theirs["second_party"]["you_may_approve"]) == (
        False,
        True,
    )


def test_once_the_volunteer_confirms_the_recorder_may_approve(api, world):
    record = by_hand(api, world)
    api.services.ledger.confirm_record(record, Actor.volunteer(world.volunteer))
    [item] = items(api, "/v1/service-records", world.tokens["organiser"])
    assert item["second_party"] == {
        "reason": "confirmed_by_volunteer",
        "makers": [],
        "you_may_approve": True,
    }


def test_an_approved_record_leaves_the_queue(api, world):
    record = by_hand(api, world)
    api.services.ledger.approve_record(record, staff(api, "organiser.zhou"))
    assert items(api, "/v1/service-records", world.tokens["checker"]) == []
    [approved] = items(api, "/v1/service-records", world.tokens["checker"], status="approved")
    assert approved["status"] == "approved"


def test_an_organiser_sees_only_their_subtree(api, world):
    by_hand(api, world)
    assert items(api, "/v1/service-records", world.tokens["other organiser"]) == []
    outside = read(
        api,
        "/v1/service-records",
        world.tokens["other organiser"],
        organization_id=str(world.street_a),
    )
    assert outside.status_code == 403


@pytest.mark.parametrize(
    "path", ["/v1/service-records", "/v1/correction-requests", "/v1/certificate-requests"]
)
def test_a_volunteer_has_no_queue_and_nobody_without_a_token(api, world, path):
    assert read(api, path, world.tokens["volunteer"]).status_code == 403
    assert read(api, path).status_code == 401


def test_an_unknown_organisation_is_a_404(api, world):
    unknown = "00000000-0000-4000-8000-000000000000"
    response = read(api, "/v1/service-records", world.tokens["admin"], organization_id=unknown)
    assert response.status_code == 404


def test_an_open_correction_request_is_listed_for_the_organisers_in_scope(api, world):
    record = by_hand(api, world)
    ledger = api.services.ledger
    ledger.request_correction(record, 150, "签退时漏记半小时", Actor.volunteer(world.volunteer))
    [request] = items(api, "/v1/correction-requests", world.tokens["checker"])
    assert request["record_id"] == str(record)
    assert (request["minutes"], request["requested_minutes"], request["requested_hours"]) == (
        120,
        150,
        "2.5",
    )
    assert (request["reason"], request["volunteer_name"]) == ("签退时漏记半小时", "王*明")
    assert items(api, "/v1/correction-requests", world.tokens["other organiser"]) == []


def test_a_resolved_correction_request_is_no_longer_open(api, world):
    record = by_hand(api, world)
    ledger = api.services.ledger
    ledger.request_correction(record, 150, "签退时漏记半小时", Actor.volunteer(world.volunteer))
    ledger.decline_correction_request(record, "与签到表不符", staff(api, "organiser.zhou"))
    assert items(api, "/v1/correction-requests", world.tokens["checker"]) == []


def request_certificate(api, world):
    today = api.clock.now.date()
    return api.services.ledger.request_certificate(
        volunteer_id=world.volunteer,
        issuer_id=world.community_a,
        period_start=today - timedelta(days=30),
        period_end=today,
        actor=Actor.volunteer(world.volunteer),
    )


def test_an_open_certificate_request_is_listed_with_its_period(api, world):
    request = request_certificate(api, world)
    [listed] = items(api, "/v1/certificate-requests", world.tokens["organiser"], status="open")
    today = api.clock.now.date()
    assert listed["id"] == str(request)
    assert (listed["period_start"], listed["period_end"]) == (
        (today - timedelta(days=30)).isoformat(),
        today.isoformat(),
    )
    assert (listed["organisation_name"], listed["volunteer_name"]) == ("和平里社区", "王*明")
    assert items(api, "/v1/certificate-requests", world.tokens["other organiser"]) == []


def test_a_declined_certificate_request_shows_under_declined_with_its_reason(api, world):
    request = request_certificate(api, world)
    api.services.ledger.decline_certificate_request(
        request, "时段内无已审核记录", staff(api, "organiser.li")
    )
    organiser = world.tokens["organiser"]
    assert items(api, "/v1/certificate-requests", organiser) == []
    [declined] = items(api, "/v1/certificate-requests", organiser, status="declined")
    assert declined["reason"] == "时段内无已审核记录"


def test_the_statuses_are_enums_in_the_openapi_document(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    for path, expected in (
        ("/v1/service-records", "pending"),
        ("/v1/certificate-requests", "open"),
        ("/v1/correction-requests", "open"),
    ):
        [status] = [p for p in paths[path]["get"]["parameters"] if p["name"] == "status"]
        schema = status["schema"]
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = api.client.get("/openapi.json").json()["components"]["schemas"][name]
        assert expected in schema["enum"]


@pytest.mark.parametrize("path", ["/v1/service-records", "/v1/certificate-requests"])
def test_a_cursor_this_service_did_not_give_out_is_a_422(api, world, path):
    forged = base64.urlsafe_b64encode(json.dumps(["first", "x"]).encode()).decode()
    response = read(api, path, world.tokens["organiser"], cursor=forged)
    assert response.status_code == 422
