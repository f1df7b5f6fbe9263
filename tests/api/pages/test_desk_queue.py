"""The approval queue at the desk: approve, reject and correct with a reason; correction
requests; the second-party rule and the scope are the API's."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from tests.api.pages.sessions import csrf_of, logged_in, post_form

QUEUE = "/desk/queue"


def _record(api, world, minutes: int = 120) -> str:
    """A record of the volunteer entered by hand by organiser.li (so 'checker' approves it)."""
    start = api.clock.now - timedelta(days=2)
    answer = api.client.post(
        "/v1/service-records",
        headers=world.tokens["organiser"],
        json={
            "volunteer_id": str(world.volunteer),
            "activity_id": str(world.activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
            "description": "文明劝导",
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _status(api, record: str) -> str:
    return str(api.services.ledger.service_record(UUID(record)).status.value)


def test_the_queue_lists_pending_records_with_the_name_masked(api, world):
    record = _record(api, world)
    answer = logged_in(api, "organiser.zhou").get(QUEUE)
    assert answer.status_code == 200
    assert f'data-record-id="{record}"' in answer.text
    assert "王*明" in answer.text
    assert "王小明" not in answer.text


def test_another_organiser_approves_a_record_entered_by_hand(api, world):
    record = _record(api, world)
    checker = logged_in(api, "organiser.zhou")
    answer = post_form(checker, QUEUE, f"/desk/records/{record}/approve", {})
    assert answer.status_code == 303
    assert _status(api, record) == "approved"
    assert f'data-record-id="{record}"' not in checker.get(answer.headers["location"]).text


def test_the_recorder_approving_alone_is_told_the_second_party_rule(api, world):
    record = _record(api, world)
    organiser = logged_in(api, "organiser.li")
    assert 'id="approve-' in organiser.get(QUEUE).text
    answer = post_form(organiser, QUEUE, f"/desk/records/{record}/approve", {})
    assert answer.status_code == 403
    assert 'id="queue-error"' in answer.text
    assert _status(api, record) == "pending"


def test_a_rejection_needs_a_reason_told_beside_its_field(api, world):
    record = _record(api, world)
    checker = logged_in(api, "organiser.zhou")
    refused = post_form(checker, QUEUE, f"/desk/records/{record}/reject", {"reason": " "})
    assert refused.status_code == 422
    assert f'id="reject-{record}-reason-error"' in refused.text
    assert _status(api, record) == "pending"
    rejected = post_form(
        checker, QUEUE, f"/desk/records/{record}/reject", {"reason": "当天活动取消"}
    )
    assert rejected.status_code == 303
    assert _status(api, record) == "rejected"


def test_a_correction_needs_minutes_and_a_reason(api, world):
    record = _record(api, world)
    checker = logged_in(api, "organiser.zhou")
    action = f"/desk/records/{record}/correct"
    refused = post_form(checker, QUEUE, action, {"minutes": "", "reason": ""})
    assert refused.status_code == 422
    assert f'id="correct-{record}-minutes-error"' in refused.text
    assert f'id="correct-{record}-reason-error"' in refused.text
    corrected = post_form(checker, QUEUE, action, {"minutes": "90", "reason": "提前离开"})
    assert corrected.status_code == 303
    assert api.services.ledger.service_record(UUID(record)).minutes == 90


def test_an_organiser_accepts_a_volunteers_correction_request(api, world):
    record = _record(api, world)
    asked = api.client.post(
        f"/v1/service-records/{record}/correction-requests",
        headers=world.tokens["volunteer"],
        json={"minutes": 150, "reason": "签退晚了半小时"},
    )
    assert asked.status_code == 201, asked.text
    checker = logged_in(api, "organiser.zhou")
    page = checker.get(QUEUE)
    assert f'id="accept-{record}"' in page.text
    assert "签退晚了半小时" in page.text
    answer = post_form(
        checker, QUEUE, f"/desk/records/{record}/resolve", {"accept": "yes", "reason": "属实"}
    )
    assert answer.status_code == 303
    assert api.services.ledger.service_record(UUID(record)).minutes == 150


def test_another_organisations_organiser_cannot_approve(api, world):
    record = _record(api, world)
    other = logged_in(api, "organiser.wang")
    assert f'data-record-id="{record}"' not in other.get(QUEUE).text
    token = csrf_of(other.get(QUEUE).text)
    answer = other.post(f"/desk/records/{record}/approve", data={"csrf_token": token})
    assert answer.status_code == 403
    assert _status(api, record) == "pending"


def test_an_approval_without_the_csrf_token_is_refused(api, world):
    record = _record(api, world)
    checker = logged_in(api, "organiser.zhou")
    assert checker.post(f"/desk/records/{record}/approve", data={}).status_code == 403
    assert _status(api, record) == "pending"
