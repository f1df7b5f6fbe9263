"""The approval queue: pending records of some organisations, with who made their minutes."""

from domain.values import Actor
from projections.service_records.queue import makers_of, queue
from projections.supervision.correction_requests import open_correction_requests
from tests import factories as f


def test_the_queue_holds_pending_records_of_the_organisations_oldest_first(ledger, runner, views):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    volunteer = f.volunteer(ledger, community)
    organiser = f.organiser(ledger, community)
    older = f.record_by_hand(ledger, volunteer, activity, organiser, days_ago=3)
    newer = f.record_by_hand(ledger, volunteer, activity, organiser, days_ago=5)
    approved = f.record_by_hand(ledger, volunteer, activity, organiser)
    ledger.approve_record(approved, f.CHECKER)
    runner.catch_up()
    page = queue(views, [str(community)], "pending", limit=10, after=None)
    assert [row["id"] for row in page.items] == [str(older), str(newer)]
    assert page.items[0]["recorded_by"] == str(organiser)
    assert queue(views, ["elsewhere"], "pending", limit=10, after=None).items == []


def test_a_correction_after_a_confirmation_undoes_it():
    history = [
        {"event": "Recorded", "actor": "account:li", "at": "2026-03-02T00:00:00+00:00"},
        {"event": "Confirmed", "actor": "volunteer:wang", "at": "2026-03-02T01:00:00+00:00"},
        {"event": "Corrected", "actor": "account:zhou", "at": "2026-03-02T02:00:00+00:00"},
    ]
    assert makers_of(history) == {
        "recorded_by": "account:li",
        "recorded_at": "2026-03-02T00:00:00+00:00",
        "corrected_by": ["account:zhou"],
        "confirmed": False,
    }
    assert makers_of([*history, {**history[1], "event": "Confirmed"}])["confirmed"] is True


def test_open_correction_requests_leave_out_resolved_ones(ledger, runner, views):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    volunteer = f.volunteer(ledger, community)
    organiser = f.organiser(ledger, community)
    asked, resolved = (
        f.record_by_hand(ledger, volunteer, activity, organiser, days_ago=days) for days in (1, 2)
    )
    for record in (asked, resolved):
        ledger.request_correction(record, 150, "漏记半小时", Actor.volunteer(volunteer))
    ledger.decline_correction_request(resolved, "与签到表不符", f.CHECKER)
    runner.catch_up()
    [row] = open_correction_requests(views, [str(community)], limit=10, after=None).items
    assert (row["record_id"], row["requested_minutes"], row["reason"]) == (
        str(asked),
        150,
        "漏记半小时",
    )
