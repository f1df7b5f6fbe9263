"""The organiser's day (issue 15) over HTTP, on SQLite and on PostgreSQL: the roster with
attendance, attendance that always has a way forward, sign-ups to a cancelled shift, and a
cancelled shift that keeps who was on it."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from tests.api import every_store

api = every_store.api  # this module's tests run on every store


def sign_up(api, world, volunteer) -> dict:
    response = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": str(volunteer)},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_signing_up_to_a_cancelled_shift_says_it_is_cancelled_not_overlapping(api, world):
    ledger = api.services.ledger
    organiser = ledger.account_for_login("organiser.li").as_actor()
    starts_at = ledger.shift(world.shift).starts_at + timedelta(hours=1)
    overlapping = ledger.add_shift(
        world.activity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=5,
        actor=organiser,
    )
    sign_up(api, world, world.volunteer)
    ledger.cancel_shift(overlapping, "暴雨预警", organiser)
    refused = api.client.post(
        f"/v1/shifts/{overlapping}/signups",
        json={"volunteer_id": str(world.volunteer)},
        headers=world.tokens["volunteer"],
    )
    assert refused.status_code == 409
    assert "cancelled" in refused.json()["detail"]
    assert "overlap" not in refused.json()["detail"]


def attend(api, world, what: str, token: str = "volunteer"):
    return api.client.post(
        f"/v1/shifts/{world.shift}/{what}",
        json={"volunteer_id": str(world.volunteer)},
        headers=world.tokens[token],
    )


def test_a_check_out_before_the_shift_starts_is_refused_and_says_when_it_opens(api, world):
    sign_up(api, world, world.volunteer)
    starts_at = api.services.ledger.shift(world.shift).starts_at
    api.clock.set(starts_at - timedelta(minutes=20))
    assert attend(api, world, "check-in").status_code == 200
    refused = attend(api, world, "check-out")
    api.clock.set(starts_at + timedelta(minutes=45))
    out = attend(api, world, "check-out")
    assert refused.status_code == 409
    assert "once it has started" in refused.json()["detail"]
    assert out.json()["service_record_id"] is not None


def test_attendance_that_served_no_time_is_recorded_from_the_sheet(api, world):
    sign_up(api, world, world.volunteer)
    starts_at = api.services.ledger.shift(world.shift).starts_at
    api.clock.set(starts_at + timedelta(minutes=119, seconds=30))
    attend(api, world, "check-in")
    api.clock.set(starts_at + timedelta(minutes=120))
    out = attend(api, world, "check-out")
    again = attend(api, world, "check-in")
    sheet = api.client.post(
        f"/v1/shifts/{world.shift}/attendance",
        json={
            "volunteer_id": str(world.volunteer),
            "checked_in_at": starts_at.isoformat(),
            "checked_out_at": (starts_at + timedelta(minutes=90)).isoformat(),
        },
        headers=world.tokens["organiser"],
    )
    assert out.json()["service_record_id"] is None
    assert again.status_code == 409
    assert "sign-in sheet" in again.json()["detail"]
    assert sheet.status_code == 200, sheet.text
    assert sheet.json()["service_record_id"] is not None


def roster(api, world, done: dict) -> dict:
    response = api.client.get(
        f"/v1/shifts/{world.shift}/roster",
        params={"min_position": done["position"]},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_roster_shows_attendance_as_supervision_counts_it(api, world):
    everyone = (world.volunteer, world.other_volunteer, world.spare_volunteer)
    for volunteer in everyone:
        sign_up(api, world, volunteer)
    starts_at = api.services.ledger.shift(world.shift).starts_at
    api.clock.set(starts_at + timedelta(minutes=5))
    for volunteer in everyone[:2]:
        api.client.post(
            f"/v1/shifts/{world.shift}/check-in",
            json={"volunteer_id": str(volunteer)},
            headers=world.tokens["organiser"],
        )
    done = api.client.post(
        f"/v1/shifts/{world.shift}/no-shows",
        json={"volunteer_id": str(world.spare_volunteer), "reason": "未到岗"},
        headers=world.tokens["organiser"],
    ).json()
    entries = {e["volunteer_id"]: e for e in roster(api, world, done)["confirmed"]}
    mine = entries[str(world.volunteer)]
    assert [entries[str(v)]["attendance"]["state"] for v in everyone] == [
        "checked_in",
        "checked_in",
        "no_show",
    ]
    assert mine["status"] == "confirmed"
    assert mine["phone"] == "13911110001"
    assert mine["attendance"]["checked_in_at"].endswith("Z")
    assert mine["attendance"]["checked_in_at_local"].endswith("+08:00")


def test_a_cancelled_shift_keeps_its_roster_with_the_reason(api, world):
    organiser = world.tokens["organiser"]
    api.client.post(f"/v1/shifts/{world.shift}/capacity", json={"capacity": 1}, headers=organiser)
    sign_up(api, world, world.volunteer)
    sign_up(api, world, world.spare_volunteer)
    done = api.client.post(
        f"/v1/shifts/{world.shift}/cancel", json={"reason": "暴雨预警"}, headers=organiser
    ).json()
    page = roster(api, world, done)
    assert (page["shift_status"], page["cancel_reason"]) == ("cancelled", "暴雨预警")
    assert (page["confirmed"], page["waitlisted"]) == ([], [])
    assert [(e["volunteer_id"], e["status"], e["held"]) for e in page["cancelled_with_shift"]] == [
        (str(world.volunteer), "cancelled_with_shift", "confirmed"),
        (str(world.spare_volunteer), "cancelled_with_shift", "waitlisted"),
    ]
    assert page["cancelled_at_local"].endswith("+08:00")


def test_a_volunteer_cannot_read_the_roster(api, world):
    response = api.client.get(f"/v1/shifts/{world.shift}/roster", headers=world.tokens["volunteer"])
    assert response.status_code == 403


def post_series(api, world, capacity: int):
    today = api.clock.now.date()
    return api.client.post(
        f"/v1/activities/{world.activity}/shifts",
        json={
            "recurrence": {
                "weekdays": [0, 1, 2, 3, 4, 5, 6],
                "first_day": (today + timedelta(days=2)).isoformat(),
                "last_day": (today + timedelta(days=5)).isoformat(),
                "start_time": "09:00",
                "end_time": "10:00",
            },
            "capacity": capacity,
        },
        headers=world.tokens["organiser"],
    )


def test_reposting_a_series_with_another_capacity_names_the_existing_series(api, world):
    created = post_series(api, world, 3)
    again = post_series(api, world, 6)
    assert created.status_code == 201
    assert len(created.json()["ids"]) == 4
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/series-exists"
    assert again.json()["context"]["series_id"] == created.json()["series_id"]


def test_a_series_capacity_changes_from_a_date_on(api, world):
    created = post_series(api, world, 3).json()
    series = created["series_id"]
    from_day = (api.clock.now.date() + timedelta(days=4)).isoformat()
    changed = api.client.post(
        f"/v1/series/{series}/capacity",
        json={"from_day": from_day, "capacity": 6},
        headers=world.tokens["organiser"],
    )
    read = api.client.get(f"/v1/series/{series}", headers=world.tokens["volunteer"]).json()
    capacities = [api.services.ledger.shift(UUID(s)).capacity for s in read["shift_ids"]]
    assert changed.status_code == 200, changed.text
    assert changed.json()["shift_ids"] == created["ids"][2:]
    assert (capacities, read["capacity"]) == ([3, 3, 6, 6], 6)


def test_a_series_is_cancelled_from_a_date_on_and_its_times_change(api, world):
    series = post_series(api, world, 3).json()["series_id"]
    organiser = world.tokens["organiser"]
    from_day = (api.clock.now.date() + timedelta(days=3)).isoformat()
    moved = api.client.post(
        f"/v1/series/{series}/times",
        json={"from_day": from_day, "start_time": "14:00", "end_time": "16:00", "reason": "改期"},
        headers=organiser,
    )
    cancelled = api.client.post(
        f"/v1/series/{series}/cancel",
        json={"from_day": from_day, "reason": "场地施工"},
        headers=organiser,
    )
    again = api.client.post(
        f"/v1/series/{series}/cancel",
        json={"from_day": from_day, "reason": "场地施工"},
        headers=organiser,
    )
    ledger = api.services.ledger
    shifts = [ledger.shift(s) for s in ledger.series(UUID(series)).shift_ids]
    assert (moved.status_code, cancelled.status_code, again.status_code) == (200, 200, 422)
    assert [s.is_cancelled for s in shifts] == [False, True, True, True]
    assert "no shift still to come" in again.json()["detail"]


def test_only_organisers_of_the_series_change_it(api, world):
    series = post_series(api, world, 3).json()["series_id"]
    refused = api.client.post(
        f"/v1/series/{series}/cancel",
        json={"from_day": api.clock.now.date().isoformat(), "reason": "无权"},
        headers=world.tokens["other organiser"],
    )
    assert refused.status_code == 403
