"""The shift board matches the shifts, whichever batches its events come in."""

from datetime import timedelta

import pytest

from domain.values import Actor
from projections.running.runner import ProjectionRunner
from projections.shift_board.view import ShiftBoard
from tests import factories as f
from tests.projections.read_models import contents, other_views


def eventful_shifts(ledger) -> list:
    """和平里社区's 文明劝导: the first shift (2 places) fills and queues three; 王小明 cancels
    and signs up again, at the back; two places are added, promoting from the queue, and the
    shift is moved a day. The second fills, queues one, and is cancelled for the weather."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    first = f.shift(ledger, activity, capacity=2)
    second = f.shift(ledger, activity, starts_in=timedelta(days=3), capacity=1)
    names = ("王小明", "李春花", "赵刚", "钱芳", "孙丽")
    wang, *others = volunteers = [f.volunteer(ledger, community, name=n) for n in names]
    for volunteer in volunteers:
        ledger.sign_up(first, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_sign_up(first, wang, "临时有事", Actor.volunteer(wang))
    ledger.sign_up(first, wang, Actor.volunteer(wang))
    ledger.change_capacity(first, 4, f.ORGANISER)
    starts_at = ledger.shift(first).starts_at + timedelta(days=1)
    ledger.reschedule_shift(
        first,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        reason="场地调整",
        actor=f.ORGANISER,
    )
    for volunteer in others[:2]:
        ledger.sign_up(second, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_shift(second, "暴雨预警", f.ORGANISER)
    return [first, second]


def test_the_board_matches_the_shifts(ledger, views):
    shifts = eventful_shifts(ledger)
    ProjectionRunner(ledger, views, [ShiftBoard()]).catch_up()
    for shift_id in shifts:
        shift = ledger.shift(shift_id)
        [board] = views.query(
            "SELECT capacity, confirmed, waitlisted, status, starts_at FROM board_shifts "
            "WHERE id = ?",
            (str(shift_id),),
        )
        assert board == (
            shift.capacity,
            len(shift.confirmed),
            len(shift.waitlist),
            shift.status,
            shift.starts_at.isoformat(),
        )
        roster = views.query(
            "SELECT volunteer_id FROM board_roster WHERE shift_id = ? "
            "AND status IN ('confirmed', 'waitlisted') ORDER BY status, seq",
            (str(shift_id),),
        )
        assert [v for (v,) in roster] == [str(v) for v in (*shift.confirmed, *shift.waitlist)]


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5])
def test_batches_of_any_size_give_the_same_board(ledger, views, store_url, tmp_path, batch_size):
    eventful_shifts(ledger)
    ProjectionRunner(ledger, views, [ShiftBoard()]).catch_up()
    with other_views(store_url, tmp_path) as small:
        ProjectionRunner(ledger, small, [ShiftBoard()], batch_size=batch_size).catch_up()
        assert contents(small, [ShiftBoard()]) == contents(views, [ShiftBoard()])


def test_a_cancelled_shift_keeps_who_was_on_it_and_why(ledger, views):
    _, cancelled = eventful_shifts(ledger)
    ProjectionRunner(ledger, views, [ShiftBoard()]).catch_up()
    roster = views.query(
        "SELECT status, held FROM board_roster WHERE shift_id = ? ORDER BY seq",
        (str(cancelled),),
    )
    [shift] = views.query(
        "SELECT status, confirmed, waitlisted, cancel_reason, cancelled_at IS NOT NULL "
        "FROM board_shifts WHERE id = ?",
        (str(cancelled),),
    )
    assert roster == [("cancelled_with_shift", "confirmed"), ("cancelled_with_shift", "waitlisted")]
    assert shift == ("cancelled", 0, 0, "暴雨预警", True)


def test_the_board_keeps_each_attendance(ledger, views, clock):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=3)
    came, left, absent = (
        f.volunteer(ledger, community, name=n) for n in ("王小明", "李春花", "赵刚")
    )
    for volunteer in (came, left, absent):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    clock.set(f.at(ledger, shift, 0))
    ledger.check_in(shift, came, Actor.volunteer(came))
    ledger.check_in(shift, left, Actor.volunteer(left))
    ledger.mark_no_show(shift, absent, "未到岗", f.ORGANISER)
    clock.set(f.at(ledger, shift, 60))
    ledger.check_out(shift, left, Actor.volunteer(left))
    ProjectionRunner(ledger, views, [ShiftBoard()]).catch_up()
    rows = views.query(
        "SELECT volunteer_id, checked_in_at IS NOT NULL, checked_out_at IS NOT NULL, no_show "
        "FROM board_attendance WHERE shift_id = ?",
        (str(shift),),
    )
    assert sorted(rows) == sorted(
        [(str(came), True, False, 0), (str(left), True, True, 0), (str(absent), False, False, 1)]
    )
