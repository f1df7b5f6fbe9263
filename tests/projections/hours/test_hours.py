"""The hours read model and its queries, checked against totals folded independently here."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.periods import Period
from domain.values import Actor
from projections.hours.queries import leaderboard, rank_children, volunteer_summary
from tests import factories as f
from tests.factories import ORGANISER

STARS = [100 * 60, 300 * 60]


def whole_board(views, organisation_id, period):
    """The leaderboard with no filter: every category, everyone listed, one page."""
    return leaderboard(
        views,
        organisation_id,
        period,
        category=None,
        public_as_of=None,
        adult_born_by=None,
        limit=50,
        after=None,
    )


def independent_minutes(ledger) -> dict[str, dict]:
    """Each record's current minutes and status, folded straight from the stored events."""
    records: dict[str, dict] = {}
    for notification in ledger.recorder.select_notifications(start=1, limit=100_000):
        event = ledger.mapper.to_domain_event(notification)
        name, key = type(event).__qualname__, str(event.originator_id)
        if name == "ServiceRecord.Recorded":
            records[key] = {
                "volunteer": str(event.volunteer_id),
                "minutes": event.minutes,
                "status": "pending",
                "date": event.service_date,
            }
        elif name == "ServiceRecord.Corrected":
            records[key]["minutes"] = event.minutes
        elif name in ("ServiceRecord.Approved", "ServiceRecord.Rejected", "ServiceRecord.Revoked"):
            records[key]["status"] = name.split(".")[1].lower()
    return records


def served(ledger, clock, activity, volunteer, *, start: datetime, minutes: int) -> str:
    clock.set(start + timedelta(days=1))
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        description="走访",
        actor=f.home_organiser(ledger, volunteer),
    )


