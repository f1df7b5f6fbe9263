"""Who may call which route: role × route × expected status, cross-organisation included.

organiser: organises 和平里街道 (street A), which holds the activity and the volunteer.
other organiser: organises 东四街道 (street B) only.
"""

from datetime import timedelta

import pytest

ROWS = [
    # Organisations.
    ("anonymous", "POST", "/v1/organizations", "new_street_in_a", 401),
    ("admin", "POST", "/v1/organizations", "new_street_in_a", 201),
    ("organiser", "POST", "/v1/organizations", "new_street_in_a", 201),
    ("other organiser", "POST", "/v1/organizations", "new_street_in_a", 403),
    ("volunteer", "POST", "/v1/organizations", "new_street_in_a", 403),
    ("organiser", "POST", "/v1/organizations", "new_root", 403),
    ("anonymous", "GET", "/v1/organizations/{community_a}", None, 401),
    ("other volunteer", "GET", "/v1/organizations/{community_a}", None, 200),
    ("organiser", "POST", "/v1/organizations/{community_a}/organisers", "organiser_account", 201),
    (
        "other organiser",
        "POST",
        "/v1/organizations/{community_a}/organisers",
        "organiser_account",
        403,
    ),
    ("volunteer", "POST", "/v1/organizations/{community_a}/organisers", "organiser_account", 403),
    # Volunteers.
    ("anonymous", "GET", "/v1/volunteers/{volunteer}", None, 401),
    ("volunteer", "GET", "/v1/volunteers/{volunteer}", None, 200),
    ("organiser", "GET", "/v1/volunteers/{volunteer}", None, 200),
    ("admin", "GET", "/v1/volunteers/{volunteer}", None, 200),
    ("other organiser", "GET", "/v1/volunteers/{volunteer}", None, 404),
    ("other volunteer", "GET", "/v1/volunteers/{volunteer}", None, 404),
    ("volunteer", "GET", "/v1/volunteers/{volunteer}/service-records", None, 200),
    ("organiser", "GET", "/v1/volunteers/{volunteer}/service-records", None, 200),
    ("other organiser", "GET", "/v1/volunteers/{volunteer}/service-records", None, 404),
    ("other volunteer", "GET", "/v1/volunteers/{volunteer}/service-records", None, 404),
    # Activities and shifts.
    ("organiser", "POST", "/v1/activities", "activity_in_a", 201),
    ("admin", "POST", "/v1/activities", "activity_in_a", 201),
    ("other organiser", "POST", "/v1/activities", "activity_in_a", 403),
    ("volunteer", "POST", "/v1/activities", "activity_in_a", 403),
    ("organiser", "POST", "/v1/activities/{activity}/shifts", "shift", 201),
    ("other organiser", "POST", "/v1/activities/{activity}/shifts", "shift", 403),
    ("volunteer", "POST", "/v1/activities/{activity}/shifts", "shift", 403),
    ("other volunteer", "GET", "/v1/activities/{activity}/shifts", None, 200),
    ("anonymous", "GET", "/v1/activities/{activity}/shifts", None, 401),
    ("other volunteer", "GET", "/v1/shifts/{shift}", None, 200),
    # Sign-ups.
    ("volunteer", "POST", "/v1/shifts/{shift}/signups", "sign_up_volunteer", 201),
    ("organiser", "POST", "/v1/shifts/{shift}/signups", "sign_up_volunteer", 201),
    ("other organiser", "POST", "/v1/shifts/{shift}/signups", "sign_up_volunteer", 403),
    ("other volunteer", "POST", "/v1/shifts/{shift}/signups", "sign_up_volunteer", 403),
    ("anonymous", "POST", "/v1/shifts/{shift}/signups", "sign_up_volunteer", 401),
    ("organiser", "GET", "/v1/shifts/{shift}/roster", None, 200),
    ("admin", "GET", "/v1/shifts/{shift}/roster", None, 200),
    ("other organiser", "GET", "/v1/shifts/{shift}/roster", None, 403),
    ("volunteer", "GET", "/v1/shifts/{shift}/roster", None, 403),
    ("other organiser", "POST", "/v1/shifts/{shift}/capacity", "capacity", 403),
    ("organiser", "POST", "/v1/shifts/{shift}/capacity", "capacity", 200),
    ("volunteer", "POST", "/v1/shifts/{shift}/cancel", "reason", 403),
    # Hours.
    ("organiser", "POST", "/v1/service-records", "manual_record", 201),
    ("other organiser", "POST", "/v1/service-records", "manual_record", 403),
    ("volunteer", "POST", "/v1/service-records", "manual_record", 403),
]


def bodies(world, api):
    earlier = api.clock.now - timedelta(days=2)
    return {
        "new_street_in_a": {
            "name": "新街道",
            "kind": "community",
            "parent_id": str(world.street_a),
        },
        "new_root": {"name": "西城区", "kind": "district"},
        "organiser_account": {
            "username": "helper.zhao",
            "password": "long enough password",
            "display_name": "赵助理",
        },
        "activity_in_a": {
            "title": "社区义诊",
            "category": "义诊",
            "organization_id": str(world.community_a),
            "location": "卫生服务站",
        },
        "shift": {
            "starts_at": (api.clock.now + timedelta(days=3)).isoformat(),
            "ends_at": (api.clock.now + timedelta(days=3, hours=2)).isoformat(),
            "capacity": 4,
        },
        "sign_up_volunteer": {"volunteer_id": str(world.volunteer)},
        "capacity": {"capacity": 8},
        "reason": {"reason": "暴雨预警"},
        "manual_record": {
            "volunteer_id": str(world.volunteer),
            "activity_id": str(world.activity),
            "started_at": earlier.isoformat(),
            "ended_at": (earlier + timedelta(hours=2)).isoformat(),
            "description": "入户走访独居老人",
        },
    }


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "expected"),
    ROWS,
    ids=[f"{r[0]}-{r[1]}-{r[2]}-{r[4]}" for r in ROWS],
)
def test_route_authorisation(api, world, role, method, path, body, expected):
    url = path.format(**vars(world))
    payload = bodies(world, api)[body] if body else None
    response = api.client.request(method, url, json=payload, headers=world.tokens[role])
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"] == "application/problem+json"
