"""/v1/me: who am I, and what is mine, on SQLite and PostgreSQL; never someone else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar

from tests.api import every_store
from tests.api.conftest import issue_certificate

api = every_store.api  # this module's tests run on every store


def get(api, path, token, **params):
    """A read after the read models have caught up with every write so far."""
    api.services.runner.catch_up()
    response = api.client.get(path, headers=token, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def sign_up(api, world, token, shift=None):
    shift = shift or world.shift
    response = api.client.post(f"/v1/shifts/{shift}/signups", headers=token, json={})
    assert response.status_code == 201, response.text
    return response.json()


def add_shift(api, world, *, starts_in, capacity=5):
    ledger = api.services.ledger
    start = api.clock.now + starts_in
    return ledger.add_shift(
        world.activity,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity,
        actor=ledger.account_for_login("organiser.li").as_actor(),
    )


def test_a_volunteer_learns_their_profile_number_roles_and_hours(api, world):
    me = get(api, "/v1/me", world.tokens["volunteer"])
    volunteer = me["volunteer"]
    assert me["account"]["kind"] == "volunteer"
    assert volunteer["id"] == str(world.volunteer)
    assert (
        volunteer["volunteer_number"]
        == api.services.ledger.volunteer(world.volunteer).volunteer_number
    )
    assert [step["name"] for step in volunteer["organization"]["path"]] == [
        "东城区",
        "和平里街道",
        "和平里社区",
    ]
    assert (volunteer["approved_minutes"], volunteer["hours"], volunteer["stars"]) == (0, "0", 0)
    assert me["roles"] == [{"role": "volunteer", "organization": volunteer["organization"]}]


def test_an_organiser_gets_their_roles_and_no_volunteer_part(api, world):
    me = get(api, "/v1/me", world.tokens["organiser"])
    assert me["account"] == {
        "id": me["account"]["id"],
        "kind": "organiser",
        "display_name": "organiser.li",
    }
    assert me["volunteer"] is None
    [role] = me["roles"]
    assert (role["role"], role["organization"]["id"], role["organization"]["kind"]) == (
        "organiser",
        str(world.street_a),
        "street",
    )


def test_an_admin_has_the_admin_role_over_everything(api, world):
    me = get(api, "/v1/me", world.tokens["admin"])
    assert me["roles"] == [{"role": "admin", "organization": None}]


def test_me_without_a_token_is_a_401(api, world):
    response = api.client.get("/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_a_volunteer_signs_up_as_themselves_and_sees_the_shift_in_local_time(api, world):
    signed = sign_up(api, world, world.tokens["volunteer"])
    [item] = get(api, "/v1/me/shifts", world.tokens["volunteer"])["items"]
    shift = api.services.ledger.shift(world.shift)
    assert signed["status"] == "confirmed"
    assert (item["shift_id"], item["state"], item["waitlist_position"]) == (
        str(world.shift),
        "confirmed",
        None,
    )
    assert (item["title"], item["organization_name"], item["place"]) == (
        "早高峰文明交通劝导",
        "和平里社区",
        "和平里北街路口",
    )
    assert item["starts_at"] == shift.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert datetime.fromisoformat(item["starts_at_local"]).utcoffset() == timedelta(hours=8)
    assert datetime.fromisoformat(item["starts_at_local"]) == shift.starts_at


def test_another_volunteers_shifts_never_appear_in_mine(api, world):
    sign_up(api, world, world.tokens["other volunteer"])
    assert get(api, "/v1/me/shifts", world.tokens["volunteer"])["items"] == []


def test_a_waitlisted_volunteer_sees_their_place_in_the_queue(api, world):
    full = add_shift(api, world, starts_in=timedelta(days=2), capacity=1)
    sign_up(api, world, world.tokens["other volunteer"], full)
    sign_up(api, world, world.tokens["volunteer"], full)
    [item] = get(api, "/v1/me/shifts", world.tokens["volunteer"])["items"]
    assert (item["state"], item["waitlist_position"]) == ("waitlisted", 1)


def test_upcoming_shifts_come_soonest_first_and_past_ones_latest_first_in_pages(api, world):
    shifts = [add_shift(api, world, starts_in=timedelta(days=d)) for d in (4, 2, 3)]
    for shift in shifts:
        sign_up(api, world, world.tokens["volunteer"], shift)
    soonest = [str(s) for s in (shifts[1], shifts[2], shifts[0])]
    first = get(api, "/v1/me/shifts", world.tokens["volunteer"], limit=2)
    rest = get(api, "/v1/me/shifts", world.tokens["volunteer"], cursor=first["next_cursor"])
    assert [i["shift_id"] for i in first["items"] + rest["items"]] == soonest
    api.clock.advance(days=10)
    past = get(api, "/v1/me/shifts", world.tokens["volunteer"], when="past")
    assert [i["shift_id"] for i in past["items"]] == soonest[::-1]
    assert get(api, "/v1/me/shifts", world.tokens["volunteer"])["items"] == []


def test_when_is_upcoming_or_past_and_says_so_in_the_openapi(api, world):
    response = api.client.get(
        "/v1/me/shifts", headers=world.tokens["volunteer"], params={"when": "soon"}
    )
    [parameter] = [
        p
        for p in api.client.get("/openapi.json").json()["paths"]["/v1/me/shifts"]["get"][
            "parameters"
        ]
        if p["name"] == "when"
    ]
    assert response.status_code == 422
    assert parameter["schema"]["$ref"].endswith("/When")


def test_an_organiser_has_no_shifts_of_their_own_to_list(api, world):
    response = api.client.get("/v1/me/shifts", headers=world.tokens["organiser"])
    assert response.status_code == 403


def test_an_organiser_who_names_nobody_in_a_sign_up_gets_a_422(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/signups", headers=world.tokens["organiser"], json={}
    )
    assert response.status_code == 422
    assert "volunteer_id" in response.json()["detail"]


def test_an_organiser_still_signs_up_a_volunteer_by_id(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        headers=world.tokens["organiser"],
        json={"volunteer_id": str(world.volunteer)},
    )
    assert response.status_code == 201


def test_a_volunteer_naming_someone_else_is_refused(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        headers=world.tokens["volunteer"],
        json={"volunteer_id": str(world.other_volunteer)},
    )
    assert response.status_code == 403


def test_a_volunteer_checks_in_and_out_without_naming_themselves(api, world):
    sign_up(api, world, world.tokens["volunteer"])
    api.clock.set(api.services.ledger.shift(world.shift).starts_at)
    checked_in = api.client.post(
        f"/v1/shifts/{world.shift}/check-in", headers=world.tokens["volunteer"], json={}
    )
    api.clock.advance(hours=2)
    checked_out = api.client.post(
        f"/v1/shifts/{world.shift}/check-out", headers=world.tokens["volunteer"], json={}
    )
    assert checked_in.status_code == 200, checked_in.text
    assert checked_out.json()["service_record_id"] is not None


def test_a_volunteer_cancels_their_own_sign_up_and_it_leaves_my_shifts(api, world):
    sign_up(api, world, world.tokens["volunteer"])
    response = api.client.delete(
        f"/v1/me/shifts/{world.shift}",
        headers=world.tokens["volunteer"],
        params={"reason": "临时有事"},
    )
    assert response.status_code == 200, response.text
    assert get(api, "/v1/me/shifts", world.tokens["volunteer"])["items"] == []


def test_cancelling_a_shift_i_am_not_on_is_refused(api, world):
    sign_up(api, world, world.tokens["other volunteer"])
    response = api.client.delete(f"/v1/me/shifts/{world.shift}", headers=world.tokens["volunteer"])
    assert response.status_code == 409
    assert get(api, "/v1/me/shifts", world.tokens["other volunteer"])["items"] != []


def test_my_certificates_are_mine_with_hours_and_where_to_verify_them(api, world):
    number = issue_certificate(api, world)["number"]
    [certificate] = get(api, "/v1/me/certificates", world.tokens["volunteer"])["items"]
    others = get(api, "/v1/me/certificates", world.tokens["other volunteer"])["items"]
    assert (certificate["number"], certificate["status"]) == (number, "valid")
    assert (certificate["total_minutes"], certificate["hours"]) == (220, "3.67")
    assert certificate["verification_url"].endswith(f"/V/{number}")
    assert certificate["issuer"]["name"] == "和平里社区"
    assert others == []


def test_my_certificate_requests_come_newest_first_with_their_status(api, world):
    today = api.clock.now.date()
    for days in (30, 7):
        response = api.client.post(
            "/v1/certificate-requests",
            headers=world.tokens["volunteer"],
            json={
                "organization_id": str(world.community_a),
                "period_start": (today - timedelta(days=days)).isoformat(),
                "period_end": today.isoformat(),
            },
        )
        assert response.status_code == 201, response.text
    items = get(api, "/v1/me/certificate-requests", world.tokens["volunteer"])["items"]
    theirs = get(api, "/v1/me/certificate-requests", world.tokens["other volunteer"])["items"]
    assert [(i["period_start"], i["status"]) for i in items] == [
        ((today - timedelta(days=d)).isoformat(), "open") for d in (7, 30)
    ]
    assert items[0]["requested_at_local"].endswith("+08:00")
    assert theirs == []


def test_my_correction_requests_show_what_i_asked_for(api, world):
    record = issue_certificate(api, world)["records"][0]
    response = api.client.post(
        f"/v1/service-records/{record}/correction-requests",
        headers=world.tokens["volunteer"],
        json={"minutes": 150, "reason": "实际服务两个半小时"},
    )
    assert response.status_code == 201, response.text
    [item] = get(api, "/v1/me/correction-requests", world.tokens["volunteer"])["items"]
    assert (item["service_record_id"], item["minutes"], item["record_minutes"]) == (
        record,
        150,
        120,
    )
    assert item["status"] == "open"
    assert get(api, "/v1/me/correction-requests", world.tokens["other volunteer"])["items"] == []


def calendar_url(api, world, token_name="volunteer"):
    url = get(api, "/v1/me", world.tokens[token_name])["volunteer"]["calendar_url"]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def feed(api, path):
    api.services.runner.catch_up()
    response = api.client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_calendar_feed_has_my_shift_with_a_reminder(api, world):
    sign_up(api, world, world.tokens["volunteer"])
    sign_up(
        api,
        world,
        world.tokens["other volunteer"],
        add_shift(api, world, starts_in=timedelta(days=2)),
    )
    [event] = feed(api, calendar_url(api, world)).walk("VEVENT")
    shift = api.services.ledger.shift(world.shift)
    assert str(event["SUMMARY"]) == "早高峰文明交通劝导"
    assert str(event["LOCATION"]) == "和平里北街路口"
    assert event.decoded("DTSTART") == shift.starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert str(event["UID"]).startswith(f"shift-{world.shift}@")
    assert [str(a["ACTION"]) for a in event.walk("VALARM")] == ["DISPLAY"]


def test_a_rescheduled_shift_moves_on_its_sequence_in_the_feed(api, world):
    sign_up(api, world, world.tokens["volunteer"])
    path = calendar_url(api, world)
    [before] = feed(api, path).walk("VEVENT")
    start = api.services.ledger.shift(world.shift).starts_at + timedelta(hours=1)
    response = api.client.post(
        f"/v1/shifts/{world.shift}/reschedule",
        headers=world.tokens["organiser"],
        json={
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "reason": "场地调整",
        },
    )
    assert response.status_code == 200, response.text
    [after] = feed(api, path).walk("VEVENT")
    assert (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 1)
    assert after["UID"] == before["UID"]
    assert after.decoded("DTSTART") == start


def test_rotating_the_calendar_token_ends_the_old_address_at_once(api, world):
    old = calendar_url(api, world)
    rotated = api.client.post("/v1/me/calendar-token", headers=world.tokens["volunteer"])
    new = urlsplit(rotated.json()["calendar_url"])
    assert rotated.status_code == 200
    assert rotated.headers["cache-control"] == "no-store"
    assert api.client.get(old).status_code == 404
    assert api.client.get(f"{new.path}?{new.query}").status_code == 200
    assert calendar_url(api, world) == f"{new.path}?{new.query}"


def test_a_retried_rotation_rotates_once(api, world):
    key = {**world.tokens["volunteer"], "Idempotency-Key": "rotate-1"}
    first = api.client.post("/v1/me/calendar-token", headers=key).json()["calendar_url"]
    again = api.client.post("/v1/me/calendar-token", headers=key).json()["calendar_url"]
    account = api.services.ledger.account_for_login("13911110001")
    assert first == again
    assert account.calendar_generation == 1


def test_the_feed_needs_its_token_and_refuses_a_wrong_one(api, world):
    path = calendar_url(api, world)
    wrong = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    missing = api.client.get("/v1/me/calendar.ics")
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert api.client.get(wrong).status_code == 404
    assert api.client.get("/v1/me/calendar.ics", params={"token": "x"}).status_code == 404


def test_one_volunteers_feed_address_shows_only_their_shifts(api, world):
    sign_up(api, world, world.tokens["volunteer"])
    other = feed(api, calendar_url(api, world, "other volunteer"))
    assert other.walk("VEVENT") == []


def test_an_organiser_has_no_calendar_token_to_rotate(api, world):
    response = api.client.post("/v1/me/calendar-token", headers=world.tokens["organiser"])
    assert response.status_code == 403


def test_a_shift_the_organiser_cancels_shows_in_my_shifts_and_my_feed_with_the_reason(api, world):
    sign_up(api, world, world.tokens["volunteer"])
    path = calendar_url(api, world)
    response = api.client.post(
        f"/v1/shifts/{world.shift}/cancel",
        headers=world.tokens["organiser"],
        json={"reason": "暴雨预警，活动取消"},
    )
    assert response.status_code == 200, response.text
    [mine] = get(api, "/v1/me/shifts", world.tokens["volunteer"])["items"]
    assert (mine["shift_id"], mine["state"]) == (str(world.shift), "cancelled_with_shift")
    assert mine["cancel_reason"] == "暴雨预警，活动取消"
    [event] = feed(api, path).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert "暴雨预警" in str(event["DESCRIPTION"])
