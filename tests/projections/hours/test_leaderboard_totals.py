"""The leaderboard read from the kept totals answers exactly as summing every record did.

The oracle is the query the leaderboard ran before the totals existed: it sums the approved
records of ``hours_records`` on each call. The ledger changes between catch-ups, so records
written in one batch are approved, corrected and revoked in later ones.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.periods import Period
from domain.values import Actor
from projections.hours.queries import SUBTREE, leaderboard
from tests import factories as f
from tests.factories import ORGANISER

PERIODS = ("all", "2025", "2026", "2025-B6", "2026-B1", "2025-12", "2026-01", "2026-02")
CATEGORIES = (None, "文明劝导", "义诊")
PUBLIC = {"public_as_of": date(2026, 2, 20), "adult_born_by": date(2008, 2, 20)}
EVERYONE = {"public_as_of": None, "adult_born_by": None}


def summed_on_each_call(views, organisation_id, period, category, public_as_of, adult_born_by):
    """The leaderboard's rows as the query before ``hours_totals`` computed them."""
    where, params = "", []
    if period.kind != "all":
        where, params = f" AND r.{period.kind} = ?", [period.text]
    if category is not None:
        where += " AND r.category = ?"
        params.append(category)
    visible, visible_params = "", []
    if public_as_of is not None:
        visible = (
            " AND v.status = 'active' AND v.listed_publicly = 1"
            " AND (v.birth_date <= ? OR v.guardian_listing_consent = 1)"
        )
        visible_params = [(adult_born_by or public_as_of).isoformat()]
    rows = views.query(
        f"WITH RECURSIVE {SUBTREE}, "
        "totals AS (SELECT r.volunteer_id, SUM(r.minutes) AS minutes FROM hours_records r "
        f"WHERE r.status = 'approved'{where} GROUP BY r.volunteer_id), "
        "ranked AS (SELECT v.id, v.volunteer_number, v.name, t.minutes, "
        "RANK() OVER (ORDER BY t.minutes DESC) AS rank "
        "FROM totals t JOIN dir_volunteers v ON v.id = t.volunteer_id "
        f"WHERE t.minutes > 0 AND v.organisation_id IN (SELECT id FROM subtree){visible}) "
        "SELECT id, volunteer_number, name, minutes, rank FROM ranked "
        "ORDER BY minutes DESC, volunteer_number",
        [organisation_id, *params, *visible_params],
    )
    return [
        (vid, number, name, int(minutes), int(rank)) for vid, number, name, minutes, rank in rows
    ]


def paged(views, organisation_id, period, category, limit, **visibility):
    """Every entry of the board, read ``limit`` at a time by following the cursor."""
    rows, after = [], None
    while True:
        board = leaderboard(
            views,
            organisation_id,
            period,
            category=category,
            limit=limit,
            after=after,
            **visibility,
        )
        rows += [
            (e["volunteer_id"], e["volunteer_number"], e["name"], e["approved_minutes"], e["rank"])
            for e in board.entries
        ]
        if board.next_after is None:
            return rows
        after = board.next_after


def served(ledger, clock, activity, volunteer, day: datetime, minutes: int):
    clock.set(day + timedelta(days=1))
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=day,
        ended_at=day + timedelta(minutes=minutes),
        description="走访",
        actor=f.home_organiser(ledger, volunteer),
    )


