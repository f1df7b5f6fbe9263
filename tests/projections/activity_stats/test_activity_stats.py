"""Activity statistics agree with the aggregates they are folded from, on every store."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import pytest

from domain.attendance import Attendance
from domain.service_record import ServiceRecord
from domain.shift import Shift
from domain.values import Actor
from projections.activity_stats.queries import activity_statistics, attendance_rate_percent
from projections.activity_stats.view import ActivityStats
from projections.running.runner import ProjectionRunner
from tests import factories as f
from tests.projections.read_models import contents, other_views


@dataclass
class Served:
    """文明劝导 in 和平里社区: two shifts served, then records approved, corrected, revoked…"""

    community: UUID
    activity: UUID
    first: UUID
    second: UUID
    volunteers: list[UUID]
    records: dict[str, UUID]


def served_activity(ledger, clock) -> Served:
    """Shift one (2 places): 王小明 checks in and out; 钱芳, promoted from the waitlist, is a
    no-show undone and then comes from the sign-in sheet. Shift two (3 places): 王小明 forgets
    to check out (closed automatically), 李春花 is a no-show, 孙丽's no-show is undone, 赵刚
    waits on the waitlist. Manual records, some for 赵奶奶, are approved, left pending or
    rejected; one record is corrected, one revoked, one request accepted, one open, one declined.
    """
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    first = f.shift(ledger, activity, starts_in=timedelta(days=1), capacity=2)
    second = f.shift(ledger, activity, starts_in=timedelta(days=2), capacity=3)
    names = ("王小明", "李春花", "赵刚", "钱芳", "孙丽")
    wang, li, zhao, qian, sun = v = [f.volunteer(ledger, community, name=n) for n in names]
    org = f.organiser(ledger, community)
    for volunteer in (wang, li, zhao, qian):
        ledger.sign_up(first, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_sign_up(first, zhao, "临时有事", Actor.volunteer(zhao))
    ledger.cancel_sign_up(first, li, "临时有事", Actor.volunteer(li))  # 钱芳 takes the place
    for volunteer in (wang, li, sun, zhao):
        ledger.sign_up(second, volunteer, Actor.volunteer(volunteer))

    clock.set(f.at(ledger, first, 10))
    ledger.check_in(first, wang, org, at=f.at(ledger, first, 0))
    ledger.mark_no_show(first, qian, "未到岗", org)
    ledger.undo_no_show(first, qian, "迟到，已补签", org)
    clock.set(f.at(ledger, first, 180))
    records = {"checked out": ledger.check_out(first, wang, org, at=f.at(ledger, first, 90))}
    records["sheet"] = ledger.record_attendance(
        first,
        qian,
        checked_in_at=f.at(ledger, first, 0),
        checked_out_at=f.at(ledger, first, 120),
        actor=org,
    )
    clock.set(f.at(ledger, second, 5))
    ledger.check_in(second, wang, org, at=f.at(ledger, second, 0))
    ledger.mark_no_show(second, li, "未到岗", org)
    ledger.mark_no_show(second, sun, "未到岗", org)
    ledger.undo_no_show(second, sun, "误标", org)
    clock.set(f.at(ledger, second, 185))
    [records["closed automatically"]] = ledger.close_overdue_attendance(second, org)

    def manual(volunteer: UUID, day: int, beneficiary: str | None) -> UUID:
        start = ledger.now() - timedelta(days=day)
        return ledger.record_service(
            volunteer_id=volunteer,
            activity_id=activity,
            started_at=start,
            ended_at=start + timedelta(hours=1),
            description="入户走访",
            beneficiary=beneficiary,
            actor=org,
        )

    records |= {
        "visit": manual(zhao, 3, "赵奶奶"),
        "second visit": manual(sun, 3, " 赵奶奶 "),
        "pending visit": manual(li, 3, "钱爷爷"),
        "rejected visit": manual(qian, 3, "孙阿姨"),
    }
    for name in ("checked out", "sheet"):  # from attendance: their organiser approves
        ledger.approve_record(records[name], org)
    for name in ("visit", "second visit"):  # entered by hand: a second organiser approves
        ledger.approve_record(records[name], f.CHECKER)
    ledger.correct_record(records["checked out"], 80, "按实际服务时间核减", org)
    ledger.revoke_record(records["sheet"], "签到表无签名", org)
    ledger.reject_record(records["rejected visit"], "非本活动服务", org)
    ledger.request_correction(records["visit"], 75, "多服务了一刻钟", Actor.volunteer(zhao))
    ledger.accept_correction_request(records["visit"], "属实", org)
    ledger.request_correction(records["checked out"], 100, "少算了", Actor.volunteer(wang))
    ledger.request_correction(records["second visit"], 70, "多算了", Actor.volunteer(sun))
    ledger.decline_correction_request(records["second visit"], "与记录相符", org)
    return Served(community, activity, first, second, v, records)


def all_events(ledger) -> list:
    """Every stored event, in order, as domain events."""
    notifications = ledger.recorder.select_notifications(start=1, limit=1_000_000)
    return [ledger.mapper.to_domain_event(n) for n in notifications]


def expected_counts(ledger, shift_ids: list[UUID], records: list[ServiceRecord]) -> dict:
    """The statistics computed from the aggregates themselves and their histories."""
    counts = dict.fromkeys(("sign_ups", "confirmed", "waitlisted", "attended", "no_shows"), 0)
    for shift_id in shift_ids:
        shift, history = ledger.shift(shift_id), ledger.history(shift_id)
        signing = (Shift.VolunteerSignedUp, Shift.VolunteerWaitlisted)
        counts["sign_ups"] += sum(isinstance(e, signing) for e in history)
        counts["confirmed"] += len(shift.confirmed)
        counts["waitlisted"] += len(shift.waitlist)
        for volunteer in {e.volunteer_id for e in history if hasattr(e, "volunteer_id")}:
            if Attendance.id_for(shift_id, volunteer) in ledger.repository:
                attendance = ledger.attendance(shift_id, volunteer)
                counts["attended"] += attendance.is_complete
                counts["no_shows"] += attendance.is_no_show
    approved = [r for r in records if r.status == "approved"]
    counts["approved_minutes"] = sum(r.minutes for r in approved)
    counts["beneficiaries"] = len({r.beneficiary.strip() for r in approved if r.beneficiary})
    return counts


@pytest.fixture
def served(ledger, clock):
    return served_activity(ledger, clock)


@pytest.fixture
def statistics(ledger, views, served):
    ProjectionRunner(ledger, views, [ActivityStats()]).catch_up()
    return activity_statistics(views, str(served.activity))


def records_of(ledger, activity, shift=None) -> list[ServiceRecord]:
    return [
        ledger.service_record(e.originator_id)
        for e in all_events(ledger)
        if isinstance(e, ServiceRecord.Recorded)
        and e.activity_id == activity
        and (shift is None or e.shift_id == shift)
    ]


def test_the_activity_totals_match_its_aggregates(ledger, served, statistics):
    records = records_of(ledger, served.activity)
    expected = expected_counts(ledger, ledger.activity(served.activity).shift_ids, records)
    totals = statistics["totals"]
    assert {name: totals[name] for name in expected} == expected


def test_each_shifts_figures_match_its_aggregates(ledger, served, statistics):
    for shift in statistics["shifts"]:
        shift_id = UUID(shift["shift_id"])
        expected = expected_counts(
            ledger, [shift_id], records_of(ledger, served.activity, shift_id)
        )
        assert {name: shift[name] for name in expected} == expected


def test_the_known_scenario_gives_the_known_figures(served, statistics):
    first, second = statistics["shifts"]
    assert [first["shift_id"], second["shift_id"]] == [str(served.first), str(served.second)]
    figures = ("sign_ups", "confirmed", "waitlisted", "attended", "no_shows")
    assert [first[name] for name in figures] == [4, 2, 0, 2, 0]
    assert [second[name] for name in figures] == [4, 3, 1, 1, 1]
    rates = [s["attendance_rate_percent"] for s in (first, second, statistics["totals"])]
    assert rates == [100, 50, 75]
    # 80 corrected (of 90) on shift one, its sheet record revoked; 75 and 60 outside shifts.
    minutes = [s["approved_minutes"] for s in (first, second, statistics["totals"])]
    assert minutes == [80, 0, 215]
    assert statistics["totals"]["beneficiaries"] == 1


def test_a_cancelled_shift_keeps_its_sign_ups_but_holds_no_places(ledger, views, clock):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    shift = f.shift(ledger, activity, capacity=1)
    for name in ("王小明", "李春花"):
        volunteer = f.volunteer(ledger, community, name=name)
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_shift(shift, "暴雨预警", f.ORGANISER)
    ProjectionRunner(ledger, views, [ActivityStats()]).catch_up()
    [figures] = activity_statistics(views, str(activity))["shifts"]
    assert (figures["status"], figures["sign_ups"], figures["confirmed"]) == ("cancelled", 2, 0)
    assert figures["attendance_rate_percent"] is None


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5])
def test_batches_of_any_size_give_the_same_statistics(
    ledger, views, served, store_url, tmp_path, batch_size
):
    ProjectionRunner(ledger, views, [ActivityStats()]).catch_up()
    with other_views(store_url, tmp_path) as small:
        ProjectionRunner(ledger, small, [ActivityStats()], batch_size=batch_size).catch_up()
        assert contents(small, [ActivityStats()]) == contents(views, [ActivityStats()])


@pytest.mark.parametrize(
    ("attended", "no_shows", "percent"),
    [(0, 0, None), (3, 1, 75), (2, 1, 67), (1, 2, 33), (1, 7, 13), (0, 4, 0), (5, 0, 100)],
)
def test_the_attendance_rate_is_a_whole_percentage_rounded_half_up(attended, no_shows, percent):
    assert attendance_rate_percent(attended, no_shows) == percent
