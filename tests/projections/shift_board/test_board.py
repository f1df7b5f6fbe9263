"""The board query: a subtree by the directory's tree, and each volunteer's place on a shift."""

from datetime import timedelta

from domain.values import Actor
from projections.shift_board.board import BoardFilter, shift_board
from projections.stores.lookups import like_pattern
from tests import factories as f


def test_a_subtree_takes_in_the_organisations_below_and_no_others(ledger, runner, views):
    district = f.district(ledger)
    street = ledger.create_organisation(
        name="和平里街道", kind="street", parent_id=district, actor=f.ADMIN
    )
    inside = f.shift(ledger, f.activity(ledger, f.community(ledger, street)))
    outside = f.shift(ledger, f.activity(ledger, f.community(ledger, name="东四社区")))
    runner.catch_up()
    page = shift_board(
        views, BoardFilter(now=ledger.now(), organisation_id=str(street)), limit=10, after=None
    )
    assert [row["id"] for row in page.items] == [str(inside)]
    everything = shift_board(views, BoardFilter(now=ledger.now()), limit=10, after=None)
    assert {row["id"] for row in everything.items} == {str(inside), str(outside)}


def test_a_waitlisted_volunteer_learns_their_place_in_line(ledger, runner, views):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=1)
    first, second, third = (f.volunteer(ledger, community) for _ in range(3))
    for volunteer in (first, second, third):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_sign_up(shift, second, "临时有事", Actor.volunteer(second))
    runner.catch_up()
    wanted = BoardFilter(now=ledger.now(), volunteer_id=str(third))
    [row] = shift_board(views, wanted, limit=10, after=None).items
    assert (row["my_status"], row["my_waitlist_position"]) == ("waitlisted", 1)


def test_status_follows_the_clock(ledger, runner, views, clock):
    shift = f.shift(ledger, f.activity(ledger, f.community(ledger)), hours=2)
    runner.catch_up()
    statuses = []
    for later in (timedelta(0), timedelta(days=1, hours=1), timedelta(days=1, hours=2)):
        wanted = BoardFilter(now=clock.now + later)
        [row] = shift_board(views, wanted, limit=10, after=None).items
        statuses.append(row["status"])
    assert row["id"] == str(shift)
    assert statuses == ["scheduled", "running", "completed"]


def test_a_like_pattern_matches_wildcards_only_as_themselves():
    assert like_pattern("100%_a\\B") == "%100\\%\\_a\\\\b%"
