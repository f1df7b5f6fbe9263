"""The supervision ledger agrees with the aggregates, and dates no-shows by local midnight."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.attendance import Attendance
from domain.ledger import Ledger
from domain.periods import Period
from domain.policy import Policy
from domain.values import Actor, local_date
from projections.directory.view import Directory
from projections.running.runner import ProjectionRunner
from projections.supervision.queries import supervision
from projections.supervision.view import Supervision
from tests import factories as f
from tests.projections.activity_stats.test_activity_stats import records_of, served_activity
from tests.projections.read_models import contents, other_views


@pytest.fixture
def served(ledger, clock, views):
    served = served_activity(ledger, clock)
    ProjectionRunner(ledger, views, [Directory(), Supervision()]).catch_up()
    return served


def ledger_of(views, served, *, now=None, pending_days=7, period="all", organisations=None):
    return supervision(
        views,
        organisations or [str(served.community)],
        now=now or datetime.now(UTC),
        pending_days=pending_days,
        period=Period.parse(period),
    )


def recorded_at(ledger, record):
    return ledger.history(record.id)[0].timestamp


def test_records_pending_longer_than_n_days_are_listed(ledger, views, served):
    pending = [r for r in records_of(ledger, served.activity) if r.status == "pending"]
    latest = max(recorded_at(ledger, r) for r in pending)
    found = ledger_of(views, served, now=latest + timedelta(days=7, seconds=1))
    assert {item["record_id"] for item in found["pending_approval"]} == {str(r.id) for r in pending}
    assert {item["days_pending"] for item in found["pending_approval"]} == {7}
    first = min(pending, key=lambda r: recorded_at(ledger, r))
    at_threshold = recorded_at(ledger, first) + timedelta(days=7)
    assert ledger_of(views, served, now=at_threshold)["pending_approval"] == []
    just_past = ledger_of(views, served, now=at_threshold + timedelta(microseconds=1))
    assert [
        (item["record_id"], item["volunteer_name"]) for item in just_past["pending_approval"]
    ] == [(str(first.id), ledger.volunteer(first.volunteer_id).name)]


def test_every_pending_record_is_listed_oldest_first_with_its_age(ledger, views, served):
    pending = [r for r in records_of(ledger, served.activity) if r.status == "pending"]
    first = min(pending, key=lambda r: recorded_at(ledger, r))
    now = recorded_at(ledger, first) + timedelta(days=2, hours=1)
    found = ledger_of(views, served, now=now, pending_days=None)["pending_approval"]
    assert [item["record_id"] for item in found] == [
        str(r.id) for r in sorted(pending, key=lambda r: (recorded_at(ledger, r), str(r.id)))
    ]
    assert found[0]["days_pending"] == 2


def test_closed_check_ins_awaiting_review_and_open_requests_match_the_records(
    ledger, views, served
):
    records = records_of(ledger, served.activity)
    found = ledger_of(views, served)
    review = {str(r.id) for r in records if r.needs_review and r.status == "pending"}
    assert {item["record_id"] for item in found["awaiting_review"]} == review
    requests = {(str(r.id), r.requested_minutes) for r in records if r.has_open_correction_request}
    assert (
        {
            (item["record_id"], item["requested_minutes"])
            for item in found["open_correction_requests"]
        }
        == requests
        == {(str(served.records["checked out"]), 100)}
    )


def test_no_shows_are_those_standing_on_the_organisations_shifts_in_the_period(
    ledger, views, served
):
    standing = [
        (shift_id, volunteer, local_date(ledger.shift(shift_id).starts_at, "Asia/Shanghai"))
        for shift_id in (served.first, served.second)
        for volunteer in served.volunteers
        if Attendance.id_for(shift_id, volunteer) in ledger.repository
        and ledger.attendance(shift_id, volunteer).is_no_show
    ]
    for period, count in [("all", 1), ("2026", 1), ("2026-B2", 1), ("2026-03", 1), ("2026-B1", 0)]:
        expected = {
            (str(s), str(v)) for s, v, day in standing if Period.parse(period).contains(day)
        }
        found = ledger_of(views, served, period=period)["no_shows"]
        assert {(item["shift_id"], item["volunteer_id"]) for item in found} == expected
        assert len(expected) == count
    elsewhere = f.community(ledger, name="东四社区")
    found = ledger_of(views, served, organisations=[str(elsewhere)])
    assert all(items == [] for items in found.values())


PERIODS = {
    "2026-B1": {"23:30 on the last day of February", "the same moment in London"},
    "2026-02": {"23:30 on the last day of February", "the same moment in London"},
    "2026-B2": {"midnight on the first of March"},
    "2026-03": {"midnight on the first of March"},
    "2026": {
        "23:30 on the last day of February",
        "the same moment in London",
        "midnight on the first of March",
    },
}


def test_a_no_show_is_dated_by_the_shifts_local_start(ledger, views, clock):
    clock.set(datetime(2026, 2, 20, tzinfo=UTC))
    shanghai = f.community(ledger)
    london = ledger.create_organisation(
        name="伦敦华人志愿者协会", kind="ngo", timezone="Europe/London", actor=f.ADMIN
    )
    starts = {
        # 2026-02-28 15:30 UTC is 23:30 in Shanghai; 16:00 UTC is midnight there.
        "23:30 on the last day of February": (shanghai, datetime(2026, 2, 28, 15, 30, tzinfo=UTC)),
        "midnight on the first of March": (shanghai, datetime(2026, 2, 28, 16, 0, tzinfo=UTC)),
        "the same moment in London": (london, datetime(2026, 2, 28, 16, 0, tzinfo=UTC)),
    }
    shifts = {}
    for name, (organisation, start) in starts.items():
        activity = f.activity(ledger, organisation, title=name)
        shift = ledger.add_shift(
            activity,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            capacity=1,
            actor=f.ORGANISER,
        )
        volunteer = f.volunteer(ledger, organisation)
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
        shifts[shift] = name
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    for shift in shifts:
        [volunteer] = ledger.shift(shift).confirmed
        ledger.mark_no_show(shift, volunteer, "未到岗", f.ORGANISER)
    ProjectionRunner(ledger, views, [Directory(), Supervision()]).catch_up()
    for period, expected in PERIODS.items():
        found = supervision(
            views,
            [str(shanghai), str(london)],
            now=clock.now,
            pending_days=7,
            period=Period.parse(period),
        )
        assert {shifts[UUID(item["shift_id"])] for item in found["no_shows"]} == expected


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5])
def test_batches_of_any_size_give_the_same_ledger(
    ledger, views, clock, store_url, tmp_path, batch_size
):
    served = served_activity(ledger, clock)
    shift = f.shift(ledger, served.activity, starts_in=timedelta(days=1), capacity=1)
    volunteer = served.volunteers[0]
    ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    starts_at = ledger.shift(shift).starts_at + timedelta(hours=20)  # past local midnight
    ledger.reschedule_shift(
        shift,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        reason="改期",
        actor=f.ORGANISER,
    )
    clock.set(starts_at + timedelta(hours=1))
    ledger.mark_no_show(shift, volunteer, "未到岗", f.ORGANISER)
    ProjectionRunner(ledger, views, [Supervision()]).catch_up()
    with other_views(store_url, tmp_path) as small:
        ProjectionRunner(ledger, small, [Supervision()], batch_size=batch_size).catch_up()
        assert contents(small, [Supervision()]) == contents(views, [Supervision()])
    [(starts,)] = views.query(
        "SELECT starts_at FROM supervision_no_shows WHERE shift_id = ?", (str(shift),)
    )
    assert datetime.fromisoformat(starts) == starts_at


def test_pending_records_say_who_recorded_and_who_confirmed_them(ledger, clock, views):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang, li = (f.volunteer(ledger, community, name=n) for n in ("王小明", "李春花"))
    organiser = f.organiser(ledger, community)
    start = clock.now - timedelta(days=1)
    records = [
        ledger.record_service(
            volunteer_id=v,
            activity_id=activity,
            started_at=start,
            ended_at=start + timedelta(hours=2),
            description="入户走访",
            actor=organiser,
        )
        for v in (wang, li)
    ]
    ledger.confirm_record(records[0], Actor.volunteer(wang))
    ProjectionRunner(ledger, views, [Directory(), Supervision()]).catch_up()
    found = supervision(
        views,
        [str(community)],
        now=datetime.now(UTC) + timedelta(days=30),
        pending_days=7,
        period=Period.parse("all"),
    )
    assert sorted(
        (item["volunteer_name"], item["recorded_by"], item["confirmed_by"], item["approved_by"])
        for item in found["pending_approval"]
    ) == [
        ("李春花", str(organiser), None, None),
        ("王小明", str(organiser), f"volunteer:{wang}", None),
    ]
    assert found["single_organiser_approvals"] == []


def test_a_correction_clears_the_confirmation_it_did_not_see(ledger, clock, views):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang = f.volunteer(ledger, community)
    record = f.record_by_hand(ledger, wang, activity, f.organiser(ledger, community))
    ledger.confirm_record(record, Actor.volunteer(wang))
    ledger.correct_record(record, 90, "提前离开", f.CHECKER)
    ProjectionRunner(ledger, views, [Directory(), Supervision()]).catch_up()
    found = supervision(
        views,
        [str(community)],
        now=datetime.now(UTC) + timedelta(days=30),
        pending_days=7,
        period=Period.parse("all"),
    )
    [item] = found["pending_approval"]
    assert (item["minutes"], item["confirmed_by"]) == (90, None)


def test_approvals_with_no_second_party_are_listed_with_who_approved(store_url, clock, views):
    ledger = Ledger(store_url, clock=clock, policy=Policy(single_organiser_approval=True))
    try:
        community = f.community(ledger)
        activity = f.activity(ledger, community)
        wang, li = (f.volunteer(ledger, community, name=n) for n in ("王小明", "李春花"))
        organiser = f.organiser(ledger, community)
        records = []
        for days, volunteer in ((2, wang), (1, li)):
            records.append(f.record_by_hand(ledger, volunteer, activity, organiser, days_ago=days))
        ledger.approve_record(records[0], organiser)  # alone
        ledger.approve_record(records[1], f.CHECKER)  # a second party
        ProjectionRunner(ledger, views, [Directory(), Supervision()]).catch_up()
        found = supervision(
            views, [str(community)], now=clock.now, pending_days=7, period=Period.parse("all")
        )
        assert [
            (item["record_id"], item["recorded_by"], item["approved_by"])
            for item in found["single_organiser_approvals"]
        ] == [(str(records[0]), str(organiser), str(organiser))]
    finally:
        ledger.close()


def test_raises_of_approved_minutes_with_no_second_party_are_listed_with_who_raised(
    store_url, clock, views
):
    ledger = Ledger(store_url, clock=clock, policy=Policy(single_organiser_approval=True))
    try:
        community = f.community(ledger)
        activity = f.activity(ledger, community)
        wang, li = (f.volunteer(ledger, community, name=n) for n in ("王小明", "李春花"))
        organiser = f.organiser(ledger, community)
        records = []
        for days, volunteer in ((2, wang), (1, li)):
            records.append(f.record_by_hand(ledger, volunteer, activity, organiser, days_ago=days))
            ledger.approve_record(records[-1], f.CHECKER)
        ledger.correct_record(records[0], 90, "提前离开", organiser)  # lowered
        ledger.correct_record(records[0], 150, "补录漏记时间", organiser)  # raised alone
        ledger.request_correction(records[1], 180, "签退时系统故障", Actor.volunteer(li))
        ledger.accept_correction_request(records[1], "核对签到表属实", organiser)  # asked for
        ProjectionRunner(ledger, views, [Directory(), Supervision()]).catch_up()
        found = supervision(
            views, [str(community)], now=clock.now, pending_days=7, period=Period.parse("all")
        )
        [raised] = found["single_organiser_raises"]
        assert (
            raised["record_id"],
            raised["volunteer_name"],
            raised["raised_from"],
            raised["raised_to"],
            raised["raised_by"],
            raised["reason"],
        ) == (str(records[0]), "王小明", 90, 150, str(organiser), "补录漏记时间")
        assert found["single_organiser_approvals"] == []
    finally:
        ledger.close()
