"""Approved hours a subtree organised, month by month: the figures of the recognition chart."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.periods import Period
from projections.hours.report import hours_by_month
from tests import factories as f
from tests.factories import ORGANISER
from tests.projections.hours.test_hours import independent_minutes, served


@pytest.fixture
def streets(ledger, clock):
    """Two communities of one district; approved, revoked, rejected and pending records in
    February and March 2026, one either side of midnight in Beijing on 1 March."""
    district = f.district(ledger)
    hepingli = f.community(ledger, parent=district, name="和平里社区")
    dongsi = f.community(ledger, parent=district, name="东四社区")
    patrol = f.activity(ledger, hepingli)
    library = ledger.create_activity(
        title="社区图书角整理",
        category="义诊",
        organisation_id=hepingli,
        location="和平里社区活动室",
        actor=ORGANISER,
    )
    elsewhere = f.activity(ledger, dongsi)
    wang = f.volunteer(ledger, hepingli, name="王秀英")
    li = f.volunteer(ledger, dongsi, name="李建国")
    feb_last = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)  # 23:00 on 28 Feb in Beijing
    mar_first = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)  # 00:00 on 1 March in Beijing
    approved = [
        served(ledger, clock, patrol, wang, start=feb_last - timedelta(hours=1), minutes=60),
        served(ledger, clock, patrol, wang, start=mar_first, minutes=90),
        served(ledger, clock, library, li, start=mar_first + timedelta(hours=30), minutes=45),
        served(ledger, clock, elsewhere, li, start=mar_first + timedelta(hours=50), minutes=120),
    ]
    revoked = served(ledger, clock, patrol, wang, start=mar_first + timedelta(hours=70), minutes=30)
    # and one left pending:
    served(ledger, clock, patrol, wang, start=mar_first + timedelta(hours=90), minutes=15)
    for record in [*approved, revoked]:
        ledger.approve_record(record, ORGANISER)
    ledger.revoke_record(revoked, "重复录入", ORGANISER)
    return {"district": district, "hepingli": hepingli, "dongsi": dongsi, "patrol": patrol}


def test_each_month_sums_the_approved_minutes_of_the_subtree(ledger, runner, views, streets):
    runner.catch_up()
    assert hours_by_month(views, str(streets["hepingli"]), Period.parse("2026")) == {
        "2026-02": 60,
        "2026-03": 135,
    }


def test_a_parent_counts_what_its_children_organised(ledger, runner, views, streets):
    runner.catch_up()
    expected: dict[str, int] = {}
    for record in independent_minutes(ledger).values():
        if record["status"] == "approved":
            month = record["date"].strftime("%Y-%m")
            expected[month] = expected.get(month, 0) + record["minutes"]
    assert hours_by_month(views, str(streets["district"]), Period.parse("all")) == expected


def test_a_period_keeps_only_its_months(ledger, runner, views, streets):
    runner.catch_up()
    assert hours_by_month(views, str(streets["district"]), Period.parse("2026-03")) == {
        "2026-03": 255
    }


def test_a_category_keeps_only_its_records(ledger, runner, views, streets):
    runner.catch_up()
    months = hours_by_month(views, str(streets["hepingli"]), Period.parse("2026"), category="义诊")
    assert months == {"2026-03": 45}
