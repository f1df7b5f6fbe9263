"""Published recognition lists as they stand, found by organisation, period and category."""

from projections.recognition_lists.queries import published_lists
from tests import factories as f


def publish(ledger, organisation, volunteer, period, category=None):
    entry = {"rank": 1, "volunteer_id": str(volunteer), "volunteer_number": "1", "name": "王小明"}
    return ledger.publish_recognition_list(
        organisation_id=organisation,
        period=period,
        category=category,
        title="好人榜",
        entries=[entry],
        actor=f.ORGANISER,
    )


def test_a_list_is_listed_under_its_organisation_newest_first(ledger, runner, views):
    community = f.community(ledger)
    other = f.community(ledger, name="东四社区")
    volunteer = f.volunteer(ledger, community)
    first = publish(ledger, community, volunteer, "2026-03")
    second = publish(ledger, community, volunteer, "2026-B2", category="义诊")
    publish(ledger, other, volunteer, "2026-03")
    runner.catch_up()
    page = published_lists(views, str(community), limit=10, after=None)
    assert [row["id"] for row in page.items] == [str(second), str(first)]
    assert (page.items[0]["period"], page.items[0]["category"], page.items[0]["entries"]) == (
        "2026-B2",
        "义诊",
        1,
    )


def test_periods_and_category_narrow_the_lists(ledger, runner, views):
    community = f.community(ledger)
    volunteer = f.volunteer(ledger, community)
    march = publish(ledger, community, volunteer, "2026-03")
    clinic = publish(ledger, community, volunteer, "2026-03", category="义诊")
    publish(ledger, community, volunteer, "2025")
    runner.catch_up()

    def ids(**narrowing):
        return {
            row["id"]
            for row in published_lists(views, None, **narrowing, limit=10, after=None).items
        }

    assert ids(periods=["2026", "2026-03"]) == {str(march), str(clinic)}
    assert ids(periods=["2026-03"], category="义诊") == {str(clinic)}
    assert ids(periods=[]) == set()


def test_objections_count_while_open_and_a_final_list_says_so(ledger, runner, views, clock):
    community = f.community(ledger)
    volunteer = f.volunteer(ledger, community)
    list_id = publish(ledger, community, volunteer, "2026-03")
    objection = ledger.file_objection(list_id, volunteer, "时长有误", f.ORGANISER)
    runner.catch_up()
    [row] = published_lists(views, None, limit=10, after=None).items
    assert (row["open_objections"], row["final"]) == (1, False)
    ledger.resolve_objection(
        list_id, objection, upheld=False, resolution="核查无误", actor=f.ORGANISER
    )
    clock.advance(days=8)
    ledger.finalise_recognition_list(list_id, f.ORGANISER)
    runner.catch_up()
    [row] = published_lists(views, None, final=True, limit=10, after=None).items
    assert (row["open_objections"], row["final"]) == (0, True)
