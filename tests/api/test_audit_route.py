"""The audit trail through HTTP: pages, scope by role, CSV export, and aware times only."""

import csv
import io
from datetime import datetime

import pytest

from api.export_lists import AUDIT_COLUMNS
from projections.audit.bookkeeping import BOOKKEEPING_EVENT_TYPES


def audit(api, world, role, accept="application/json", **params):
    head = api.services.ledger.recorder.max_notification_id()
    return api.client.get(
        "/v1/audit",
        params={"min_position": head, **params},
        headers={**world.tokens[role], "Accept": accept},
    )


def every_row(api, world, role, **params):
    items, cursor = [], None
    while True:
        page = audit(api, world, role, limit=40, **({"cursor": cursor} if cursor else {}), **params)
        assert page.status_code == 200, page.json()
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
def signed_up(api, world):
    """The volunteer of 和平里 and the one of 东四 have each done something."""
    ledger = api.services.ledger
    ledger.sign_up(world.shift, world.volunteer, ledger.account_for_login("13911110001").as_actor())
    organiser = ledger.account_for_login("organiser.wang").as_actor()
    ledger.change_volunteer_profile(world.other_volunteer, skills=["急救"], actor=organiser)


def test_an_admin_pages_through_every_event_or_those_since_a_time(api, world, signed_up):
    items = every_row(api, world, "admin")
    notifications = api.services.ledger.recorder.select_notifications(start=1, limit=10_000)
    assert [item["position"] for item in items] == [n.id for n in notifications]
    # Times follow positions only roughly: one command's events are made, then stored in turn.
    middle = datetime.fromisoformat(items[len(items) // 2]["at"])
    since = every_row(api, world, "admin", since=middle.isoformat())
    assert since == [item for item in items if datetime.fromisoformat(item["at"]) >= middle]


def test_an_organiser_reads_the_rows_of_their_street_and_below(api, world, signed_up):
    items = every_row(api, world, "organiser")
    assert {item["organisation_id"] for item in items} == {
        str(world.street_a),
        str(world.community_a),
    }
    assert "Shift.VolunteerSignedUp" in {item["event_type"] for item in items}
    assert str(world.other_volunteer) not in {item["volunteer_id"] for item in items}


def test_a_volunteer_reads_only_the_rows_about_themselves(api, world, signed_up):
    items = every_row(api, world, "volunteer")
    assert {item["volunteer_id"] for item in items} == {str(world.volunteer)}
    assert "王小明 signed up for 早高峰文明交通劝导" in " ".join(item["summary"] for item in items)


ACCESS = [
    ("anonymous", {}, 401),
    ("clerk", {}, 403),
    ("other organiser", {"organization_id": "street_a"}, 403),
    ("volunteer", {"volunteer_id": "other_volunteer"}, 404),
    ("organiser", {"organization_id": "community_a"}, 200),
    ("admin", {"organization_id": "street_b"}, 200),
    ("admin", {"since": "2026-03-01T00:00:00"}, 200),
    ("admin", {"until": "2026-03-01"}, 200),
    ("admin", {"since": "yesterday"}, 422),
    ("admin", {"until": "2026-13-01"}, 422),
    ("admin", {"cursor": "not-ours"}, 422),
]


def test_who_may_read_what_and_with_which_filters(api, world):
    world.tokens["clerk"] = api.staff("clerk.zhou")  # staff, but organises nothing
    for role, params, status in ACCESS:
        values = {name: str(getattr(world, value, value)) for name, value in params.items()}
        assert audit(api, world, role, **values).status_code == status, (role, params)


def test_an_export_is_csv_with_a_header_and_every_matching_row(api, world, signed_up):
    response = audit(api, world, "organiser", accept="text/csv", limit=1)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    header, *lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == list(AUDIT_COLUMNS)
    assert [int(line[0]) for line in lines] == [
        item["position"]
        for item in every_row(api, world, "organiser")
        if item["event_type"] not in BOOKKEEPING_EVENT_TYPES
    ]
    assert any("王小明" in line[AUDIT_COLUMNS.index("summary")] for line in lines)
