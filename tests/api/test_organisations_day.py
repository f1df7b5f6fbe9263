"""The organiser's day (issue 15), the organisation's side, through HTTP on SQLite and
PostgreSQL: rankings of nothing, certificates from a request, the whole supervision queue."""

from datetime import timedelta
from uuid import UUID

import pytest

from domain.periods import periods_of
from domain.values import local_date
from tests.api import every_store

api = every_store.api  # this module's tests run on every store


def served(api, world, volunteer, minutes, recorder="organiser", approver="admin", days_ago=1):
    """Minutes at 和平里社区's activity, recorded by one person and approved by another."""
    start = api.clock.now - timedelta(days=days_ago)
    recorded = api.client.post(
        "/v1/service-records",
        headers=world.tokens[recorder],
        json={
            "volunteer_id": str(volunteer),
            "activity_id": str(world.activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
            "description": "文明劝导",
        },
    )
    assert recorded.status_code == 201, recorded.text
    approved = api.client.post(
        f"/v1/service-records/{recorded.json()['id']}/approve", headers=world.tokens[approver]
    )
    assert approved.status_code == 200, approved.text
    return approved.json()


def rankings(api, world, **params):
    response = api.client.get(
        f"/v1/organizations/{world.district}/rankings",
        params={"n": 1, **params},
        headers=world.tokens["admin"],
    )
    assert response.status_code == 200, response.text
    return [(c["name"], c["rank"], c["standing"]) for c in response.json()["children"]]


def test_streets_with_no_service_in_the_period_are_unranked(api, world):
    assert rankings(api, world) == [
        ("东四街道", None, "unranked"),
        ("和平里街道", None, "unranked"),
    ]


def test_streets_with_equal_service_share_the_red_list(api, world):
    served(api, world, world.volunteer, 120)
    served(api, world, world.spare_volunteer, 120)
    done = served(api, world, world.other_volunteer, 120, recorder="admin", approver="organiser")
    assert rankings(api, world, min_position=done["position"]) == [
        ("东四街道", 1, "red"),
        ("和平里街道", 1, "red"),
    ]


def certificate_requested(api, world, days=7):
    today = api.clock.now.date()
    requested = api.client.post(
        "/v1/certificate-requests",
        headers=world.tokens["volunteer"],
        json={
            "organization_id": str(world.community_a),
            "period_start": (today - timedelta(days=days)).isoformat(),
            "period_end": today.isoformat(),
        },
    )
    assert requested.status_code == 201, requested.text
    return requested.json()["id"]


SIGNED = {"person_in_charge": "李主任", "handler": "王干事", "contact": "010-64200000"}


def test_a_certificate_issued_for_a_request_covers_the_requested_period(api, world):
    served(api, world, world.volunteer, 120, days_ago=3)
    served(api, world, world.volunteer, 60, days_ago=10)  # before the requested week
    request = certificate_requested(api, world)
    issued = api.client.post(
        "/v1/certificates",
        headers=world.tokens["organiser"],
        json={"request_id": request, **SIGNED},
    )
    assert issued.status_code == 201, issued.text
    certificate = api.services.ledger.certificate(issued.json()["number"])
    assert certificate.record_minutes == [120]
    assert api.services.ledger.certificate_request(UUID(request)).outcome == "fulfilled"


def test_a_period_other_than_the_requested_one_is_refused(api, world):
    served(api, world, world.volunteer, 120, days_ago=3)
    request = certificate_requested(api, world)
    refused = api.client.post(
        "/v1/certificates",
        headers=world.tokens["organiser"],
        json={
            "request_id": request,
            "organization_id": str(world.community_a),
            "volunteer_id": str(world.volunteer),
            "period_start": api.clock.now.date().isoformat(),
            **SIGNED,
        },
    )
    assert refused.status_code == 422
    assert refused.json()["context"]["field"] == "period_start"
    assert api.services.ledger.certificate_request(UUID(request)).outcome is None


def test_the_supervision_queue_shows_every_pending_record_with_its_age(api, world):
    ledger, organiser = api.services.ledger, world.tokens["organiser"]
    start = api.clock.now - timedelta(hours=20)
    recorded = api.client.post(
        "/v1/service-records",
        headers=organiser,
        json={
            "volunteer_id": str(world.volunteer),
            "activity_id": str(world.activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=1)).isoformat(),
            "description": "文明劝导",
        },
    )
    assert recorded.status_code == 201, recorded.text
    api.clock.advance(days=1, hours=1)
    url = f"/v1/organizations/{world.street_a}/supervision"
    since = {"min_position": ledger.recorder.max_notification_id()}
    queue = api.client.get(url, params=since, headers=organiser).json()
    assert [(item["record_id"], item["days_pending"]) for item in queue["pending_approval"]] == [
        (recorded.json()["id"], 1)
    ]
    assert queue["pending_days"] is None
    narrowed = api.client.get(url, params={**since, "pending_days": 2}, headers=organiser).json()
    assert narrowed["pending_approval"] == []


def test_an_organiser_may_have_a_chinese_username_and_log_in_with_it(api, world):
    added = api.client.post(
        f"/v1/organizations/{world.community_a}/organisers",
        headers=world.tokens["organiser"],
        json={"username": "李明华", "password": "社区志愿服务2026春", "display_name": "李明华"},
    )
    assert added.status_code == 201, added.text
    login = {"username": "李明华", "password": "社区志愿服务2026春"}
    assert api.client.post("/v1/auth/token", data=login).status_code == 200


