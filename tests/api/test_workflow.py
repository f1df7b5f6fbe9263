"""The volunteer workflow end to end through HTTP: register, sign up, serve, get hours."""

from datetime import timedelta
from uuid import uuid4

from tests.api.conftest import PASSWORD


def test_a_volunteer_registers_and_gets_a_volunteer_number(api, world):
    response = api.client.post(
        "/v1/volunteers",
        json={
            "name": "陈丽华",
            "phone": "13922223333",
            "password": PASSWORD,
            "birth_date": "1988-08-08",
            "organization_id": str(world.community_a),
            "consent": True,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert len(body["volunteer_number"]) == 9
    assert body["position"] > 0


def test_registration_with_a_phone_in_use_is_a_conflict(api, world):
    response = api.client.post(
        "/v1/volunteers",
        json={
            "name": "冒名",
            "phone": "13911110001",
            "password": PASSWORD,
            "birth_date": "1988-08-08",
            "organization_id": str(world.community_a),
            "consent": True,
        },
    )
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/phone-in-use"


def test_unknown_fields_are_refused(api, world):
    response = api.client.post(
        "/v1/volunteers",
        json={
            "name": "陈丽华",
            "phone": "13922223333",
            "password": PASSWORD,
            "id_card": "110101…",
            "birth_date": "1988-08-08",
            "organization_id": str(world.community_a),
            "consent": True,
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.id_card"]


def test_a_time_without_an_offset_is_refused(api, world):
    response = api.client.post(
        f"/v1/activities/{world.activity}/shifts",
        json={"starts_at": "2030-01-01T09:00:00", "ends_at": "2030-01-01T11:00:00", "capacity": 3},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 422


def test_volunteers_log_in_with_phone_or_volunteer_number(api, world):
    number = api.services.ledger.volunteer(world.volunteer).volunteer_number
    for login in ("13911110001", number):
        response = api.client.post("/v1/auth/token", data={"username": login, "password": PASSWORD})
        assert response.status_code == 200
        assert response.json()["token_type"] == "bearer"


def test_a_wrong_password_is_refused_and_repeated_failures_are_throttled(api, world):
    statuses = [
        api.client.post(
            "/v1/auth/token", data={"username": "organiser.li", "password": "wrong"}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]


def test_the_token_carries_no_personal_data(api, world):
    import base64
    import json

    token = api.client.post(
        "/v1/auth/token", data={"username": "13911110001", "password": PASSWORD}
    ).json()["access_token"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==="))
    assert set(claims) == {"sub", "iat", "exp", "jti", "epoch"}
    assert "13911110001" not in json.dumps(claims)


def test_a_volunteer_serves_a_shift_and_sees_the_approved_hours(api, world):
    me, organiser = world.tokens["volunteer"], world.tokens["organiser"]
    signed = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": str(world.volunteer)},
        headers=me,
    )
    assert signed.json()["status"] == "confirmed"
    shift = api.services.ledger.shift(world.shift)
    api.clock.set(shift.starts_at)
    assert (
        api.client.post(
            f"/v1/shifts/{world.shift}/check-in",
            json={"volunteer_id": str(world.volunteer)},
            headers=me,
        ).status_code
        == 200
    )
    api.clock.set(shift.starts_at + timedelta(minutes=100))
    out = api.client.post(
        f"/v1/shifts/{world.shift}/check-out",
        json={"volunteer_id": str(world.volunteer)},
        headers=me,
    ).json()
    record = out["service_record_id"]
    approved = api.client.post(f"/v1/service-records/{record}/approve", headers=organiser)
    corrected = api.client.post(
        f"/v1/service-records/{record}/corrections",
        json={"minutes": 90, "reason": "提前十分钟离开"},
        headers=organiser,
    )
    assert (approved.status_code, corrected.status_code) == (200, 200)
    page = api.client.get(
        f"/v1/volunteers/{world.volunteer}/service-records",
        params={"min_position": corrected.json()["position"]},
        headers=me,
    ).json()
    [item] = page["items"]
    assert (item["status"], item["minutes"]) == ("approved", 90)
    assert [(h["event"], h["minutes"]) for h in item["history"]] == [
        ("Recorded", 100),
        ("Approved", None),
        ("Corrected", 90),
    ]


def test_a_full_shift_waitlists_and_a_cancellation_promotes(api, world):
    organiser = world.tokens["organiser"]
    api.client.post(f"/v1/shifts/{world.shift}/capacity", json={"capacity": 1}, headers=organiser)
    first = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": str(world.volunteer)},
        headers=organiser,
    )
    second = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": str(world.spare_volunteer)},
        headers=organiser,
    )
    assert second.json()["status"] == "waitlisted"
    assert second.json()["waitlist_position"] == 1
    cancelled = api.client.delete(
        f"/v1/shifts/{world.shift}/signups/{world.volunteer}", headers=world.tokens["volunteer"]
    )
    roster = api.client.get(
        f"/v1/shifts/{world.shift}/roster",
        params={"min_position": cancelled.json()["position"]},
        headers=organiser,
    ).json()
    assert first.json()["status"] == "confirmed"
    assert [e["volunteer_id"] for e in roster["confirmed"]] == [str(world.spare_volunteer)]
    assert roster["waitlisted"] == []


def test_a_volunteer_signing_up_themselves_is_confirmed_without_a_waitlist_place(api, world):
    answer = api.client.post(
        f"/v1/shifts/{world.shift}/signups", json={}, headers=world.tokens["volunteer"]
    )
    assert (answer.status_code, answer.json()["status"], answer.json()["waitlist_position"]) == (
        201,
        "confirmed",
        None,
    )


def test_a_volunteer_signing_up_for_an_unknown_shift_is_told_it_does_not_exist(api, world):
    answer = api.client.post(
        f"/v1/shifts/{uuid4()}/signups", json={}, headers=world.tokens["volunteer"]
    )
    assert (answer.status_code, answer.headers["content-type"]) == (
        404,
        "application/problem+json",
    )


def test_signing_up_twice_is_a_conflict_problem(api, world):
    me = world.tokens["volunteer"]
    body = {"volunteer_id": str(world.volunteer)}
    api.client.post(f"/v1/shifts/{world.shift}/signups", json=body, headers=me)
    again = api.client.post(f"/v1/shifts/{world.shift}/signups", json=body, headers=me)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/sign-up-refused"


def test_a_recurrence_creates_shifts_listed_page_by_page(api, world):
    today = api.clock.now.date()
    created = api.client.post(
        f"/v1/activities/{world.activity}/shifts",
        json={
            "recurrence": {
                "weekdays": [0, 1, 2, 3, 4, 5, 6],
                "first_day": (today + timedelta(days=2)).isoformat(),
                "last_day": (today + timedelta(days=6)).isoformat(),
                "start_time": "09:00",
                "end_time": "10:00",
            },
            "capacity": 3,
        },
        headers=world.tokens["organiser"],
    ).json()
    assert len(created["ids"]) == 5
    seen, cursor = [], None
    while True:
        page = api.client.get(
            f"/v1/activities/{world.activity}/shifts",
            params={
                "limit": 2,
                "min_position": created["position"],
                **({"cursor": cursor} if cursor else {}),
            },
            headers=world.tokens["volunteer"],
        ).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6  # the world's shift and the five new ones


def test_a_retried_post_with_the_same_idempotency_key_stores_nothing_new(api, world):
    body = {
        "name": "陈丽华",
        "phone": "13922223333",
        "password": PASSWORD,
        "birth_date": "1988-08-08",
        "organization_id": str(world.community_a),
        "consent": True,
    }
    key = {"Idempotency-Key": "register-陈丽华-1".encode().hex()}
    first = api.client.post("/v1/volunteers", json=body, headers=key)
    head = api.services.ledger.recorder.max_notification_id()
    again = api.client.post("/v1/volunteers", json=body, headers=key)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert api.services.ledger.recorder.max_notification_id() == head


def test_an_oversized_body_is_refused(api, world):
    response = api.client.post(
        "/v1/service-records",
        content=b"{" + b" " * 300_000 + b"}",
        headers={**world.tokens["organiser"], "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_organisers_see_a_volunteers_phone_masked(api, world):
    profile = api.client.get(
        f"/v1/volunteers/{world.volunteer}", headers=world.tokens["organiser"]
    ).json()
    own = api.client.get(
        f"/v1/volunteers/{world.volunteer}", headers=world.tokens["volunteer"]
    ).json()
    assert (profile["phone"], own["phone"]) == ("139****0001", "13911110001")


def test_the_openapi_docs_are_served(api):
    assert api.client.get("/docs").status_code == 200
    assert "/v1/shifts/{shift_id}/signups" in api.client.get("/openapi.json").json()["paths"]


def test_a_long_roster_comes_page_by_page_confirmed_first(api, world):
    organiser = world.tokens["organiser"]
    api.client.post(f"/v1/shifts/{world.shift}/capacity", json={"capacity": 1}, headers=organiser)
    for volunteer in (world.volunteer, world.spare_volunteer):
        done = api.client.post(
            f"/v1/shifts/{world.shift}/signups",
            json={"volunteer_id": str(volunteer)},
            headers=organiser,
        ).json()
    first = api.client.get(
        f"/v1/shifts/{world.shift}/roster",
        headers=organiser,
        params={"limit": 1, "min_position": done["position"]},
    ).json()
    second = api.client.get(
        f"/v1/shifts/{world.shift}/roster",
        headers=organiser,
        params={"limit": 1, "cursor": first["next_cursor"]},
    ).json()
    assert [e["volunteer_id"] for e in first["confirmed"]] == [str(world.volunteer)]
    assert [e["volunteer_id"] for e in second["waitlisted"]] == [str(world.spare_volunteer)]
    assert second["next_cursor"] is None