@pytest.fixture
def scenario(ledger, clock):
    """Three volunteers of one community with approved, corrected, revoked, rejected and
    pending records, two of them either side of midnight in Beijing on 1 March."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang, li, zhao = (f.volunteer(ledger, community, name=n) for n in ("王秀英", "李建国", "赵刚"))
    feb_last = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)  # 23:00 on 28 Feb in Beijing
    mar_first = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)  # 00:00 on 1 March in Beijing
    a = served(ledger, clock, activity, wang, start=feb_last - timedelta(hours=2), minutes=120)
    b = served(ledger, clock, activity, wang, start=mar_first, minutes=90)
    c = served(ledger, clock, activity, li, start=mar_first + timedelta(days=1), minutes=210)
    d = served(ledger, clock, activity, li, start=mar_first + timedelta(days=2), minutes=60)
    e = served(ledger, clock, activity, zhao, start=mar_first + timedelta(days=3), minutes=210)
    served(ledger, clock, activity, zhao, start=mar_first + timedelta(days=4), minutes=45)
    for record in (a, b, c, d, e):
        ledger.approve_record(record, ORGANISER)
    f.raise_as_asked(ledger, c, 300, ORGANISER)
    f.raise_as_asked(ledger, e, 300, ORGANISER)  # ties 李建国 at 300 + …
    ledger.revoke_record(d, "重复录入", ORGANISER)
    rejected = served(
        ledger, clock, activity, wang, start=mar_first + timedelta(days=5), minutes=30
    )
    ledger.reject_record(rejected, "无签到记录", ORGANISER)
    return {"community": community, "wang": wang, "li": li, "zhao": zhao}


def expected_approved(ledger, period: Period) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for record in independent_minutes(ledger).values():
        if record["status"] == "approved" and period.contains(record["date"]):
            totals[record["volunteer"]] += record["minutes"]
    return dict(totals)


@pytest.mark.parametrize("period", ["all", "2026", "2026-B1", "2026-B2", "2026-02", "2026-03"])
def test_leaderboard_totals_match_the_events(ledger, runner, views, scenario, period):
    runner.catch_up()
    board = whole_board(views, str(scenario["community"]), Period.parse(period))
    shown = {e["volunteer_id"]: e["approved_minutes"] for e in board.entries}
    assert shown == expected_approved(ledger, Period.parse(period))


def test_midnight_in_beijing_splits_february_from_march(ledger, runner, views, scenario):
    runner.catch_up()
    february = whole_board(views, str(scenario["community"]), Period.parse("2026-02"))
    assert [(e["volunteer_id"], e["approved_minutes"]) for e in february.entries] == [
        (str(scenario["wang"]), 120)
    ]


def test_equal_minutes_share_a_rank_and_are_listed_by_volunteer_number(
    ledger, runner, views, scenario
):
    runner.catch_up()
    board = whole_board(views, str(scenario["community"]), Period.parse("all"))
    ranks = [(e["rank"], e["approved_minutes"]) for e in board.entries]
    assert ranks == [(1, 300), (1, 300), (3, 210)]
    tied = [e["volunteer_number"] for e in board.entries[:2]]
    assert tied == sorted(tied)


def test_pages_of_a_leaderboard_follow_each_other(ledger, runner, views, scenario):
    runner.catch_up()
    args = {"category": None, "public_as_of": None, "adult_born_by": None}
    first = leaderboard(
        views, str(scenario["community"]), Period.parse("all"), limit=2, after=None, **args
    )
    second = leaderboard(
        views,
        str(scenario["community"]),
        Period.parse("all"),
        limit=2,
        after=first.next_after,
        **args,
    )
    assert [e["rank"] for e in first.entries + second.entries] == [1, 1, 3]
    assert second.next_after is None


def test_an_opted_out_volunteer_is_left_off_the_public_board(ledger, runner, views, scenario):
    ledger.change_listing(
        scenario["li"], public=False, guardian_consent=False, actor=Actor.volunteer(scenario["li"])
    )
    runner.catch_up()
    board = leaderboard(
        views,
        str(scenario["community"]),
        Period.parse("all"),
        category=None,
        public_as_of=date(2026, 3, 10),
        adult_born_by=date(2008, 3, 10),
        limit=50,
        after=None,
    )
    assert str(scenario["li"]) not in [e["volunteer_id"] for e in board.entries]
    assert [e["rank"] for e in board.entries] == [1, 2]


def test_a_minor_is_public_only_with_the_guardians_consent(ledger, runner, views, clock):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    minor = ledger.register_volunteer(
        name="刘小雨",
        phone=f.next_phone(),
        birth_date=date(2011, 9, 1),
        home_organisation_id=community,
        privacy_consent=True,
        guardian_name="刘建国",
        guardian_consent=True,
    )
    record = served(
        ledger, clock, activity, minor, start=datetime(2026, 3, 3, 1, tzinfo=UTC), minutes=60
    )
    ledger.approve_record(record, ORGANISER)

    def public_names():
        runner.catch_up()
        board = leaderboard(
            views,
            str(community),
            Period.parse("all"),
            category=None,
            public_as_of=date(2026, 3, 10),
            adult_born_by=date(2008, 3, 10),
            limit=50,
            after=None,
        )
        return [e["volunteer_id"] for e in board.entries]

    assert public_names() == []
    ledger.change_listing(minor, public=True, guardian_consent=True, actor=ORGANISER)
    assert public_names() == [str(minor)]


def test_the_summary_counts_approved_minutes_and_shows_pending_apart(
    ledger, runner, views, scenario
):
    runner.catch_up()
    summary = volunteer_summary(views, str(scenario["zhao"]), date(2026, 3, 10), STARS)
    assert (summary["approved_minutes"], summary["pending_minutes"]) == (300, 45)
    assert summary["this_bimonth"] == {"period": "2026-B2", "approved_minutes": 300}


def test_a_revocation_can_lower_the_star_level(ledger, runner, views, clock):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    volunteer = f.volunteer(ledger, community)
    records = []
    for day in range(9):  # nine twelve-hour days: 108 hours, one star
        start = datetime(2026, 3, 2 + day, 0, tzinfo=UTC)
        records.append(served(ledger, clock, activity, volunteer, start=start, minutes=720))
        ledger.approve_record(records[-1], ORGANISER)
    runner.catch_up()
    before = volunteer_summary(views, str(volunteer), date(2026, 3, 20), STARS)["stars"]
    ledger.revoke_record(records[0], "虚报", ORGANISER)
    runner.catch_up()
    after = volunteer_summary(views, str(volunteer), date(2026, 3, 20), STARS)["stars"]
    assert (before, after) == (1, 0)


def test_child_organisations_are_ranked_with_red_and_black_lists(ledger, runner, views, clock):
    district = f.district(ledger)
    names = ["和平里社区", "青年湖社区", "东四社区"]
    children = [f.community(ledger, parent=district, name=n) for n in names]
    activity = f.activity(ledger, children[0])
    for index, child in enumerate(children):
        for n in range(index + 1):  # 1, 2, 3 volunteers; only the first serves
            volunteer = f.volunteer(ledger, child, name=f"志愿者{index}{n}")
            if n == 0:
                record = served(
                    ledger,
                    clock,
                    activity,
                    volunteer,
                    start=datetime(2026, 3, 2 + index, tzinfo=UTC),
                    minutes=120,
                )
                ledger.approve_record(record, ORGANISER)
    runner.catch_up()
    ranked = rank_children(
        views,
        [(str(c), n) for c, n in zip(children, names, strict=True)],
        Period.parse("2026"),
        flagged=1,
    )
    assert [
        (r["name"], r["minutes_per_active_volunteer"], r["participation_percent"], r["list"])
        for r in ranked
    ] == [
        ("和平里社区", 120, 100, "red"),
        ("青年湖社区", 60, 50, None),
        ("东四社区", 40, 33, "black"),
    ]


def test_children_with_no_service_in_the_period_are_unranked(ledger, runner, views):
    district = f.district(ledger)
    names = ["和平里驿站", "青年湖驿站"]
    children = [f.community(ledger, parent=district, name=n) for n in names]
    for child in children:
        f.volunteer(ledger, child, name="王芳")
    runner.catch_up()
    ranked = rank_children(
        views,
        [(str(c), n) for c, n in zip(children, names, strict=True)],
        Period.parse("2026"),
        flagged=1,
    )
    assert [(r["name"], r["rank"], r["list"], r["standing"]) for r in ranked] == [
        ("和平里驿站", None, None, "unranked"),
        ("青年湖驿站", None, None, "unranked"),
    ]
