from domain.values import Actor
from projections import all_projections
from projections.runner import ProjectionRunner
from projections.views.shift_board import ShiftBoard
from tests import factories as f


def busy_shift(ledger, signups=3, capacity=2):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=capacity)
    volunteers = [f.volunteer(ledger, community, name=f"志愿者{i}") for i in range(signups)]
    for v in volunteers:
        ledger.sign_up(shift, v, Actor.volunteer(v))
    return shift, volunteers


def board(views, shift):
    return views.query(
        "SELECT capacity, confirmed, waitlisted, status FROM board_shifts WHERE id = ?",
        (str(shift),),
    )[0]


def test_catching_up_applies_every_stored_event(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()
    assert board(views, shift) == (2, 2, 1, "scheduled")
    assert {p.position for p in runner.progress()} == {ledger.recorder.max_notification_id()}


def test_a_second_catch_up_applies_nothing(ledger, views, runner):
    busy_shift(ledger)
    runner.catch_up()
    assert runner.catch_up() == 0


def test_a_new_runner_resumes_where_the_last_stopped(ledger, views, runner):
    shift, volunteers = busy_shift(ledger)
    runner.catch_up()
    ledger.cancel_sign_up(shift, volunteers[0], "有事", Actor.volunteer(volunteers[0]))
    restarted = ProjectionRunner(ledger, views, all_projections())
    assert restarted.catch_up() > 0
    assert board(views, shift) == (2, 2, 0, "scheduled")


def test_small_batches_give_the_same_read_model(ledger, views):
    shift, _ = busy_shift(ledger, signups=5, capacity=3)
    ProjectionRunner(ledger, views, all_projections(), batch_size=2).catch_up()
    assert board(views, shift) == (3, 3, 2, "scheduled")


def test_a_rebuild_replays_to_the_same_read_model(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()
    before = board(views, shift)
    shift_board = next(p for p in runner.projections if isinstance(p, ShiftBoard))
    runner.rebuild(shift_board)
    assert views.query("SELECT COUNT(*) FROM board_shifts") == [(0,)]
    runner.catch_up()
    assert board(views, shift) == before


def test_waiting_for_a_position_catches_up_to_it(ledger, views, runner):
    busy_shift(ledger)
    position = ledger.last_position
    assert runner.wait_for(position, timeout=2) >= position


def test_a_follower_processes_new_events_by_itself(ledger, views, runner):
    runner.follow(interval=0.01)
    try:
        shift, _ = busy_shift(ledger)
        runner.wait_for(ledger.last_position, timeout=5)
        assert board(views, shift)[1:3] == (2, 1)
    finally:
        runner.stop()


def test_a_projection_with_a_new_version_is_rebuilt(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()

    class ShiftBoardV2(ShiftBoard):
        version = 2

    upgraded = ProjectionRunner(ledger, views, [ShiftBoardV2()])
    assert upgraded.position(upgraded.projections[0]) == 0
    upgraded.catch_up()
    assert board(views, shift) == (2, 2, 1, "scheduled")


def test_the_roster_keeps_the_waitlist_order(ledger, views, runner):
    shift, volunteers = busy_shift(ledger, signups=4, capacity=1)
    ledger.change_capacity(shift, 2, f.ORGANISER)
    runner.catch_up()
    roster = views.query(
        "SELECT volunteer_id, status FROM board_roster WHERE shift_id = ? ORDER BY status, seq",
        (str(shift),),
    )
    assert roster == [
        (str(volunteers[0]), "confirmed"),
        (str(volunteers[1]), "confirmed"),
        (str(volunteers[2]), "waitlisted"),
        (str(volunteers[3]), "waitlisted"),
    ]