@pytest.fixture
def varied(ledger, clock, runner):
    """Two communities of a district, two categories, service either side of New Year in
    Beijing; approvals, corrections both ways, a revocation, a rejection, a move, an
    opt-out, a minor and an erasure, caught up in several batches."""
    district = f.district(ledger)
    east, west = (f.community(ledger, district, name=n) for n in ("东四社区", "西四社区"))
    patrol = {c: f.activity(ledger, c) for c in (east, west)}
    clinic = ledger.create_activity(
        title="社区义诊",
        category="义诊",
        organisation_id=east,
        location="社区卫生站",
        description="量血压",
        actor=ORGANISER,
    )
    people = [f.volunteer(ledger, east, name=n) for n in ("王秀英", "李建国", "赵刚")]
    people += [f.volunteer(ledger, west, name=n) for n in ("孙丽", "周强", "吴敏")]
    minor = ledger.register_volunteer(
        name="刘小雨",
        phone=f.next_phone(),
        birth_date=date(2011, 9, 1),
        home_organisation_id=west,
        privacy_consent=True,
        guardian_name="刘建国",
        guardian_consent=True,
    )
    people.append(minor)  # listed, without a guardian's consent to it: not shown publicly
    new_year = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)  # midnight in Beijing
    records = []
    for i, person in enumerate(people):
        home = east if i < 3 else west
        for j, offset in enumerate((-3, -1, 0, 2, 40)):  # 40 days on: February
            activity = clinic if (i + j) % 3 == 0 and home == east else patrol[home]
            day = new_year + timedelta(days=offset, hours=i)
            records.append(served(ledger, clock, activity, person, day, 60 + 30 * ((i + j) % 4)))
    runner.catch_up()
    for record in records[:3] + records[4:7] + records[8:11] + records[12:]:
        ledger.approve_record(record, ORGANISER)
    runner.catch_up()
    ledger.approve_record(records[3], ORGANISER)
    f.raise_as_asked(ledger, records[0], 240, ORGANISER)
    ledger.correct_record(records[4], 30, "多记了", ORGANISER)
    maker = f.home_organiser(ledger, people[1])
    ledger.correct_record(records[7], 45, "未审先改", maker)  # pending: counts once approved
    ledger.revoke_record(records[2], "重复录入", ORGANISER)
    ledger.reject_record(records[11], "无签到记录", ORGANISER)
    runner.catch_up()
    ledger.approve_record(records[7], ORGANISER)
    ledger.move_volunteer(people[1], west, "搬家", ORGANISER)
    ledger.change_listing(
        people[4], public=False, guardian_consent=False, actor=Actor.volunteer(people[4])
    )
    ledger.erase_volunteer(people[5], "本人申请", ORGANISER)
    runner.catch_up()
    return {"district": str(district), "east": str(east), "west": str(west)}


@pytest.mark.parametrize("visibility", [EVERYONE, PUBLIC], ids=["organisers", "public"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_the_kept_totals_rank_as_summing_every_record_did(views, varied, category, visibility):
    for scope in ("district", "east", "west"):
        for text in PERIODS:
            period = Period.parse(text)
            expected = summed_on_each_call(views, varied[scope], period, category, **visibility)
            assert paged(views, varied[scope], period, category, 50, **visibility) == expected


def test_pages_of_two_join_up_into_the_whole_board(views, varied):
    period = Period.parse("all")
    expected = summed_on_each_call(views, varied["district"], period, None, **EVERYONE)
    assert len(expected) > 4
    assert paged(views, varied["district"], period, None, 2, **EVERYONE) == expected


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_ties_split_across_pages_keep_their_shared_rank(views, varied, limit):
    boards = [
        (varied[scope], Period.parse(text), category, visibility)
        for scope in ("district", "east", "west")
        for text in PERIODS
        for category in CATEGORIES
        for visibility in (EVERYONE, PUBLIC)
    ]
    tied = 0
    for organisation_id, period, category, visibility in boards:
        expected = summed_on_each_call(views, organisation_id, period, category, **visibility)
        ranks = [row[4] for row in expected]
        tied += len(ranks) - len(set(ranks))
        assert paged(views, organisation_id, period, category, limit, **visibility) == expected
    assert tied > 10  # the boards have ties for the pages to split


def test_a_volunteer_who_moved_counts_in_the_new_community_with_all_their_minutes(views, varied):
    west = summed_on_each_call(views, varied["west"], Period.parse("all"), None, **EVERYONE)
    east = summed_on_each_call(views, varied["east"], Period.parse("all"), None, **EVERYONE)
    assert "李建国" in [row[2] for row in west]
    assert "李建国" not in [row[2] for row in east]
    assert paged(views, varied["west"], Period.parse("all"), None, 50, **EVERYONE) == west
