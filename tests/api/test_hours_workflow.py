"""Organisers' hours workflow through HTTP: sheets, refusals, corrections and requests."""

from datetime import timedelta

import pytest


@pytest.fixture
def record(api, world):
    """A pending manual record of two hours for the volunteer, yesterday."""
    start = api.clock.now - timedelta(days=1)
    response = api.client.post(
        "/v1/service-records",
        headers=world.tokens["organiser"],
        json={
            "volunteer_id": str(world.volunteer),
            "activity_id": str(world.activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=2)).isoformat(),
            "description": "入户走访独居老人",
            "beneficiary": "赵奶奶",
        },
    )
    assert response.status_code == 201
    return response.json()["id"]


def history(api, world, position):
    page = api.client.get(
        f"/v1/volunteers/{world.volunteer}/service-records",
        params={"min_position": position},
        headers=world.tokens["volunteer"],
    ).json()
    [item] = page["items"]
    return item


def test_a_rejected_record_shows_the_reason(api, world, record):
    done = api.client.post(
        f"/v1/service-records/{record}/reject",
        json={"reason": "与签到表不符"},
        headers=world.tokens["organiser"],
    )
    item = history(api, world, done.json()["position"])
    assert (item["status"], item["history"][-1]["reason"]) == ("rejected", "与签到表不符")


def test_a_revoked_record_no_longer_counts(api, world, record):
    organiser = world.tokens["organiser"]
    api.client.post(f"/v1/service-records/{record}/approve", headers=world.tokens["checker"])
    done = api.client.post(
        f"/v1/service-records/{record}/revoke", json={"reason": "经核查系虚报"}, headers=organiser
    )
    assert history(api, world, done.json()["position"])["status"] == "revoked"


def test_revoking_a_pending_record_is_a_conflict(api, world, record):
    response = api.client.post(
        f"/v1/service-records/{record}/revoke",
        json={"reason": "虚报"},
        headers=world.tokens["organiser"],
    )
    assert (response.status_code, response.json()["type"]) == (409, "/problems/record-state")


def test_a_volunteers_correction_request_is_accepted_by_an_organiser(api, world, record):
    organiser, me = world.tokens["organiser"], world.tokens["volunteer"]
    api.client.post(f"/v1/service-records/{record}/approve", headers=world.tokens["checker"])
    asked = api.client.post(
        f"/v1/service-records/{record}/correction-requests",
        json={"minutes": 150, "reason": "实际服务两个半小时"},
        headers=me,
    )
    done = api.client.post(
        f"/v1/service-records/{record}/correction-requests/resolve",
        json={"accept": True, "reason": "核对属实"},
        headers=organiser,
    )
    assert asked.status_code == 201
    item = history(api, world, done.json()["position"])
    assert item["minutes"] == 150
    assert [h["event"] for h in item["history"]][-2:] == [
        "CorrectionRequestAccepted",
        "Corrected",
    ]


def test_someone_else_cannot_ask_to_correct_a_record(api, world, record):
    response = api.client.post(
        f"/v1/service-records/{record}/correction-requests",
        json={"minutes": 150, "reason": "代为申请"},
        headers=world.tokens["other volunteer"],
    )
    assert response.status_code == 403


def test_an_organiser_records_attendance_from_a_sign_in_sheet(api, world):
    organiser = world.tokens["organiser"]
    api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": str(world.volunteer)},
        headers=organiser,
    )
    shift = api.services.ledger.shift(world.shift)
    api.clock.set(shift.ends_at + timedelta(hours=1))
    response = api.client.post(
        f"/v1/shifts/{world.shift}/attendance",
        headers=organiser,
        json={
            "volunteer_id": str(world.volunteer),
            "checked_in_at": (shift.starts_at + timedelta(minutes=5)).isoformat(),
            "checked_out_at": (shift.starts_at + timedelta(minutes=65)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert history(api, world, response.json()["position"])["minutes"] == 60


def test_a_volunteer_cannot_give_their_own_check_in_time(api, world):
    me = world.tokens["volunteer"]
    api.client.post(
        f"/v1/shifts/{world.shift}/signups", json={"volunteer_id": str(world.volunteer)}, headers=me
    )
    response = api.client.post(
        f"/v1/shifts/{world.shift}/check-in",
        headers=me,
        json={
            "volunteer_id": str(world.volunteer),
            "at": api.clock.now.isoformat(),
        },
    )
    assert response.status_code == 403


def test_rescheduling_reports_volunteers_whose_shifts_now_overlap(api, world):
    organiser = world.tokens["organiser"]
    shift = api.services.ledger.shift(world.shift)
    later = api.client.post(
        f"/v1/activities/{world.activity}/shifts",
        headers=organiser,
        json={
            "starts_at": (shift.starts_at + timedelta(days=1)).isoformat(),
            "ends_at": (shift.ends_at + timedelta(days=1)).isoformat(),
            "capacity": 3,
        },
    ).json()["ids"][0]
    for shift_id in (world.shift, later):
        api.client.post(
            f"/v1/shifts/{shift_id}/signups",
            json={"volunteer_id": str(world.volunteer)},
            headers=organiser,
        )
    response = api.client.post(
        f"/v1/shifts/{world.shift}/reschedule",
        headers=organiser,
        json={
            "starts_at": (shift.starts_at + timedelta(days=1)).isoformat(),
            "ends_at": (shift.ends_at + timedelta(days=1)).isoformat(),
            "reason": "场地调整",
        },
    )
    assert response.json()["clashes"] == [
        {"volunteer_id": str(world.volunteer), "overlapping_shift_id": later}
    ]


def test_a_cancelled_shift_says_so(api, world):
    organiser = world.tokens["organiser"]
    api.client.post(
        f"/v1/shifts/{world.shift}/cancel", json={"reason": "暴雨预警"}, headers=organiser
    )
    shift = api.client.get(f"/v1/shifts/{world.shift}", headers=organiser).json()
    assert shift["status"] == "cancelled"
