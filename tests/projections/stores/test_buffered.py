"""Views that hold a batch's rows in memory: the same tables whether a story's events share a
batch or each has its own."""

from datetime import timedelta

import pytest

from domain.values import Actor
from projections.directory.view import Directory
from projections.hours.view import Hours
from projections.running.runner import ProjectionRunner
from projections.service_records.queries import records_of_volunteer
from projections.service_records.view import ServiceRecords
from projections.stores.buffered import BufferedTable
from projections.stores.sqlite import SQLiteViewStore
from tests import factories as f
from tests.factories import ADMIN, ORGANISER
from tests.projections.read_models import contents, other_views


def record(ledger, clock, activity, volunteer, *, days_ago: int, minutes: int = 120):
    start = clock.now - timedelta(days=days_ago)
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        description="独居老人走访",
        actor=f.home_organiser(ledger, volunteer),
    )


def story(ledger, clock):
    """Every change the three views take, several to the same rows: 王秀英's records are
    approved, corrected on her request, revoked; the directory's rows change over and over."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang = f.volunteer(ledger, community, name="王秀英")
    her = Actor.volunteer(wang)
    first = record(ledger, clock, activity, wang, days_ago=3)
    ledger.approve_record(first, ORGANISER)
    ledger.request_correction(first, 150, "签退晚了半小时", her)
    ledger.accept_correction_request(first, "与签到表相符", ORGANISER)
    ledger.request_correction(first, 180, "还有路上的时间", her)
    ledger.decline_correction_request(first, "路上时间不计", ORGANISER)
    ledger.revoke_record(first, "重复录入", ORGANISER)
    second = record(ledger, clock, activity, wang, days_ago=2, minutes=60)
    ledger.correct_record(second, 90, "按签到表更正", ORGANISER)
    ledger.approve_record(second, f.CHECKER)
    ledger.correct_record(second, 75, "再次核对", ORGANISER)
    ledger.rename_organisation(community, "和平里第一社区", ADMIN, reason="社区更名")
    ledger.suspend_volunteer(wang, "核查中", ADMIN)
    ledger.reinstate_volunteer(wang, "核查完毕", ADMIN)
    ledger.change_listing(wang, public=False, guardian_consent=False, actor=her)
    ledger.close_activity(activity, "活动结束", ORGANISER)
    return wang


def views_of_the_story():
    return [Directory(), Hours(), ServiceRecords()]


@pytest.mark.parametrize("batch_size", [1, 3])
def test_a_story_gives_the_same_rows_in_small_batches_as_all_in_one(
    ledger, clock, views, store_url, tmp_path, batch_size
):
    story(ledger, clock)
    ProjectionRunner(ledger, views, views_of_the_story(), batch_size=1000).catch_up()
    with other_views(store_url, tmp_path) as small:
        ProjectionRunner(ledger, small, views_of_the_story(), batch_size=batch_size).catch_up()
        assert contents(views, views_of_the_story()) == contents(small, views_of_the_story())


def test_a_record_s_history_lists_every_event_in_order(ledger, clock, views):
    wang = story(ledger, clock)
    ProjectionRunner(ledger, views, views_of_the_story(), batch_size=3).catch_up()
    page = records_of_volunteer(views, str(wang), limit=10, after=None)
    first, second = sorted(page.items, key=lambda item: item["started_at"])
    assert [(h["event"], h["minutes"]) for h in first["history"]] == [
        ("Recorded", 120),
        ("Approved", None),
        ("CorrectionRequested", 150),
        ("CorrectionRequestAccepted", 150),
        ("Corrected", 150),
        ("CorrectionRequested", 180),
        ("CorrectionRequestDeclined", None),
        ("Revoked", None),
    ]
    assert (first["status"], first["minutes"], first["requested_minutes"]) == ("revoked", 150, None)
    assert [h["reason"] for h in second["history"]][1:] == ["按签到表更正", None, "再次核对"]
    positions = [h["position"] for h in first["history"] + second["history"]]
    assert positions == sorted(positions)


def test_a_reason_with_line_breaks_of_any_kind_reads_back_as_written(ledger, clock, views):
    community = f.community(ledger)
    wang = f.volunteer(ledger, community, name="王秀英")
    first = record(ledger, clock, f.activity(ledger, community), wang, days_ago=1)
    reason = '第一行\n第二行\u2028第三行\r\n\x85"引号" \\ 完'
    ledger.reject_record(first, reason, ORGANISER)
    ProjectionRunner(ledger, views, views_of_the_story()).catch_up()
    [item] = records_of_volunteer(views, str(wang), limit=10, after=None).items
    assert [h["reason"] for h in item["history"]] == [None, reason]


@pytest.fixture
def table():
    views = SQLiteViewStore(":memory:")
    with views.transaction() as tx:
        tx.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, state TEXT, n INTEGER, log TEXT)")
    yield views, BufferedTable("notes", ("id", "state", "n", "log"))
    views.close()


def apply(views, table, *changes):
    with views.transaction() as tx:
        for change in changes:
            change(table)
        table.write(tx)


def test_changes_give_the_same_row_in_the_inserting_batch_as_in_later_ones(table):
    views, notes = table

    def insert(t):
        t.insert("甲", "new", 1, "a;")

    changes = [
        lambda t: t.update("甲", state="seen", n=2),
        lambda t: t.append("甲", "log", "b;"),
        lambda t: t.update("甲", state="done"),
        lambda t: t.append("甲", "log", "c;"),
    ]
    apply(views, notes, insert, *changes)
    together = views.query("SELECT * FROM notes")
    with views.transaction() as tx:
        tx.execute("DELETE FROM notes")
    apply(views, notes, insert)
    apply(views, notes, *changes[:2])
    apply(views, notes, *changes[2:])
    assert views.query("SELECT * FROM notes") == together == [("甲", "done", 2, "a;b;c;")]


def test_a_row_inserted_twice_in_one_batch_is_refused(table):
    _, notes = table
    notes.insert("甲", "new", 1, "")
    with pytest.raises(ValueError, match="inserted twice"):
        notes.insert("甲", "new", 1, "")


def test_clearing_drops_what_a_failed_batch_held(table):
    views, notes = table
    notes.insert("甲", "new", 1, "")
    notes.update("乙", state="lost")
    notes.clear()
    apply(views, notes)
    assert views.query("SELECT COUNT(*) FROM notes") == [(0,)]
