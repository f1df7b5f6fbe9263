"""/desk: who may use it, what it lists, scheduling shifts and series, the audit file."""

from __future__ import annotations

from datetime import timedelta

from tests.api.pages.sessions import csrf_of, logged_in, post_form


def _shifts(api, world) -> list[dict]:
    """The activity's shifts as the API lists them, read after every write so far."""
    answer = api.client.get(
        f"/v1/activities/{world.activity}/shifts",
        params={"min_position": api.services.ledger.recorder.max_notification_id()},
        headers=world.tokens["organiser"],
    )
    return answer.json()["items"]


def _shift_count(api, world) -> int:
    return len(_shifts(api, world))


def test_without_a_session_the_desk_asks_to_log_in_and_come_back(api):
    answer = api.client.get("/desk", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Fdesk"


def test_a_volunteer_only_account_is_refused_with_a_page(api, world):
    volunteer = logged_in(api, "13911110001")
    answer = volunteer.get("/desk")
    assert answer.status_code == 403
    assert 'id="desk-refused"' in answer.text
    assert volunteer.get("/desk/queue").status_code == 403


def test_the_desk_lists_the_organisers_activities_and_shifts(api, world):
    answer = logged_in(api, "organiser.li").get("/desk")
    assert answer.status_code == 200
    assert "早高峰文明交通劝导" in answer.text
    assert f'href="/desk/shifts/{world.shift}"' in answer.text
    assert f'id="new-shift-{world.activity}"' in answer.text


def test_another_organisations_organiser_sees_none_of_it_and_is_refused_the_roster(api, world):
    other = logged_in(api, "organiser.wang")
    assert str(world.shift) not in other.get("/desk").text
    refused = other.get(f"/desk/shifts/{world.shift}")
    assert refused.status_code == 403
    assert "早高峰文明交通劝导" not in refused.text
    assert other.get(f"/desk/activities/{world.activity}/shifts/new").status_code == 403


def test_an_organiser_schedules_a_shift_in_the_organisations_local_time(api, world):
    organiser = logged_in(api, "organiser.li")
    day = (api.clock.now + timedelta(days=3)).date().isoformat()
    before = _shift_count(api, world)
    answer = post_form(
        organiser,
        f"/desk/activities/{world.activity}/shifts/new",
        f"/desk/activities/{world.activity}/shifts",
        {"day": day, "start_time": "07:30", "end_time": "09:30", "capacity": "4", "location": ""},
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/desk?done=shift")
    assert 'id="done-roster"' in organiser.get(answer.headers["location"]).text
    assert _shift_count(api, world) == before + 1
    assert any(s["starts_at_local"] == f"{day}T07:30:00+08:00" for s in _shifts(api, world))


def test_a_shift_form_with_mistakes_shows_each_beside_its_field(api, world):
    organiser = logged_in(api, "organiser.li")
    answer = post_form(
        organiser,
        f"/desk/activities/{world.activity}/shifts/new",
        f"/desk/activities/{world.activity}/shifts",
        {"day": "", "start_time": "07:30", "end_time": "soon", "capacity": "0"},
    )
    assert answer.status_code == 422
    assert 'id="one-day-error"' in answer.text
    assert 'id="one-end_time-error"' in answer.text
    assert 'value="07:30"' in answer.text


def test_a_capacity_the_api_refuses_is_told_beside_the_places(api, world):
    organiser = logged_in(api, "organiser.li")
    day = (api.clock.now + timedelta(days=3)).date().isoformat()
    answer = post_form(
        organiser,
        f"/desk/activities/{world.activity}/shifts/new",
        f"/desk/activities/{world.activity}/shifts",
        {"day": day, "start_time": "07:30", "end_time": "09:30", "capacity": "0"},
    )
    assert answer.status_code == 422
    assert 'id="one-capacity-error"' in answer.text


def test_an_organiser_schedules_a_weekly_series(api, world):
    organiser = logged_in(api, "organiser.li")
    first = (api.clock.now + timedelta(days=2)).date()
    before = _shift_count(api, world)
    answer = post_form(
        organiser,
        f"/desk/activities/{world.activity}/shifts/new",
        f"/desk/activities/{world.activity}/series",
        {
            **{f"weekday_{day}": "yes" for day in range(7)},
            "first_day": first.isoformat(),
            "last_day": (first + timedelta(days=6)).isoformat(),
            "start_time": "18:00",
            "end_time": "20:00",
            "capacity": "6",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/desk?done=series&n=7")
    assert _shift_count(api, world) == before + 7


def test_a_series_without_weekdays_is_refused_beside_the_weekdays(api, world):
    organiser = logged_in(api, "organiser.li")
    first = (api.clock.now + timedelta(days=2)).date()
    answer = post_form(
        organiser,
        f"/desk/activities/{world.activity}/shifts/new",
        f"/desk/activities/{world.activity}/series",
        {
            "first_day": first.isoformat(),
            "last_day": (first + timedelta(days=6)).isoformat(),
            "start_time": "18:00",
            "end_time": "20:00",
            "capacity": "6",
        },
    )
    assert answer.status_code == 422
    assert 'id="series-weekdays-error"' in answer.text


def test_another_organisations_organiser_cannot_schedule_on_the_activity(api, world):
    other = logged_in(api, "organiser.wang")
    token = csrf_of(other.get("/desk").text)
    before = _shift_count(api, world)
    day = (api.clock.now + timedelta(days=3)).date().isoformat()
    answer = other.post(
        f"/desk/activities/{world.activity}/shifts",
        data={
            "day": day,
            "start_time": "07:30",
            "end_time": "09:30",
            "capacity": "4",
            "csrf_token": token,
        },
    )
    assert answer.status_code == 403
    assert _shift_count(api, world) == before


def test_a_form_without_the_csrf_token_is_refused_and_schedules_nothing(api, world):
    organiser = logged_in(api, "organiser.li")
    before = _shift_count(api, world)
    day = (api.clock.now + timedelta(days=3)).date().isoformat()
    fields = {"day": day, "start_time": "07:30", "end_time": "09:30", "capacity": "4"}
    for token in ({}, {"csrf_token": "0" * 64}):
        answer = organiser.post(f"/desk/activities/{world.activity}/shifts", data=fields | token)
        assert answer.status_code == 403
    assert _shift_count(api, world) == before


def test_the_audit_file_is_the_apis_csv_of_the_desks_scope(api, world):
    mine = logged_in(api, "organiser.li").get("/desk/audit.csv")
    assert mine.status_code == 200
    assert mine.headers["content-type"].startswith("text/csv")
    assert "早高峰文明交通劝导" in mine.content.decode("utf-8-sig")
    theirs = logged_in(api, "organiser.wang").get("/desk/audit.csv")
    assert theirs.status_code == 200
    assert "早高峰文明交通劝导" not in theirs.content.decode("utf-8-sig")


def test_the_supervision_ledger_shows_each_organisation_of_the_desk(api, world):
    answer = logged_in(api, "organiser.li").get("/desk/supervision")
    assert answer.status_code == 200
    assert "和平里街道" in answer.text
    assert "东四街道" not in answer.text


def test_an_admin_desk_covers_every_organisation(api, world):
    answer = logged_in(api, "admin.zhang").get("/desk")
    assert answer.status_code == 200
    assert f'href="/desk/shifts/{world.shift}"' in answer.text
    assert "东城区" in answer.text


def test_the_desk_is_in_english_when_asked(api, world):
    answer = logged_in(api, "organiser.li").get("/desk?lang=en")
    assert '<html lang="en">' in answer.text
    assert "Approval queue" in answer.text
