"""Readable answers on every route family: local times beside UTC ones, hours beside minutes,
and a period described beside its id (docs/api.md, "Readable answers").

The story: a morning's service in Beijing, 07:30–11:45 on 2 December 2026 (23:30Z to 03:45Z),
255 minutes, which is 4.25 hours, in the two-month period 2026-B6 (November and December).
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.api import every_store
from tests.api.conftest import issue_certificate
from tests.api.every_store import read

api = every_store.api  # this module's tests run on every store

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
SERVED_FROM = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
SERVED_TO = SERVED_FROM + timedelta(minutes=255)
B6 = {"id": "2026-B6", "label": "2026年11–12月", "from": "2026-11-01", "to": "2026-12-31"}


@pytest.fixture(autouse=True)
def beijing_noon(api):
    """The ledger's clock at a fixed moment, before the world is made."""
    api.clock.set(NOW)


def record_morning(api, world, *, approve: bool = True) -> str:
    """The volunteer's 255 minutes of 2 December, recorded by hand (and approved)."""
    response = api.client.post(
        "/v1/service-records",
        headers=world.tokens["organiser"],
        json={
            "volunteer_id": str(world.volunteer),
            "activity_id": str(world.activity),
            "started_at": SERVED_FROM.isoformat(),
            "ended_at": SERVED_TO.isoformat(),
            "description": "早高峰文明交通劝导",
        },
    )
    assert response.status_code == 201, response.text
    record = response.json()["id"]
    if approve:
        approved = api.client.post(
            f"/v1/service-records/{record}/approve", headers=world.tokens["checker"]
        )
        assert approved.status_code == 200, approved.text
    return record


def same_instant(utc_text: str, local_text: str, offset: str = "+08:00") -> bool:
    """``local_text`` is the instant ``utc_text`` names, written with the Beijing offset."""
    instant, shown = datetime.fromisoformat(utc_text), datetime.fromisoformat(local_text)
    return instant == shown and local_text.endswith(offset)


def test_a_service_record_gives_local_times_and_hours(api, world):
    record_morning(api, world)
    [record] = read(
        api, f"/v1/volunteers/{world.volunteer}/service-records", world.tokens["volunteer"]
    ).json()["items"]
    assert (record["started_at_local"], record["ended_at_local"]) == (
        "2026-12-02T07:30:00+08:00",
        "2026-12-02T11:45:00+08:00",
    )
    assert (record["minutes"], record["hours"], record["requested_hours"]) == (255, "4.25", None)
    recorded, approved = record["history"]
    assert (recorded["minutes"], recorded["hours"]) == (255, "4.25")
    assert (approved["minutes"], approved["hours"]) == (None, None)
    assert all(same_instant(entry["at"], entry["at_local"]) for entry in record["history"])


def test_the_summary_gives_hours_and_describes_its_periods(api, world):
    record_morning(api, world)
    summary = read(api, f"/v1/volunteers/{world.volunteer}/summary", world.tokens["volunteer"])
    body = summary.json()
    assert (body["approved_minutes"], body["approved_hours"]) == (255, "4.25")
    assert body["this_bimonth"] == {
        "period": "2026-B6",
        "period_detail": B6,
        "approved_minutes": 255,
        "approved_hours": "4.25",
    }
    assert body["this_year"]["period_detail"]["label"] == "2026年"
    assert body["by_category"] == [
        {"category": "文明劝导", "approved_minutes": 255, "approved_hours": "4.25"}
    ]
    assert (body["pending_minutes"], body["pending_hours"]) == (0, "0")
    # Whole minutes of a star threshold are an exact number of hours.
    assert Decimal(body["hours_to_next_star"]) * 60 == body["minutes_to_next_star"]
    assert Decimal(body["next_star_at_hours"]) * 60 == body["next_star_at_minutes"]


def test_the_leaderboard_gives_hours_and_its_period_described(api, world):
    record_morning(api, world)
    board = read(
        api,
        "/v1/leaderboards",
        world.tokens["organiser"],
        organization_id=str(world.street_a),
        period="2026-B6",
    ).json()
    assert (board["period"], board["period_detail"]) == ("2026-B6", B6)
    [entry] = board["entries"]
    assert (entry["approved_minutes"], entry["approved_hours"]) == (255, "4.25")


def test_rankings_give_hours_and_their_period_described(api, world):
    record_morning(api, world)
    rankings = read(
        api,
        f"/v1/organizations/{world.district}/rankings",
        world.tokens["organiser"],
        period="2026-B6",
    ).json()
    assert (rankings["period"], rankings["period_detail"]) == ("2026-B6", B6)
    street = next(c for c in rankings["children"] if c["organization_id"] == str(world.street_a))
    assert (street["approved_minutes"], street["approved_hours"]) == (255, "4.25")
    # 255 minutes over two active volunteers: 127 each, 2.1166… hours, shown to two places.
    assert (street["minutes_per_active_volunteer"], street["hours_per_active_volunteer"]) == (
        127,
        "2.12",
    )


