"""The directory's look-ups: the organisation tree and activities with their coming shifts."""

from datetime import timedelta

from domain.values import Actor
from projections.directory.activities import ActivityFilter, activities, activity
from projections.directory.tree import organisation_tree
from tests import factories as f


def test_the_tree_nests_children_by_name_and_a_root_gives_its_subtree(ledger, runner, views):
    district = f.district(ledger)
    street = ledger.create_organisation(
        name="和平里街道", kind="street", parent_id=district, actor=f.ADMIN
    )
    f.community(ledger, street, name="和平里社区")
    f.community(ledger, street, name="安贞社区")
    runner.catch_up()
    [top] = organisation_tree(views)
    [street_node] = top["children"]
    assert [c["name"] for c in street_node["children"]] == sorted(["和平里社区", "安贞社区"])
    [root] = organisation_tree(views, str(street))
    assert root["id"] == str(street)
    assert organisation_tree(views, "no-such-organisation") == []


def test_an_activity_counts_its_places_left_on_shifts_not_started(ledger, runner, views, clock):
    community = f.community(ledger)
    activity_id = f.activity(ledger, community)
    soon = f.shift(ledger, activity_id, capacity=2)
    f.shift(ledger, activity_id, starts_in=timedelta(days=3), capacity=3)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(soon, volunteer, Actor.volunteer(volunteer))
    runner.catch_up()
    found = activity(views, str(activity_id), clock.now)
    assert found is not None
    assert (found["upcoming_shifts"], found["places_left"]) == (2, 4)
    later = activity(views, str(activity_id), clock.now + timedelta(days=2))
    assert later is not None
    assert (later["upcoming_shifts"], later["places_left"]) == (1, 3)


def test_open_activities_are_those_with_a_coming_shift(ledger, runner, views, clock):
    community = f.community(ledger)
    with_shift = f.activity(ledger, community, title="文明劝导")
    f.shift(ledger, with_shift)
    f.activity(ledger, community, title="理论宣讲")
    runner.catch_up()
    page = activities(views, ActivityFilter(now=clock.now, open=True), limit=10, after=None)
    assert [row["id"] for row in page.items] == [str(with_shift)]


def test_an_activity_answers_its_contact_or_none(ledger, runner, views, clock):
    community = f.community(ledger)
    with_contact = ledger.create_activity(
        title="爱心义诊",
        category="义诊",
        organisation_id=community,
        location="社区卫生服务站",
        actor=f.ORGANISER,
        contact="李老师 010-6401 2345",
    )
    without = f.activity(ledger, community)
    runner.catch_up()
    found = activity(views, str(with_contact), clock.now)
    missing = activity(views, str(without), clock.now)
    assert found is not None
    assert missing is not None
    assert (found["contact"], missing["contact"]) == ("李老师 010-6401 2345", None)
    page = activities(views, ActivityFilter(now=clock.now), limit=10, after=None)
    assert {row["title"]: row["contact"] for row in page.items}[
        "爱心义诊"
    ] == "李老师 010-6401 2345"