def test_a_second_child_with_the_same_name_is_a_conflict_naming_the_first(api, world):
    created = api.client.post(
        "/v1/organizations",
        headers=world.tokens["organiser"],
        json={"name": "和平里社区", "kind": "community", "parent_id": str(world.street_a)},
    )
    assert created.status_code == 409
    problem = created.json()
    assert problem["type"].endswith("/organisation-name-taken")
    assert problem["context"]["existing_id"] == str(world.community_a)


def test_an_organiser_of_the_parent_renames_and_closes_a_community(api, world):
    url = f"/v1/organizations/{world.community_a}"
    organiser = world.tokens["organiser"]
    renamed = api.client.post(
        f"{url}/rename", headers=organiser, json={"name": "和平里第一社区", "reason": "社区更名"}
    )
    assert renamed.status_code == 200, renamed.text
    closed = api.client.post(f"{url}/close", headers=organiser, json={"reason": "并入相邻社区"})
    assert closed.status_code == 200, closed.text
    shown = api.client.get(url, headers=organiser).json()
    assert (shown["name"], shown["closed"]) == ("和平里第一社区", True)
    activity = api.client.post(
        "/v1/activities",
        headers=organiser,
        json={
            "title": "周末清洁",
            "category": "环境保护",
            "organization_id": str(world.community_a),
            "location": "和平里北街",
            "description": "",
        },
    )
    assert activity.status_code == 409
    assert activity.json()["type"].endswith("/organisation-closed")


def test_renaming_or_closing_needs_an_organiser_above_it(api, world):
    url = f"/v1/organizations/{world.street_a}"
    for role, status in (("organiser", 403), ("other organiser", 403), ("admin", 200)):
        answer = api.client.post(
            f"{url}/rename",
            headers=world.tokens[role],
            json={"name": "和平里新街道", "reason": "更名"},
        )
        assert answer.status_code == status, (role, answer.text)


def organisers(api, world, organisation, role="organiser"):
    response = api.client.get(
        f"/v1/organizations/{organisation}/organisers",
        params={"min_position": api.services.ledger.recorder.max_notification_id()},
        headers=world.tokens[role],
    )
    assert response.status_code == 200, response.text
    return [o["username"] for o in response.json()["organisers"]]


def test_an_ended_appointment_leaves_the_list_and_the_role_at_once(api, world):
    assert organisers(api, world, world.street_a) == ["organiser.li", "organiser.zhou"]
    checker = api.services.ledger.account_for_login("organiser.zhou").id
    ended = api.client.post(
        f"/v1/organizations/{world.street_a}/organisers/{checker}/end",
        headers=world.tokens["organiser"],
        json={"reason": "调任其他街道"},
    )
    assert ended.status_code == 200, ended.text
    assert organisers(api, world, world.street_a) == ["organiser.li"]
    supervision = api.client.get(
        f"/v1/organizations/{world.street_a}/supervision", headers=world.tokens["checker"]
    )
    assert supervision.status_code in (401, 403)


def test_only_organisers_in_scope_list_an_organisations_organisers(api, world):
    for role, status in (("other organiser", 403), ("volunteer", 403), ("admin", 200)):
        response = api.client.get(
            f"/v1/organizations/{world.street_a}/organisers", headers=world.tokens[role]
        )
        assert response.status_code == status, role


@pytest.mark.parametrize(
    "path",
    [
        "/v1/organizations/{district}/rankings",
        "/v1/leaderboards",
        "/v1/organizations/{district}/supervision",
    ],
)
def test_period_current_is_todays_two_month_cycle(api, world, path):
    today = local_date(api.clock.now, "Asia/Shanghai")
    url = path.format(district=world.district)
    params = {"period": "current", "organization_id": str(world.district)}
    response = api.client.get(url, params=params, headers=world.tokens["admin"])
    assert response.status_code == 200, response.text
    assert response.json()["period"] == periods_of(today)["bimonth"]


def test_the_audit_trail_takes_a_local_day_or_a_local_time(api, world):
    url, admin = "/v1/audit", world.tokens["admin"]
    since = {"min_position": api.services.ledger.recorder.max_notification_id()}
    everything = api.client.get(url, params={**since, "limit": 200}, headers=admin).json()["items"]
    today = local_date(api.clock.now, "Asia/Shanghai")
    tomorrow = (today + timedelta(days=1)).isoformat()
    for params, expected in (
        ({"since": today.isoformat(), "until": today.isoformat()}, everything),
        ({"since": tomorrow}, []),
        ({"until": f"{today.isoformat()}T00:00"}, []),
    ):
        found = api.client.get(url, params={**since, "limit": 200, **params}, headers=admin)
        assert found.status_code == 200, found.text
        assert found.json()["items"] == expected, params


def test_kinds_and_categories_are_enumerations_in_the_openapi_document(api):
    document = api.client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    policy = api.services.ledger.policy
    assert schemas["CreateOrganization"]["properties"]["kind"]["enum"] == list(
        policy.organisation_kinds
    )
    assert schemas["CreateActivity"]["properties"]["category"]["enum"] == list(policy.categories)
    [category] = [
        p
        for p in document["paths"]["/v1/leaderboards"]["get"]["parameters"]
        if p["name"] == "category"
    ]
    [text] = [branch for branch in category["schema"]["anyOf"] if branch.get("type") == "string"]
    assert text["enum"] == list(policy.categories)


def test_statuses_in_answers_are_enumerations_in_the_openapi_document(api):
    schemas = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["StatusPublic"]["properties"]["status"]["enum"] == [
        "valid",
        "revoked",
        "superseded",
    ]
    assert schemas["RecordStatus"]["enum"] == ["pending", "approved", "rejected", "revoked"]