def test_a_recognition_list_gives_hours_its_period_and_its_local_end(api, world):
    record_morning(api, world)
    published = api.client.post(
        "/v1/recognition-lists",
        headers=world.tokens["organiser"],
        json={"organization_id": str(world.street_a), "period": "2026-B6", "title": "好人榜"},
    )
    assert published.status_code == 201, published.text
    listed = api.client.get(f"/v1/recognition-lists/{published.json()['id']}").json()
    assert (listed["period"], listed["period_detail"]) == ("2026-B6", B6)
    [entry] = listed["entries"]
    assert (entry["approved_minutes"], entry["approved_hours"]) == (255, "4.25")
    assert same_instant(listed["publicity_ends_at"], listed["publicity_ends_at_local"])


def test_supervision_gives_local_times_hours_and_its_period(api, world):
    record_morning(api, world, approve=False)
    ledger = read(
        api,
        f"/v1/organizations/{world.street_a}/supervision",
        world.tokens["organiser"],
        period="2026-B6",
    ).json()
    assert (ledger["period"], ledger["period_detail"]) == ("2026-B6", B6)
    assert (ledger["now"], ledger["now_local"]) == (
        "2026-12-07T04:00:00Z",
        "2026-12-07T12:00:00+08:00",
    )
    [pending] = ledger["pending_approval"]
    assert (pending["minutes"], pending["hours"]) == (255, "4.25")
    assert same_instant(pending["recorded_at"], pending["recorded_at_local"])


def test_statistics_give_local_shift_times_and_hours(api, world):
    record_morning(api, world)
    statistics = read(
        api, f"/v1/activities/{world.activity}/statistics", world.tokens["organiser"]
    ).json()
    assert (statistics["totals"]["approved_minutes"], statistics["totals"]["approved_hours"]) == (
        255,
        "4.25",
    )
    [shift] = statistics["shifts"]
    assert shift["starts_at_local"] == "2026-12-08T12:00:00+08:00"  # the world's: 04:00Z
    assert same_instant(shift["ends_at"], shift["ends_at_local"])
    assert shift["approved_hours"] == "0"


def test_a_shift_late_in_the_utc_day_starts_the_next_local_morning(api, world):
    ledger = api.services.ledger
    shift = ledger.add_shift(
        world.activity,
        starts_at=datetime(2026, 12, 9, 23, 30, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 1, 30, tzinfo=UTC),
        capacity=3,
        actor=ledger.account_for_login("organiser.li").as_actor(),
    )
    one = api.client.get(f"/v1/shifts/{shift}", headers=world.tokens["volunteer"]).json()
    listed = read(api, f"/v1/activities/{world.activity}/shifts", world.tokens["volunteer"]).json()[
        "items"
    ]
    for shown in (one, next(s for s in listed if s["id"] == str(shift))):
        assert (shown["starts_at_local"], shown["ends_at_local"]) == (
            "2026-12-10T07:30:00+08:00",
            "2026-12-10T09:30:00+08:00",
        )


def test_the_audit_trail_gives_each_event_its_local_time(api, world):
    record_morning(api, world)
    items = read(
        api, "/v1/audit", world.tokens["organiser"], organization_id=str(world.street_a)
    ).json()["items"]
    assert items
    assert all(same_instant(item["at"], item["at_local"]) for item in items)


def test_my_answers_and_the_queue_name_hours_after_their_minutes(api, world):
    record = record_morning(api, world)
    asked = api.client.post(
        f"/v1/service-records/{record}/correction-requests",
        headers=world.tokens["volunteer"],
        json={"minutes": 285, "reason": "实际服务到12点15分"},
    )
    assert asked.status_code == 201, asked.text
    me = read(api, "/v1/me", world.tokens["volunteer"]).json()["volunteer"]
    assert (me["approved_minutes"], me["approved_hours"], me["hours"]) == (255, "4.25", "4.25")
    [mine] = read(api, "/v1/me/correction-requests", world.tokens["volunteer"]).json()["items"]
    assert (mine["record_hours"], mine["hours"], mine["accepted_hours"]) == ("4.25", "4.75", None)
    [queued] = read(
        api, "/v1/service-records", world.tokens["organiser"], status="approved"
    ).json()["items"]
    assert (queued["requested_minutes"], queued["requested_hours"]) == (285, "4.75")


def test_my_certificate_gives_its_total_in_hours(api, world):
    issue_certificate(api, world)
    [certificate] = read(api, "/v1/me/certificates", world.tokens["volunteer"]).json()["items"]
    assert (certificate["total_minutes"], certificate["total_hours"]) == (220, "3.67")


def test_a_shift_whose_end_has_passed_reads_completed_not_scheduled(api, world):
    organiser = world.tokens["organiser"]
    assert api.client.get(f"/v1/shifts/{world.shift}", headers=organiser).json()["status"] == (
        "scheduled"
    )
    api.clock.now = api.services.ledger.shift(world.shift).ends_at + timedelta(minutes=1)
    shift = api.client.get(f"/v1/shifts/{world.shift}", headers=organiser).json()
    assert shift["status"] == "completed"
    api.services.runner.catch_up()
    listed = api.client.get(f"/v1/activities/{world.activity}/shifts", headers=organiser).json()
    assert {s["status"] for s in listed["items"] if s["id"] == str(world.shift)} == {"completed"}
